"""A bare Flask endpoint answering TwiML: the yardstick bench/webhook.py compares with."""

from flask import Flask, Response, request

app = Flask(__name__)


@app.post("/webhooks/twilio")
def bare() -> Response:
    body = request.form.get("Body", "")
    return Response(f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{len(body)}"
                    "</Message></Response>", mimetype="application/xml")


@app.post("/webhooks/ussd/africastalking/<key>")
def bare_ussd(key: str) -> Response:
    text = request.form.get("text", "")
    return Response(f"CON {len(text)}", mimetype="text/plain")
