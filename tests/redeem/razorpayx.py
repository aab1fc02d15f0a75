"""A stand-in for RazorpayX Payouts on a local port: idempotent by X-Payout-Idempotency,
strict about retries (same key must carry the same bytes), and able to time out or 503."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time

from tests.httpstub import Recorded, StubServer

KEY_ID, KEY_SECRET, ACCOUNT = "rzp_test_key", "rzp_test_secret", "2323230041626905"
WEBHOOK_SECRET = "whsec-test-0123456789"
HEADER = "X-Payout-Idempotency"


class FakeRazorpayX:
    def __init__(self, *, initial_status: str = "processing", slow_seconds: float = 0.5) -> None:
        self.initial_status, self.slow_seconds = initial_status, slow_seconds
        self.answers: dict[str, tuple[bytes, dict]] = {}  # idempotency key -> (body, answer)
        self.payouts: dict[str, dict] = {}
        self.problems: list[str] = []
        self.plan: list[str] = []  # what the next POST /v1/payouts does: "timeout" or "503"
        self.lock = threading.Lock()
        self.stub = StubServer(self.respond)

    def __enter__(self) -> FakeRazorpayX:
        self.stub.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.stub.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.stub.url

    def requests(self, path: str) -> list[Recorded]:
        return [r for r in self.stub.requests if r.path == path]

    def respond(self, req: Recorded) -> tuple[int, dict, bytes]:
        auth = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
        key = req.headers.get(HEADER)
        if req.headers.get("Authorization") != auth or not key:
            self.problems.append(f"{req.method} {req.path}: missing auth or {HEADER}")
            return _json(401, {"error": {"description": "unauthorised"}})
        if req.method == "GET":
            payout = self.payouts.get(req.path.rsplit("/", 1)[-1])
            return _json(200, payout) if payout else _json(404, {"error": {}})
        action = self.plan.pop(0) if req.path == "/v1/payouts" and self.plan else None
        if action == "503":
            return _json(503, {"error": {"description": "try later"}})
        with self.lock:
            if key in self.answers:
                body, answer = self.answers[key]
                if body != req.body:
                    self.problems.append(f"{key}: a retry changed the body")
                    return _json(409, {"error": {"description": "idempotency key reused"}})
                return _json(200, answer)
            answer = self._create(req.path, json.loads(req.body))
            self.answers[key] = (req.body, answer)
        if action == "timeout":
            time.sleep(self.slow_seconds)  # created, but the answer comes too late
        return _json(200, answer)

    def _create(self, path: str, body: dict) -> dict:
        n = len(self.answers) + 1
        if path == "/v1/contacts":
            return {"id": f"cont_{n}", "entity": "contact", **body}
        if path == "/v1/fund_accounts":
            return {"id": f"fa_{n}", "entity": "fund_account", **body}
        payout = {"id": f"pout_{n}", "entity": "payout", "status": self.initial_status,
                  "amount": body["amount"], "reference_id": body["reference_id"]}
        self.payouts[payout["id"]] = payout
        return payout


def _json(status: int, data: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


def provider_config(url: str) -> dict:
    return {"PAYOUT_PROVIDER": "http", "PAYOUT_API_BASE": url, "PAYOUT_KEY_ID": KEY_ID,
            "PAYOUT_KEY_SECRET": KEY_SECRET, "PAYOUT_ACCOUNT_NUMBER": ACCOUNT,
            "PAYOUT_WEBHOOK_SECRET": WEBHOOK_SECRET, "PAYOUT_TIMEOUT_SECONDS": 0.3,
            "PAYOUT_HTTP_RETRIES": 2, "PAYOUT_WAIT_SECONDS": 0}


def event(client, payout: dict, status: str, *, secret: str = WEBHOOK_SECRET,
          description: str = "beneficiary bank down"):
    """POST a signed payout.<status> webhook like RazorpayX; return the response."""
    entity = {**payout, "status": status}
    if status in ("failed", "reversed"):
        entity["status_details"] = {"description": description}
    body = json.dumps({"entity": "event", "event": f"payout.{status}",
                       "payload": {"payout": {"entity": entity}}}).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/webhooks/payouts", data=body, headers={
        "X-Razorpay-Signature": signature, "Content-Type": "application/json"})
