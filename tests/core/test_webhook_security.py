"""Only requests signed by Twilio for our public URL get through."""

from __future__ import annotations

from tests.conftest import BASE_URL, TwilioClient, message_sid, sign

PARAMS = {"From": "whatsapp:+919812345678", "Body": "hi", "MessageSid": message_sid("sec1"),
          "NumMedia": "0", "AccountSid": "AC" + "0" * 32}


def test_signed_request_is_answered_with_twiml(twilio):
    response = twilio.post(PARAMS)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert b"<Response><Message>" in response.data


def test_unsigned_request_is_refused_and_logged(twilio, caplog):
    response = twilio.post(PARAMS, signed=False)
    assert response.status_code == 403
    assert any(r.getMessage() == "twilio signature refused" for r in caplog.records)


def test_forged_signature_is_refused(app):
    headers = {"X-Twilio-Signature": sign(BASE_URL + "/webhooks/twilio", PARAMS, "wrong-token")}
    assert app.test_client().post("/webhooks/twilio", data=PARAMS, headers=headers
                                  ).status_code == 403


def test_signature_over_other_parameters_is_refused(app):
    headers = {"X-Twilio-Signature": sign(BASE_URL + "/webhooks/twilio", PARAMS)}
    tampered = {**PARAMS, "Body": "REDEEM 5000"}
    assert app.test_client().post("/webhooks/twilio", data=tampered, headers=headers
                                  ).status_code == 403


def test_signature_is_checked_against_the_public_url_behind_a_proxy(app):
    # Signed for the internal address the app sees: refused, Twilio signs the public URL.
    headers = {"X-Twilio-Signature": sign("http://localhost/webhooks/twilio", PARAMS)}
    assert app.test_client().post("/webhooks/twilio", data=PARAMS, headers=headers
                                  ).status_code == 403


def test_status_callback_needs_a_signature_too(twilio):
    params = {"MessageSid": message_sid("x"), "MessageStatus": "delivered"}
    assert twilio.post(params, path="/webhooks/twilio/status", signed=False).status_code == 403
    assert twilio.post(params, path="/webhooks/twilio/status").status_code == 204


def test_documented_parameters_from_twilio_are_accepted(twilio: TwilioClient):
    response = twilio.send("+919812345678", "hi", ChannelMetadata="{}", ProfileName="Ravi",
                           WaId="919812345678", SmsStatus="received", ApiVersion="2010-04-01")
    assert response.status_code == 200
