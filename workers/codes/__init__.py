"""Reading product codes from photos."""
