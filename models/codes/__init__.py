"""Product codes: their format (`format`), tables of printed batches and scans, scanning, fraud
rules and review."""
