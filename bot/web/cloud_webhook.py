"""Meta's WhatsApp Cloud API webhook: the subscription check, and deliveries of messages and
statuses. The replies leave through the outbox (the Graph API), so the answer is a fast 200;
Meta retries an unanswered delivery for days, and a retry changes nothing (by wamid)."""

from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from bot import router
from bot.channels import cloud
from bot.channels.graph import OUTSIDE_WINDOW
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging import outbox
from models.messaging.outbox import OutboxStatus

bp = Blueprint("cloud_webhook", __name__, url_prefix="/webhooks")
log = logging.getLogger("saathi.cloud")


def _enabled() -> None:
    if not current_app.config["WHATSAPP_APP_SECRET"]:
        abort(404)  # the channel is off while the app secret is unset


@bp.get("/whatsapp")
def verify() -> Response:
    """Answer Meta's subscription check with its challenge, when the token is ours."""
    _enabled()
    token = current_app.config["WHATSAPP_VERIFY_TOKEN"]
    given = request.args.get("hub.verify_token", "")
    challenge = request.args.get("hub.challenge", "")
    if request.args.get("hub.mode") != "subscribe" or not token or not challenge \
            or not hmac.compare_digest(given.encode(), token.encode()):
        log.warning("cloud api verification refused", extra={"remote": request.remote_addr})
        return Response("forbidden", status=403, mimetype="text/plain")
    return Response(challenge[:200], mimetype="text/plain")


@bp.post("/whatsapp")
def deliveries() -> Response:
    """Take every message and status of one signed delivery."""
    _enabled()
    config = current_app.config
    raw = request.get_data(cache=False)
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not cloud.signature_valid(config["WHATSAPP_APP_SECRET"], raw, signature):
        log.warning("cloud api signature refused",
                    extra={"has_signature": bool(signature), "remote": request.remote_addr})
        return Response("forbidden", status=403, mimetype="text/plain")
    try:
        delivery = cloud.parse(json.loads(raw), config["WHATSAPP_PHONE_NUMBER_ID"],
                               config["WHATSAPP_GRAPH_BASE"])
    except (ValueError, cloud.BadDelivery) as exc:  # signed, yet not Meta's shape: loud
        log.error("cloud api delivery refused", extra={"reason": str(exc)[:200]})
        return Response("", status=400)
    try:
        for message in delivery.messages:
            router.handle(message, by_outbox=True)
        _record(delivery.statuses)
    except SQLAlchemyError:
        log.exception("cloud api delivery not stored: database unavailable")
        return Response("", status=503)  # Meta delivers it again later
    return Response("", status=200)


def _record(statuses: tuple[cloud.Status, ...]) -> None:
    """Statuses on the outbox rows they name; a message refused as outside the 24-hour window
    goes by SMS instead."""
    with unit_of_work() as session:
        for status in statuses:
            row = outbox.record_status(session, status.wamid, status.status, status.error_code)
            if row is not None and status.error_code == OUTSIDE_WINDOW \
                    and row.status == OutboxStatus.FAILED:
                outbound.fall_back_to_sms(session, row)
