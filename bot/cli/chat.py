"""`flask chat`: talk to the bot in the terminal, through the same router as the channels."""

from __future__ import annotations

import logging
import uuid
from types import ModuleType

import click
from flask import current_app

from bot.channels.text import render_text
from bot.messages import InboundMessage
from models.partners.partner import normalize_phone


@click.command("chat")
@click.option("--phone", required=True, help="The partner's number, e.g. +919812345678")
@click.option("--channel", type=click.Choice(["whatsapp", "sms"]), default="whatsapp")
@click.option("--logs", is_flag=True, help="Show the service's INFO log lines too")
def chat(phone: str, channel: str, logs: bool) -> None:
    """Chat with the bot in the terminal, through the same router as the real channels."""
    from bot import router  # the flows and the channels' clients: not at every app start

    sender = normalize_phone(phone, current_app.config["DEFAULT_REGION"])
    click.echo(f"Chatting as {sender} on {channel}. Ctrl-D to quit.")
    service = logging.getLogger("saathi")
    level = service.level
    if not logs:  # a JSON line per message ("message handled") between the turns: warnings only
        service.setLevel(max(logging.WARNING, service.getEffectiveLevel()))
    try:
        _turns(router, sender, channel)
    finally:
        service.setLevel(level)


def _turns(router: ModuleType, sender: str, channel: str) -> None:
    while True:
        try:
            text = input("> ")
        except EOFError:
            return
        message = InboundMessage(channel=channel, sender=sender, text=text,
                                 provider_id=f"CLI{uuid.uuid4().hex}")
        for reply in router.handle(message):
            click.echo(render_text(reply) + "\n")
