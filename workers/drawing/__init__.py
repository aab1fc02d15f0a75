"""Images the service draws: certificates, product code sheets, invite cards."""
