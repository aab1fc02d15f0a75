"""Invoice reading: pure functions from image bytes to fields (no database, no Flask)."""
