"""The fault harness's traffic: partners chatting through signed Twilio webhooks — menus, typed
product codes, QR and invoice photos, UPI redemptions with their OTP — delivered the way
Twilio delivers: a request that gets no answer (reset, timeout, 5xx) is sent again with the
same MessageSid."""

from __future__ import annotations

import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPException
from xml.etree import ElementTree

import psycopg
from twilio.request_validator import RequestValidator

from bench.fault_stack import BASE_URL, TOKEN, Stack

RETRIES = 6  # Twilio gives up after a few tries; so do we
VPA = "faults.partner@okhdfc"
LAST_SMS = ("SELECT body FROM outbox_messages WHERE phone = %s AND channel = 'sms' "
            "ORDER BY id DESC LIMIT 1")


@dataclass
class Delivery:
    """What happened to one MessageSid: every answer it got, and how many tries."""

    params: dict
    answers: list[tuple[int, str]] = field(default_factory=list)  # (status, TwiML body)

    @property
    def accepted(self) -> bool:
        return any(status == 200 for status, _ in self.answers)


@dataclass
class Script:
    """One partner's conversation, sent in order."""

    phone: str
    steps: list[tuple] = field(default_factory=list)  # ("text", body) | ("media", url) | ("otp",)


class Traffic:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.validator = RequestValidator(TOKEN)
        self.deliveries: dict[str, Delivery] = {}
        self.status_counts: dict[int, int] = defaultdict(int)
        self.in_flight = threading.BoundedSemaphore(8)
        self.counting = threading.Lock()

    def deliver(self, phone: str, body: str = "", media: list[str] | None = None) -> Delivery:
        sid = ("MM" if media else "SM") + uuid.uuid4().hex
        params = {"From": f"whatsapp:{phone}", "To": "whatsapp:+14155238886", "Body": body,
                  "MessageSid": sid, "NumMedia": str(len(media or [])),
                  "AccountSid": "AC" + "0" * 32}
        for n, url in enumerate(media or []):
            params[f"MediaUrl{n}"], params[f"MediaContentType{n}"] = url, "image/jpeg"
        delivery = self.deliveries[sid] = Delivery(params)
        for attempt in range(RETRIES):
            with self.in_flight:
                status, text = self.post("/webhooks/twilio", params)
            with self.counting:
                self.status_counts[status] += 1
            if status:
                delivery.answers.append((status, text))
            if status == 200 or 400 <= status < 500:
                break
            time.sleep(min(2**attempt, 8))
        return delivery

    def post(self, path: str, params: dict, *, sign: bool = True) -> tuple[int, str]:
        """POST a form like Twilio; status 0 when the connection broke or timed out."""
        data = urllib.parse.urlencode(params).encode()
        headers = {"X-Twilio-Signature": self.validator.compute_signature(
            BASE_URL + path, params)} if sign else {}
        request = urllib.request.Request(self.stack.url + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # Twilio's limit
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, HTTPException, OSError):
            return 0, ""

    def run(self, scripts: list[Script], *, seconds: float, concurrency: int) -> None:
        """Play the scripts over about `seconds`: every partner at once, each in order, at
        most `concurrency` requests in flight."""
        pause = seconds / max(len(s.steps) for s in scripts)
        self.in_flight = threading.BoundedSemaphore(concurrency)

        def play(script: Script) -> None:
            time.sleep(random.uniform(0, pause))
            for step in script.steps:
                if step[0] == "text":
                    self.deliver(script.phone, step[1])
                elif step[0] == "media":
                    self.deliver(script.phone, "", [step[1]])
                else:  # the OTP the redemption sent by SMS
                    self.deliver(script.phone, self.otp(script.phone))
                time.sleep(random.uniform(0.5, 1.0) * pause)

        with ThreadPoolExecutor(max_workers=len(scripts)) as pool:
            list(pool.map(play, scripts))

    def during_burst(self, fault, messages: int = 150) -> None:
        """Run `fault` once a burst of extra messages (from phones outside the scripts) has
        the web workers busy."""
        phones = [f"+9196{n:08d}" for n in range(20)]
        going = threading.Semaphore(0)

        def send(n: int) -> None:
            going.release()
            self.deliver(phones[n % len(phones)], "HELLO")

        with ThreadPoolExecutor(max_workers=12) as pool:
            sent = [pool.submit(send, n) for n in range(messages)]
            for _ in range(messages // 4):
                going.acquire()
            fault()
            for future in sent:
                future.result()

    def during_job(self, fault, phone: str, photo: str) -> None:
        """Send an invoice photo (read in a job for a second or two), then run `fault`."""
        self.deliver(phone, "", [photo])
        fault()

    def otp(self, phone: str, wait: float = 30) -> str:
        """The code in the latest SMS to `phone` (read from the outbox: delivery may lag)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self.stack.postgres.url("saathi"), connect_timeout=3) as db:
                    row = db.execute(LAST_SMS, (phone,)).fetchone()
                if row and (found := re.search(r"\b(\d{6})\b", row[0])):
                    return found.group(1)
            except psycopg.OperationalError:
                pass  # the database is being restarted
            time.sleep(0.5)
        return "000000"  # never came: a wrong code, answered as such

    def replies(self, sid: str) -> list[str]:
        """The distinct answers a MessageSid got (one, if retries were answered alike)."""
        bodies = {text for status, text in self.deliveries[sid].answers if status == 200}
        return sorted(bodies)


def twiml_texts(body: str) -> list[str]:
    return [(m.text or "").strip() for m in ElementTree.fromstring(body).iter("Message")]


def redeem_steps(credits: int) -> list[tuple]:
    """REDEEM → UPI → amount → UPI id → confirm → the OTP."""
    return [("text", "REDEEM"), ("text", "1"), ("text", str(credits)), ("text", VPA),
            ("text", "1"), ("otp",)]
