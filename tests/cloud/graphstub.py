"""A stand-in for Meta's Graph API (messages and media) and a client that posts signed
Cloud API webhooks the way Meta does."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
from dataclasses import dataclass, field

from tests.httpstub import Recorded, StubServer

APP_SECRET = "test-app-secret-0123456789"
TOKEN = "EAAGtest-access-token"
VERIFY = "verify-me-7"
NUMBER_ID = "106540352242922"  # brand A's phone number id
OTHER_NUMBER_ID = "107777000000001"  # brand B's
MESSAGES_PATH = re.compile(r"/v21\.0/([0-9]+)/messages")
MEDIA_PATH = re.compile(r"/v21\.0/([0-9]+)")
UPLOAD_PATH = re.compile(r"/v21\.0/([0-9]+)/media")


@dataclass
class Graph:
    """Answers POST /v21.0/{phone-number-id}/messages with a new wamid (or the next queued
    error) and GET /v21.0/{media-id} with the media's JSON; serves the files under /files/.
    Every request is checked for the bearer token and (messages) a JSON body."""

    errors: list[tuple[int, int]] = field(default_factory=list)  # (HTTP status, Meta code)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # media id -> file
    sent: list[tuple[str, dict]] = field(default_factory=list)  # (number id, JSON)
    uploads: list[bytes] = field(default_factory=list)  # multipart bodies
    count: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.stub = StubServer(self._answer)

    @property
    def base(self) -> str:
        return f"{self.stub.url}/v21.0"

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        if request.path.startswith("/files/"):
            data, mime = self.files[request.path.removeprefix("/files/")]
            return 200, {"Content-Type": mime}, data
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {}, b'{"error": {"code": 190, "message": "bad token"}}'
        if request.method == "POST" and (match := MESSAGES_PATH.fullmatch(request.path)):
            assert request.headers["Content-Type"] == "application/json"
            self.sent.append((match.group(1), json.loads(request.body)))
            if self.errors:
                status, code = self.errors.pop(0)
                return status, {}, json.dumps({"error": {
                    "message": "refused", "type": "OAuthException", "code": code}}).encode()
            wamid = f"wamid.OUT{next(self.count):010d}"
            return 200, {"Content-Type": "application/json"}, json.dumps({
                "messaging_product": "whatsapp", "messages": [{"id": wamid}]}).encode()
        if request.method == "POST" and UPLOAD_PATH.fullmatch(request.path):
            assert request.headers["Content-Type"].startswith("multipart/form-data")
            self.uploads.append(request.body)
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"id": f"{4490709327384033 + len(self.uploads)}"}).encode()
        if request.method == "GET" and (match := MEDIA_PATH.fullmatch(request.path)):
            media_id = match.group(1)
            if media_id not in self.files:
                return 404, {}, b'{"error": {"code": 100}}'
            data, mime = self.files[media_id]
            return 200, {"Content-Type": "application/json"}, json.dumps({
                "url": f"{self.stub.url}/files/{media_id}", "mime_type": mime,
                "sha256": hashlib.sha256(data).hexdigest(), "file_size": len(data),
                "id": media_id, "messaging_product": "whatsapp"}).encode()
        return 404, {}, b""

    def texts(self) -> list[str]:
        """What each sent message shows: its text, body or template name."""
        found = []
        for _number, payload in self.sent:
            body = payload[payload["type"]]
            found.append(body.get("body") or body.get("caption") or body.get("name")
                         or body["body"]["text"] if payload["type"] != "text" else body["body"])
        return found


def cloud_config(graph: Graph) -> dict:
    return {"WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_ACCESS_TOKEN": TOKEN,
            "WHATSAPP_VERIFY_TOKEN": VERIFY, "WHATSAPP_GRAPH_BASE": graph.base,
            "WHATSAPP_PHONE_NUMBER_ID": [NUMBER_ID, OTHER_NUMBER_ID],
            "WHATSAPP_MEDIA_HOSTS": [graph.stub.url]}


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def wamid(label: str) -> str:
    return "wamid.HBgM" + hashlib.sha256(label.encode()).hexdigest()[:40].upper()


def message(phone: str, kind: str, body: dict | None, label: str) -> dict:
    """One inbound message as Meta writes it (`body` under the key named by its type)."""
    raw = {"from": phone.removeprefix("+"), "id": wamid(label), "timestamp": "1773309600",
           "type": kind}
    if body is not None:
        raw[kind] = body
    return raw


def delivery(messages: list[dict] = (), statuses: list[dict] = (),
             number_id: str = NUMBER_ID) -> dict:
    value: dict = {"messaging_product": "whatsapp",
                   "metadata": {"display_phone_number": "919800000001",
                                "phone_number_id": number_id}}
    if messages:
        value["contacts"] = [{"profile": {"name": "Ravi"}, "wa_id": m["from"]}
                             for m in messages]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value,
                                                             "field": "messages"}]}]}


def status(wamid_: str, state: str, code: int | None = None) -> dict:
    raw = {"id": wamid_, "status": state, "timestamp": "1773309700",
           "recipient_id": "919812345678"}
    if code is not None:
        raw["errors"] = [{"code": code, "title": "refused"}]
    return raw


class CloudClient:
    """Post deliveries as Meta does: the raw JSON bytes, signed with the app secret."""

    def __init__(self, client) -> None:
        self.client = client

    def post(self, document: dict | bytes, signature: str | None = None):
        raw = document if isinstance(document, bytes) else json.dumps(document).encode()
        headers = {"Content-Type": "application/json",
                   "X-Hub-Signature-256": sign(raw) if signature is None else signature}
        response = self.client.post("/webhooks/whatsapp", data=raw, headers=headers)
        response.close()  # runs the in-process jobs (the sends), as a real server does
        return response

    def send(self, phone: str, text: str, label: str, number_id: str = NUMBER_ID):
        return self.post(delivery([message(phone, "text", {"body": text}, label)],
                                  number_id=number_id))

    def tap(self, phone: str, key: str, title: str, label: str, kind: str = "button_reply"):
        return self.post(delivery([message(phone, "interactive", {
            "type": kind, kind: {"id": key, "title": title}}, label)]))
