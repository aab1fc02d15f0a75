"""Programs loaded from YAML: the schema, memberships, earning rules, tiers, catalog and
per-language labels."""
