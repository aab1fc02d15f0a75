"""Channel adapters: provider request -> InboundMessage, and Reply -> provider response."""
