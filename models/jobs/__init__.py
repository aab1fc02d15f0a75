"""Durable job records, process heartbeats and the backlog of waiting work."""
