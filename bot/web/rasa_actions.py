"""Saathi's operations as Rasa custom actions (rasa-sdk), for brands whose own Rasa server
runs the dialogue: `flask rasa-actions` serves them on port 5055, where Rasa POSTs the
tracker of each action call to /webhook.

Each action hands the partner's message, with the intent Rasa decided, to the router like any
channel's message (stored once by its Rasa message id, run through the same flows), and
utters the replies, in the partner's language. `action_faq` answers the FAQ intent Rasa
found (how to earn, rewards, tiers, expiry); `action_saathi` does whatever intent of
flows/understand.py Rasa found (greeting, a person, language, scan help, stop…), and hands
any other intent's text to the router as free text.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from bot import router
from bot.channels.text import render_text
from bot.messages import InboundMessage
from flows import understand

CHANNEL = "rasa"  # the conversation Rasa's messages are kept under, per phone
FAQ_INTENTS = frozenset({"faq_earn", "faq_redeem", "faq_tiers", "expiring"})
# action -> the intent it does, or the intents of Rasa's it takes
ACTIONS: dict[str, str | frozenset[str]] = {
    "action_balance": "balance", "action_history": "history", "action_redeem": "redeem",
    "action_learn": "learn", "action_faq": FAQ_INTENTS,
    "action_saathi": frozenset(understand.ACTIONS),
}


class SaathiAction(Action):
    """One Rasa action: the message, with its intent, through Saathi's router."""

    def __init__(self, app: Flask, action: str, intents: str | frozenset[str]) -> None:
        self.app, self.action, self.intents = app, action, intents

    def name(self) -> str:
        return self.action

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        latest = tracker.latest_message or {}
        intent = self._intent((latest.get("intent") or {}).get("name"))
        message = InboundMessage(
            channel=CHANNEL, sender=tracker.sender_id, text=latest.get("text") or "",
            provider_id=f"rasa-{latest.get('message_id') or uuid.uuid4().hex}",
            choice=f"{understand.DECIDED}{intent}" if intent else None)
        with self.app.app_context():
            replies = router.handle(message)
        for reply in replies:
            dispatcher.utter_message(text=render_text(reply))
        return []

    def _intent(self, found: str | None) -> str | None:
        """The intent to do: this action's own, or the one Rasa found if this action takes
        it (None: the text is read as free text)."""
        if isinstance(self.intents, str):
            return self.intents
        return found if found in self.intents else None


def executor(app: Flask) -> ActionExecutor:
    """An executor with every Saathi action registered."""
    found = ActionExecutor()
    for action, intents in ACTIONS.items():
        found.register_action(SaathiAction(app, action, intents))
    return found
