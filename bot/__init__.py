"""Channel adapters, router, replies, i18n, outbound and the web surfaces of Saathi."""
