"""Partners: identity, roles and status, enrollment (self and by a rep), GSTIN checks."""
