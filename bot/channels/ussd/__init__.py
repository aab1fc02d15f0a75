"""USSD: a screen renderer shared by every gateway, and one adapter per gateway's protocol."""
