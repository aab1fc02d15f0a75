"""Support: a partner who needs a person gets a ticket; agents answer it (the admin inbox)."""
