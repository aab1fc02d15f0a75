"""Which understanding reads a message: a brand's Rasa server when RASA_URL is set (its
`/model/parse`, with a short timeout), else, or when Rasa fails or times out, the embedded
classifier. Entities always come from flows/nlu/entities.py."""

from __future__ import annotations

import json
import logging
import urllib.request

from flask import current_app, has_app_context

from flows.nlu import Understanding, band, understand
from flows.nlu.classifier import Guess
from flows.nlu.entities import extract

log = logging.getLogger("saathi.nlu")


def read(text: str) -> Understanding:
    config = current_app.config if has_app_context() else {}
    url = config.get("RASA_URL")
    if url:
        parsed = parse_with_rasa(url, text, config.get("RASA_TIMEOUT_SECONDS", 0.5))
        if parsed is not None:
            return parsed
    return understand(text)


def parse_with_rasa(url: str, text: str, timeout: float) -> Understanding | None:
    """Rasa's reading of `text`, or None (logged) when it cannot give one in time."""
    try:
        request = urllib.request.Request(
            f"{url.rstrip('/')}/model/parse", data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read())
        ranking = body.get("intent_ranking") or [body["intent"]]
        first = body["intent"]
        second = ranking[1] if len(ranking) > 1 else {"name": first["name"], "confidence": 0.0}
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:  # HTTP errors too
        log.warning("rasa parse failed, the embedded classifier answers",
                    extra={"error": type(exc).__name__})
        return None
    confidence = float(first.get("confidence") or 0.0)
    return Understanding(first["name"], confidence, band(confidence),
                         Guess(second["name"], float(second.get("confidence") or 0.0)),
                         extract(text))
