"""Render replies as plain text: options become numbered lines (SMS, WhatsApp text)."""

from __future__ import annotations

from bot.messages import Reply


def render_text(reply: Reply) -> str:
    """The reply's text followed by one numbered line per option."""
    lines = [reply.text] if reply.text else []
    lines += [f"{n}. {option.label}" for n, option in enumerate(reply.options, start=1)]
    return "\n".join(lines)
