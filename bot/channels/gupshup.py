"""Gupshup Enterprise SMS (India): each SMS goes with its DLT template id, entity id and
sender header (docs.gupshup.io, "Send Messages to Single Number": GatewayAPI/rest with
method=SendMessage; a plain-text answer "success | <phone> | <id>" or "error | <code> | <why>").
"""

from __future__ import annotations

import logging
from datetime import datetime

import requests

from bot.channels import dlt
from bot.channels.sms import is_gsm7
from models.base import utcnow
from models.messaging.outbox import OutboxMessage

log = logging.getLogger("saathi.gupshup")


class GatewayError(Exception):
    """Gupshup answered with an error (the message is its code and reason, never the text)."""


class Deferred(Exception):
    """Not now: a promotional SMS outside 09:00-21:00 IST waits until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"promotional SMS deferred to {until:%Y-%m-%d %H:%M} IST (quiet hours)")
        self.until = until


class GupshupSender:
    def __init__(self, config: dict) -> None:
        self.url = config["GUPSHUP_API_URL"]
        self.userid, self.password = config["GUPSHUP_USERID"], config["GUPSHUP_PASSWORD"]
        self.timeout = config["SMS_GATEWAY_TIMEOUT_SECONDS"]

    def params(self, message: OutboxMessage, template: dlt.Template) -> dict[str, str]:
        """The form Gupshup takes for one SMS."""
        registry = dlt.registry()
        return {
            "method": "SendMessage", "v": "1.1", "format": "text", "auth_scheme": "plain",
            "userid": self.userid, "password": self.password,
            "send_to": message.phone.removeprefix("+"), "msg": message.body,
            "msg_type": "TEXT" if is_gsm7(message.body) else "UNICODE_TEXT",
            "mask": registry.sender, "principalEntityId": registry.principal_entity_id,
            "dltTemplateId": template.id,
        }

    def send(self, message: OutboxMessage) -> str:
        """Send one SMS; raise DltRefused (no template), Deferred (quiet hours) or
        GatewayError, else return Gupshup's message id."""
        try:
            template = dlt.match(message.body)
        except dlt.DltRefused:
            log.error("sms refused: no DLT template", extra={"outbox_id": message.id})
            raise
        if template.category == dlt.Category.PROMOTIONAL and \
                (until := dlt.promotional_from(utcnow())) is not None:
            raise Deferred(until)
        response = requests.post(self.url, data=self.params(message, template),
                                 timeout=self.timeout)
        response.raise_for_status()
        status, _, rest = (part.strip() for part in response.text.partition("|"))
        if status.lower() != "success":
            raise GatewayError(f"gupshup refused: {rest[:200]}")
        return rest.rsplit("|", 1)[-1].strip()
