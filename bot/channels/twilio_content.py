"""Options on Twilio's WhatsApp through its Content API: a reply with up to 3 options becomes
a quick-reply content, up to 10 a list picker (the same limits and titles as Meta's, see
bot/channels/native.py). Each content is created once and found again by the hash of its JSON.
"""

from __future__ import annotations

import hashlib
import json
import re

import urllib3
from sqlalchemy.orm import Session
from urllib3.exceptions import HTTPError
from urllib3.util import make_headers

from bot.channels import native
from bot.messages import Reply
from models.messaging import contents

CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
TIMEOUT = urllib3.Timeout(connect=5, read=15)


class ContentError(Exception):
    """Twilio did not create the content."""


def types(reply: Reply, list_button: str) -> dict | None:
    """The content's `types` for the reply, or None when it is drawn as numbered text."""
    drawn = native.kind(reply)
    if drawn == "buttons":
        return {"twilio/quick-reply": {"body": reply.text, "actions": [
            {"title": c.title, "id": c.key}
            for c in native.titles(reply.options, native.BUTTON_TITLE)]}}
    if drawn == "list":
        items = [{"item": row.pop("title"), **row} for row in native.rows(reply.options)]
        return {"twilio/list-picker": {"body": reply.text, "items": items,
                                       "button": native.shorten(list_button,
                                                                native.LIST_BUTTON)}}
    return None


def content_sid(session: Session, config: dict, reply: Reply, language: str,
                list_button: str) -> str | None:
    """The Content SID that draws `reply` (created on first use), or None for plain text."""
    found = types(reply, list_button)
    if found is None:
        return None
    document = {"language": language, "types": found}
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False)
                            .encode()).hexdigest()
    known = contents.sid_for(session, digest)
    if known:
        return known
    return contents.remember(session, digest, _create(config, {
        "friendly_name": f"saathi_{digest[:24]}", **document}))


def _create(config: dict, document: dict) -> str:
    headers = make_headers(basic_auth=f"{config['TWILIO_ACCOUNT_SID']}:"
                                      f"{config['TWILIO_AUTH_TOKEN']}")
    try:
        response = urllib3.request(
            "POST", config["TWILIO_CONTENT_BASE"].rstrip("/") + "/v1/Content",
            body=json.dumps(document).encode(), timeout=TIMEOUT, retries=False,
            headers={**headers, "Content-Type": "application/json"})
        sid = json.loads(response.data).get("sid") if response.status in (200, 201) else None
    except (HTTPError, ValueError, AttributeError) as exc:
        raise ContentError(f"content not created: {exc.__class__.__name__}") from exc
    if not isinstance(sid, str) or not CONTENT_SID.fullmatch(sid):
        raise ContentError(f"content not created: HTTP {response.status}")
    return sid
