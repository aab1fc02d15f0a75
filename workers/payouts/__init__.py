"""Payout providers behind one interface: the sandbox and an HTTP provider."""
