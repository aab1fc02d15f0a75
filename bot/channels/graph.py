"""Meta's Graph API for WhatsApp: the JSON of each message kind, and one POST to
`/{phone-number-id}/messages` with its errors sorted into what the outbox does about them."""

from __future__ import annotations

import json

import urllib3
from urllib3.exceptions import HTTPError

from bot.channels import native
from bot.channels.text import render_text
from bot.messages import Reply

DEFAULT_BASE = "https://graph.facebook.com/v21.0"
TIMEOUT = urllib3.Timeout(connect=5, read=15)
RATE_LIMITS = frozenset({"130429", "131056", "131048", "80007"})
OUTSIDE_WINDOW = "131047"
UNDELIVERABLE = frozenset({"131026"})


class GraphError(Exception):
    """The Graph API refused the message or did not answer; `code` is Meta's error code."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code

    @property
    def rate_limited(self) -> bool:
        return self.code in RATE_LIMITS

    @property
    def outside_window(self) -> bool:
        return self.code == OUTSIDE_WINDOW

    @property
    def undeliverable(self) -> bool:
        return self.code in UNDELIVERABLE


def envelope(to: str, kind: str, body: dict) -> dict:
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": to.removeprefix("+"), "type": kind, kind: body}


def text(to: str, body: str) -> dict:
    return envelope(to, "text", {"preview_url": False, "body": body[:4096]})


def image(to: str, link: str, caption: str, media_id: str | None = None) -> dict:
    """An image by the service's public URL, or by the id of a file uploaded first."""
    body = {"id": media_id} if media_id else {"link": link}
    if caption:
        body["caption"] = caption[:1024]
    return envelope(to, "image", body)


def audio(to: str, link: str, media_id: str | None = None) -> dict:
    """A voice note (OGG/Opus plays as one); audio takes no caption."""
    return envelope(to, "audio", {"id": media_id} if media_id else {"link": link})


AUDIO_SUFFIXES = (".ogg", ".opus")


def buttons(to: str, reply: Reply) -> dict:
    rows = native.titles(reply.options, native.BUTTON_TITLE)
    return envelope(to, "interactive", {
        "type": "button", "body": {"text": reply.text},
        "action": {"buttons": [{"type": "reply", "reply": {"id": c.key, "title": c.title}}
                               for c in rows]}})


def choice_list(to: str, reply: Reply, button: str) -> dict:
    return envelope(to, "interactive", {
        "type": "list", "body": {"text": reply.text},
        "action": {"button": native.shorten(button, native.LIST_BUTTON),
                   "sections": [{"rows": native.rows(reply.options)}]}})


def template(to: str, name: str, language: str, values: dict) -> dict:
    """A template message; `values` are the body's parameters by position ("1", "2", …)."""
    body: dict = {"name": name, "language": {"code": language}}
    if values:
        ordered = sorted(values.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)
        body["components"] = [{"type": "body", "parameters": [
            {"type": "text", "text": str(v)} for _k, v in ordered]}]
    return envelope(to, "template", body)


def reply_payload(to: str, reply: Reply, list_button: str, base_url: str = "",
                  media_id: str | None = None) -> dict:
    """The one message a reply becomes: buttons, a list, an image or text."""
    drawn = native.kind(reply)
    if drawn == "buttons":
        return buttons(to, reply)
    if drawn == "list":
        return choice_list(to, reply, list_button)
    if reply.media_url:
        url = reply.media_url
        link = base_url.rstrip("/") + url if url.startswith("/") else url
        if url.endswith(AUDIO_SUFFIXES) and not reply.text:
            return audio(to, link, media_id)
        return image(to, link, render_text(reply), media_id)
    return text(to, render_text(reply))


class Graph:
    """POSTs to one installation's Graph API with its token (one HTTP session, pooled)."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.http = urllib3.PoolManager(maxsize=8)

    def send(self, phone_number_id: str, payload: dict) -> str:
        """Send one message; return its wamid or raise GraphError."""
        answer = self._post(f"{phone_number_id}/messages", body=json.dumps(payload).encode(),
                            headers={"Content-Type": "application/json"})
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise GraphError("answer without a message id") from exc

    def upload(self, phone_number_id: str, data: bytes, name: str, mime: str) -> str:
        """Upload a file for a message (when the service has no public URL); its media id."""
        answer = self._post(f"{phone_number_id}/media", fields={
            "messaging_product": "whatsapp", "type": mime, "file": (name, data, mime)})
        media_id = answer.get("id")
        if not isinstance(media_id, str) or not media_id.isdigit():
            raise GraphError("answer without a media id")
        return media_id

    def _post(self, path: str, headers: dict | None = None, **request) -> dict:
        try:
            response = self.http.request(
                "POST", f"{self.base}/{path}", timeout=TIMEOUT, retries=False,
                headers={"Authorization": f"Bearer {self.token}", **(headers or {})}, **request)
        except HTTPError as exc:
            raise GraphError(f"no answer: {exc.__class__.__name__}") from exc
        try:
            answer = json.loads(response.data)
        except ValueError:
            answer = {}
        if response.status != 200 or not isinstance(answer, dict):
            error = answer.get("error") if isinstance(answer, dict) else None
            error = error if isinstance(error, dict) else {}
            code = error.get("code")
            raise GraphError(str(error.get("message") or f"HTTP {response.status}")[:300],
                             str(code) if code is not None else None)
        return answer
