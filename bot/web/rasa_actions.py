"""Saathi's operations as Rasa custom actions (rasa-sdk), for brands whose own Rasa server
runs the dialogue: `flask rasa-actions` serves them on port 5055, where Rasa POSTs the
tracker of each action call to /webhook.

Each action hands the partner's message, with the intent Rasa decided, to the router like any
channel's message (stored once by its Rasa message id, run through the same flows), and
utters the replies, in the partner's language. `action_faq` answers the FAQ intent Rasa
found (how to earn, rewards, tiers, expiry).
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
from flows.understand import DECIDED

CHANNEL = "rasa"  # the conversation Rasa's messages are kept under, per phone
FAQ_INTENTS = frozenset({"faq_earn", "faq_redeem", "faq_tiers", "expiring"})
ACTIONS = {"action_balance": "balance", "action_history": "history",
           "action_redeem": "redeem", "action_learn": "learn", "action_faq": None}


class SaathiAction(Action):
    """One Rasa action: the message, with its intent, through Saathi's router."""

    def __init__(self, app: Flask, action: str, intent: str | None) -> None:
        self.app, self.action, self.intent = app, action, intent

    def name(self) -> str:
        return self.action

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        latest = tracker.latest_message or {}
        intent = self.intent or (latest.get("intent") or {}).get("name")
        if self.intent is None and intent not in FAQ_INTENTS:
            intent = "faq_earn"
        message = InboundMessage(
            channel=CHANNEL, sender=tracker.sender_id, text=latest.get("text") or "",
            provider_id=f"rasa-{latest.get('message_id') or uuid.uuid4().hex}",
            choice=f"{DECIDED}{intent}")
        with self.app.app_context():
            replies = router.handle(message)
        for reply in replies:
            dispatcher.utter_message(text=render_text(reply))
        return []


def executor(app: Flask) -> ActionExecutor:
    """An executor with every Saathi action registered."""
    found = ActionExecutor()
    for action, intent in ACTIONS.items():
        found.register_action(SaathiAction(app, action, intent))
    return found
