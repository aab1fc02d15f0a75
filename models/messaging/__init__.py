"""The conversation around the flows: the inbox (every inbound message), conversations
(flow state) and the outbox (every outbound message)."""
