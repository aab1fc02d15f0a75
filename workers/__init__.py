"""RQ jobs: each parses its arguments, calls one domain operation, and records the outcome."""
