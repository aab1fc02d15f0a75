"""The fault harness's fuzz stage: hostile requests, validly signed where the endpoint checks a
signature, to every public endpoint. A 5xx or a log line that carries the request's text
unescaped (anything but one JSON object per line) is a failure; an ERROR the app logged is
reported."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from bench.fault_stack import ADMIN_TOKEN, Stack
from bench.fault_traffic import Traffic
from tests.redeem.razorpayx import WEBHOOK_SECRET

MARK = "FZZ" + uuid.uuid4().hex[:8]
HOSTILE_TEXT = [
    "\x00", f"{MARK}\x00tail", "9" * 40, "-1", "1e309", "½", "²", "፩", "𐩀", "٣", "०३", "௫௦௦",
    f"\u202e{MARK}REDEEM", f"\u200bMENU\u200b{MARK}", f"{MARK}' OR 1=1 --", "{{7*7}}",
    f"<script>{MARK}</script>", "${jndi:ldap://127.0.0.1/x}", "../../../../etc/passwd",
    f"{MARK}\r\n{{\"level\": \"ERROR\", \"event\": \"forged\"}}", f"{MARK}\u2028forged",
    "A" * 4000, "".join(chr(random.Random(7).randrange(0x20, 0x2FFF)) for _ in range(300)),
]
# Media URLs pointing inside: {canary} is a server on loopback that counts the fetches that
# reach it (none may); {web} is Saathi's own gunicorn; {media} the allowed media host.
INSIDE = ["http://127.0.0.1:{canary}/direct", "http://localhost:{canary}/name",
          "http://2130706433:{canary}/decimal", "http://0.0.0.0:{canary}/zero",
          "http://[::ffff:127.0.0.1]:{canary}/mapped", "{media}/Media/redirect",
          "http://127.0.0.1:{web}/admin/status", "http://169.254.169.254/latest/meta-data/",
          "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"]
@dataclass
class Fuzzed:
    requests: int = 0
    server_errors: int = 0
    unescaped: int = 0
    errors_logged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _cases(stack: Stack, phone: str) -> list[tuple[str, str, str, dict | bytes | None, dict]]:
    """(name, method, path, form or raw body, headers) of every hostile request."""
    hosts = {"canary": stack.canary.server.server_port, "web": stack.port,
             "media": stack.media_host.url}
    sid = lambda: "SM" + uuid.uuid4().hex  # noqa: E731
    base = {"From": f"whatsapp:{phone}", "To": "whatsapp:+14155238886", "NumMedia": "0",
            "AccountSid": "AC" + "0" * 32}
    cases = [(f"twilio body {n}", "POST", "/webhooks/twilio",
              {**base, "MessageSid": sid(), "Body": text}, {})
             for n, text in enumerate(HOSTILE_TEXT)]
    cases += [(f"twilio sid {n}", "POST", "/webhooks/twilio",
               {**base, "MessageSid": bad, "Body": "MENU"}, {})
              for n, bad in enumerate(["SM\x00" + "a" * 31, "SM" + "9" * 60, "../../x", "",
                                       f"SM{MARK}\n{{}}", "SM" + "a" * 32 + "NumMedia0"])]
    cases += [(f"twilio from {n}", "POST", "/webhooks/twilio",
               {**base, "From": bad, "MessageSid": sid(), "Body": "MENU"}, {})
              for n, bad in enumerate(["whatsapp:+91" + "9" * 30, f"whatsapp:<b>{MARK}</b>",
                                       f"whatsapp:{phone}\x00", "", "sms:" + "\u202e" * 10])]
    cases += [(f"twilio media {n}", "POST", "/webhooks/twilio",
               {**base, "MessageSid": "MM" + uuid.uuid4().hex, "Body": "", "NumMedia": "1",
                "MediaUrl0": url.format(**hosts), "MediaContentType0": "image/jpeg"}, {})
              for n, url in enumerate(INSIDE)]
    cases += [(f"twilio media fields {n}", "POST", "/webhooks/twilio",
               {**base, "MessageSid": "MM" + uuid.uuid4().hex, **fields}, {})
              for n, fields in enumerate([
                  {"NumMedia": "9" * 30}, {"NumMedia": "-1"}, {"NumMedia": "x"},
                  {"NumMedia": "1", "MediaUrl0": "http://e.x/\x00", "MediaContentType0": "i"},
                  {"NumMedia": "1", "MediaUrl0": "x", "MediaContentType0": "image/jpeg\x00"}])]
    cases.append(("twilio invalid utf-8", "POST", "/webhooks/twilio",
                  b"From=whatsapp%3A%2B91%FF%FE&Body=%C3%28%A0%A1&MessageSid=SM%FF", {}))
    cases += [(f"twilio status {n}", "POST", "/webhooks/twilio/status", fields, {})
              for n, fields in enumerate([
                  {"MessageSid": "SM" + "9" * 40, "MessageStatus": "delivered"},
                  {"MessageSid": "SM\x00", "MessageStatus": f"{MARK}\x00"},
                  {"MessageSid": sid(), "MessageStatus": "failed", "ErrorCode": "9" * 30}])]
    cases += [(f"payout webhook {n}", "POST", "/webhooks/payouts", body,
               {"Content-Type": "application/json", "X-Razorpay-Signature": hmac.new(
                   WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()})
              for n, body in enumerate(_payout_bodies())]
    cases += [(f"verify {n}", "GET", f"/verify/{bad}", None, {})
              for n, bad in enumerate(["%00", "%00%0A%7B%22level%22%3A%22ERROR%22%7D",
                                       "9" * 30, "%E2%80%AE" + MARK, "'%20OR%201=1--",
                                       "..%2F..%2Fetc%2Fpasswd", "%FF%FE"])]
    cases += [(f"media {n}", "GET", f"/media/{bad}", None, {})
              for n, bad in enumerate(["..%2F..%2Fetc%2Fpasswd", "%00", "inbound/x.jpg",
                                       "..%5C..%5Cwin.ini", "%2Fetc%2Fpasswd"])]
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}
    cases += [(f"admin review {n}", "POST", f"/admin/review/{bad}", b'{"approve": true}', admin)
              for n, bad in enumerate(["9" * 30, "-1", "0", "1%00"])]
    cases += [("admin list", "GET", f"/admin/review?kind=%00{MARK}", None, admin),
              ("admin status", "GET", "/admin/status?x=%FF", None, admin),
              ("simulator send", "POST", "/simulator/send", {"phone": "\x00", "text": MARK}, {}),
              ("healthz", "GET", "/healthz?%00=%FF", None, {})]
    return cases


def _payout_bodies() -> list[bytes]:
    def event(entity: object) -> bytes:
        return json.dumps({"event": "payout.processed", "payload": {"payout": {
            "entity": entity}}}).encode()

    return [event({"id": "pout_1", "reference_id": "9" * 30, "status": "processed"}),
            event({"id": "pout_\u0000", "reference_id": f"r\u0000{MARK}", "status": "x"}),
            event(["not", "a", "dict"]), event({"reference_id": 10**40}),
            b'{"event": "payout.processed", "payload": ', b"\xff\xfe not json"]


def run(stack: Stack, traffic: Traffic) -> Fuzzed:
    """Send every case; read what the web server logged meanwhile."""
    fuzzed = Fuzzed()
    logged_before = len(stack.logs("web"))
    phone = next(iter(traffic.deliveries.values())).params["From"].removeprefix("whatsapp:")
    for name, method, path, body, headers in _cases(stack, phone):
        status = _send(stack, traffic, method, path, body, headers)
        fuzzed.requests += 1
        if status >= 500 or status == 0:
            fuzzed.server_errors += 1
            _fail(fuzzed, name, f"{method} {path[:60]!r} answered {status or 'nothing'}")
    time.sleep(5)  # the media jobs run meanwhile
    for request in stack.canary.requests:
        _fail(fuzzed, "twilio media", f"a media fetch reached {request.path} on loopback")
    for line in stack.logs("web")[logged_before:]:
        _read_log_line(fuzzed, line)
    return fuzzed


def _send(stack: Stack, traffic: Traffic, method: str, path: str, body, headers) -> int:
    if isinstance(body, dict) and path.startswith("/webhooks/twilio"):
        return traffic.post(path, body)[0]
    data = body if isinstance(body, bytes) or body is None else \
        "&".join(f"{k}={v}" for k, v in body.items()).encode()
    request = urllib.request.Request(stack.url + path, data=data, method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _read_log_line(fuzzed: Fuzzed, line: str) -> None:
    """One JSON object per line, or gunicorn's own line that carries nothing of ours."""
    try:
        entry = json.loads(line)
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        if MARK in line or not line.startswith("["):
            fuzzed.unescaped += 1
            _fail(fuzzed, "log", f"unescaped log line: {line[:120]!r}")
        return
    if entry.get("level") in ("ERROR", "CRITICAL"):
        fuzzed.errors_logged.append(str(entry.get("event"))[:80])


def _fail(fuzzed: Fuzzed, name: str, problem: str) -> None:
    fuzzed.problems.append(f"{name}: {problem}")
