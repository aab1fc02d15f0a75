"""Senders deliver one outbox row: Twilio's REST API, an Indian SMS gateway with DLT ids
(bot/channels/gupshup.py), or the outbox alone (simulator)."""

from __future__ import annotations

import json
from typing import Protocol

from flask import current_app
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.gupshup import GupshupSender
from models.messaging.outbox import OutboxMessage

TWILIO_DEFAULT_BASE = "https://api.twilio.com"


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> str:
        """Deliver the message; return the provider's message id."""


class OutboxOnlySender:
    """The default without Twilio: the row itself is the delivery (the simulator shows it)."""

    def send(self, message: OutboxMessage) -> str:
        return f"OUTBOX{message.id:012d}"


class _BaseUrlHttpClient(TwilioHttpClient):
    """Point Twilio's client at another base URL (a local server in tests, a proxy in prod)."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=10)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace(TWILIO_DEFAULT_BASE, self.base, 1),
                               *args, **kwargs)


class TwilioSender:
    def __init__(self, config: dict) -> None:
        base = config["TWILIO_API_BASE"]
        http = _BaseUrlHttpClient(base) if base.rstrip("/") != TWILIO_DEFAULT_BASE else None
        self.client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                             http_client=http)
        self.config = config

    def _address(self, channel: str, phone: str) -> tuple[str, str]:
        if channel == "whatsapp":
            return f"whatsapp:{self.config['TWILIO_WHATSAPP_FROM']}", f"whatsapp:{phone}"
        return self.config["TWILIO_SMS_FROM"], phone

    def send(self, message: OutboxMessage) -> str:
        from_, to = self._address(message.channel, message.phone)
        params: dict = {"from_": from_, "to": to}
        if self.config["PUBLIC_BASE_URL"]:
            params["status_callback"] = self.config["PUBLIC_BASE_URL"].rstrip("/") + \
                "/webhooks/twilio/status"
        if message.template:
            params["content_sid"] = self.config["WHATSAPP_TEMPLATES"][message.template]
            params["content_variables"] = json.dumps(message.template_vars)
        else:
            params["body"] = message.body
            if message.media_urls:
                params["media_url"] = list(message.media_urls)
        return self.client.messages.create(**params).sid


def current_sender(channel: str = "whatsapp") -> Sender:
    """For SMS, the Indian gateway when SMS_PROVIDER says so; else Twilio when credentials
    are configured, else the outbox alone."""
    config = current_app.config
    if channel == "sms" and config["SMS_PROVIDER"] == "gupshup":
        return GupshupSender(config)
    if config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]:
        return TwilioSender(config)
    return OutboxOnlySender()
