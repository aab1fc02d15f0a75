"""Inbound SMS from Gupshup: `GET /webhooks/gupshup/sms/<GUPSHUP_INBOUND_KEY>` (the keyword
response URL; POST with the same fields as a form is taken too).

Gupshup signs nothing, so the secret path segment guards the endpoint (unset: off, 404) as
for USSD. The answer is an empty XML response: the replies leave through the outbox and the
Gupshup sender, each SMS with its DLT template id (bot/channels/gupshup_inbound.py).
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from bot import router
from bot.channels import gupshup_inbound

bp = Blueprint("gupshup_webhook", __name__, url_prefix="/webhooks/gupshup")
log = logging.getLogger("saathi.gupshup")
XML = "application/xml"


@bp.route("/sms/<key>", methods=["GET", "POST"])
def inbound(key: str) -> Response:
    expected = current_app.config["GUPSHUP_INBOUND_KEY"]
    if not expected or not hmac.compare_digest(key.encode(), expected.encode()):
        abort(404)
    try:
        message = gupshup_inbound.parse(request.values, current_app.config["DEFAULT_REGION"])
    except gupshup_inbound.BadRequest as exc:
        log.warning("gupshup sms refused", extra={"reason": str(exc)})
        return Response(gupshup_inbound.EMPTY, status=400, mimetype=XML)
    try:
        router.handle(message, by_outbox=True)
    except SQLAlchemyError:  # not stored: Gupshup may call again
        log.exception("gupshup sms not stored: database unavailable")
        return Response(gupshup_inbound.EMPTY, status=503, mimetype=XML)
    return Response(gupshup_inbound.EMPTY, mimetype=XML)
