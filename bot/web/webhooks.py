"""Twilio webhooks: inbound messages and delivery status callbacks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from bot import router
from bot.channels import twilio, twilio_form
from bot.i18n import DEFAULT, translate
from bot.messages import Reply
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging import outbox

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
log = logging.getLogger("saathi.webhooks")
TWIML = "application/xml"


def public_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL (behind a proxy) + path and query."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:
        return request.url
    path = request.full_path if request.query_string else request.path
    return base.rstrip("/") + path


def twilio_signed(view: Callable) -> Callable:
    """Refuse (403) any request whose X-Twilio-Signature is missing or wrong."""

    @wraps(view)
    def checked(*args, **kwargs):
        if current_app.config["VALIDATE_TWILIO_SIGNATURE"]:
            signature = request.headers.get("X-Twilio-Signature", "")
            token = current_app.config["TWILIO_AUTH_TOKEN"]
            if not token or not twilio.signature_valid(token, public_url(), request.form,
                                                       signature):
                log.warning("twilio signature refused",
                            extra={"path": request.path, "has_signature": bool(signature),
                                   "remote": request.remote_addr})
                return Response("forbidden", status=403, mimetype="text/plain")
        return view(*args, **kwargs)

    return checked


@bp.post("/twilio")
@twilio_signed
def inbound() -> Response:
    """Answer one WhatsApp or SMS message with TwiML."""
    try:
        message = twilio.parse(request.form, current_app.config["DEFAULT_REGION"],
                               current_app.config["TWILIO_EXTRA_PARAMETERS"])
    except twilio_form.BadForm as exc:
        # An unknown name may be one Twilio added (TWILIO_EXTRA_PARAMETERS accepts it):
        # loud, as messages are being lost until someone looks.
        level = logging.ERROR if str(exc).startswith("unknown") else logging.WARNING
        log.log(level, "twilio request refused", extra={"reason": str(exc)})
        return Response(twilio.render([]), status=400, mimetype=TWIML)
    # Quick replies and list pickers cannot be TwiML: with them on, WhatsApp replies leave
    # through the outbox (in order), and the TwiML answer is empty.
    by_outbox = message.channel == "whatsapp" and current_app.config["TWILIO_CONTENT_OPTIONS"]
    try:
        replies = router.handle(message, by_outbox=by_outbox)
    except SQLAlchemyError:  # not even stored: say so (only when replies use the outbox)
        log.exception("message not stored: database unavailable")
        return Response(twilio.render([Reply(translate(DEFAULT, router.SORRY))]),
                        mimetype=TWIML)
    if by_outbox:
        return Response(twilio.render([]), mimetype=TWIML)
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url
    return Response(twilio.render(replies, base), mimetype=TWIML)


@bp.post("/twilio/status")
@twilio_signed
def status() -> Response:
    """Record a delivery report for an outbound message."""
    try:
        twilio_form.check_status(request.form)
    except twilio_form.BadForm as exc:
        log.warning("twilio status refused", extra={"reason": str(exc)})
        return Response("", status=400)
    with unit_of_work() as session:
        row = outbox.record_status(session, request.form["MessageSid"],
                                   request.form["MessageStatus"], request.form.get("ErrorCode"))
        outbound.delivery_reported(session, row, request.form.get("ErrorCode"))
    return Response("", status=204)
