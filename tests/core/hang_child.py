"""Run by test_inbox_sweep in a child process: handle one HANG message and hang in its flow."""

from __future__ import annotations

import os
import sys

import tests.core.testflows  # noqa: F401 - registers the HANG flow
from app import create_app
from bot import router
from bot.messages import InboundMessage

if __name__ == "__main__":
    app = create_app({"DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": ""})
    with app.app_context():
        router.handle(InboundMessage(channel="whatsapp", sender=sys.argv[1], text="HANG",
                                     provider_id=sys.argv[2]))
