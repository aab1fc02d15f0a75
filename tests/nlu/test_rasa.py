"""Rasa: the action server answers the tracker JSON Rasa POSTs to /webhook, in the partner's
language, through the same flows; with RASA_URL set, free text is parsed by Rasa first and
by the embedded classifier when Rasa fails."""

from __future__ import annotations

import asyncio
import contextvars
import json
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bot.web.rasa_actions import executor
from models.db import unit_of_work
from models.redemptions.redemption import Redemption
from tests.httpstub import Recorded, StubServer
from tests.services import free_port, wait_until
from tests.transcripts.given import build

PHONE, HINDI = "+919811100001", "+919811100002"
BALANCE = "DuraChem Distributor Rewards · DuraChem points: 2,000 (worth ₹2,000)"


@pytest.fixture
def partners(app):
    build({"programs": ["chemx"], "partners": [
        {"phone": PHONE, "name": "Ravi", "credits": {"CHEMX": 2000}},
        {"phone": HINDI, "name": "Raju", "language": "hi", "credits": {"CHEMX": 900}}]})


def action_call(action: str, phone: str, text: str, intent: str, message_id: str) -> dict:
    """What Rasa POSTs to the action server's /webhook."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.97},
              "intent_ranking": [{"name": intent, "confidence": 0.97}], "entities": [],
              "message_id": message_id}
    return {"next_action": action, "sender_id": phone, "version": "3.21.0",
            "tracker": {"sender_id": phone, "slots": {}, "latest_message": latest,
                        "events": [], "paused": False, "followup_action": None,
                        "active_loop": {}, "latest_action_name": "action_listen"},
            "domain": {"intents": [intent], "entities": [], "slots": {}, "responses": {},
                       "actions": [action]}}


def texts(result: dict) -> list[str]:
    return [r["text"] for r in result["responses"]]


def run_action(app, call: dict) -> dict:
    """Run the action on a thread of its own (with this thread's app context): a browser test
    earlier in the same process leaves Playwright's event loop running on this one."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(context.run, asyncio.run, executor(app).run(call)).result()
    return done.model_dump()


def test_actions_answer_in_the_partners_language(app, partners):
    balance = run_action(app, action_call("action_balance", PHONE, "balance?", "balance", "m1"))
    assert texts(balance)[0].startswith(BALANCE)
    faq = run_action(app, action_call("action_faq", HINDI, "पॉइंट कब खत्म होंगे", "expiring",
                                      "m2"))
    assert texts(faq)[-1] == \
        "DuraChem Distributor Rewards: क्रेडिट कमाने के 180 दिन बाद खत्म हो जाते हैं।"
    learn = run_action(app, action_call("action_learn", HINDI, "सीखना है", "learn", "m3"))
    assert texts(learn)  # the learn flow's first answer, whatever the program offers


def test_redeem_action_starts_the_flow_and_holds_nothing(app, partners):
    call = action_call("action_redeem", PHONE, "paanch sau nikalo", "redeem", "m4")
    assert texts(run_action(app, call))[0].startswith("You have 2,000 credits.")
    assert texts(run_action(app, call))[0].startswith("You have 2,000 credits.")  # a retry
    with unit_of_work() as session:
        assert session.query(Redemption).count() == 0  # confirmation and OTP still to come


def _serve(app, port: int) -> None:
    """The body of `flask rasa-actions`, in a forked child (nothing imported again)."""
    with app.app_context():
        app.test_cli_runner().invoke(args=["rasa-actions", "--host", "127.0.0.1",
                                           "--port", str(port)])


def test_rasa_actions_command_serves_the_webhook_over_http(app, partners):
    """The command's server, over HTTP, as Rasa calls it."""
    port = free_port()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(app, port))
    server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{base}/health", timeout=1).ok, what="rasa-actions")
        assert {a["name"] for a in requests.get(f"{base}/actions", timeout=5).json()} == {
            "action_balance", "action_history", "action_redeem", "action_learn", "action_faq",
            "action_saathi"}
        answer = requests.post(f"{base}/webhook", timeout=10, json=action_call(
            "action_balance", PHONE, "mera balance kitna hai", "balance", "h1"))
        assert answer.status_code == 200
        assert texts(answer.json())[0].startswith(BALANCE)
        unknown = requests.post(f"{base}/webhook", timeout=10, json=action_call(
            "action_dance", PHONE, "nacho", "greeting", "h2"))
        assert unknown.status_code == 404
    finally:
        server.terminate()
        server.join(timeout=10)


def parse_answer(intent: str):
    def answer(request: Recorded):
        ranking = [{"name": intent, "confidence": 0.91}, {"name": "history", "confidence": 0.05}]
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"text": json.loads(request.body)["text"], "intent": ranking[0],
             "intent_ranking": ranking, "entities": []}).encode()
    return answer


def test_rasa_url_reads_free_text_first(app, partners, twilio):
    with StubServer(parse_answer("balance")) as rasa:
        app.config["RASA_URL"] = rasa.url
        replies = twilio.chat(PHONE, "kuch bhi likha")  # the embedded classifier: no idea
    assert replies[0].startswith(BALANCE)
    assert [(r.method, r.path, json.loads(r.body)) for r in rasa.requests] == [
        ("POST", "/model/parse", {"text": "kuch bhi likha"})]


@pytest.mark.parametrize("failure", ["error", "unreachable", "too slow"])
def test_rasa_failing_falls_back_to_the_embedded_classifier(app, partners, twilio, failure):
    released = threading.Event()

    def answer(_request: Recorded):
        if failure == "too slow":
            released.wait(10)  # answers only after the test is done
        return 500, {}, b"boom"

    with StubServer(answer) as rasa:
        app.config["RASA_URL"] = rasa.url if failure != "unreachable" else \
            f"http://127.0.0.1:{free_port()}"
        app.config["RASA_TIMEOUT_SECONDS"] = 0.2
        try:
            replies = twilio.chat(PHONE, "mera balance kitna hai")
        finally:
            released.set()
    assert replies[0].startswith(BALANCE)
    assert len(rasa.requests) == (0 if failure == "unreachable" else 1)
