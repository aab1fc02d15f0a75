"""POST /webhooks/payouts: payout status events, signed HMAC-SHA256 over the raw body.

RazorpayX style: header X-Razorpay-Signature = hex HMAC-SHA256(PAYOUT_WEBHOOK_SECRET, body),
body {"event": "payout.processed", "payload": {"payout": {"entity": {...}}}}. Repeats and
out-of-order events are answered 200 and change nothing (models/payouts.apply decides).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from flask import Blueprint, Response, current_app, request

from models.db import unit_of_work
from models.redemptions import payouts
from models.redemptions.payout_states import PayoutState

bp = Blueprint("payout_webhooks", __name__)
log = logging.getLogger("saathi.payouts")
SIGNATURE_HEADER = "X-Razorpay-Signature"


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@bp.post("/webhooks/payouts")
def payout_event() -> Response:
    """Apply one payout status event to its redemption."""
    secret = current_app.config["PAYOUT_WEBHOOK_SECRET"]
    body = request.get_data(cache=False)
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not secret or not hmac.compare_digest(signature(secret, body), given):
        log.warning("payout webhook signature refused", extra={"has_signature": bool(given)})
        return Response("forbidden", status=403, mimetype="text/plain")
    try:
        entity = json.loads(body)["payload"]["payout"]["entity"]
        state = PayoutState(str(entity["id"]), str(entity["status"]),
                            (entity.get("status_details") or {}).get("description"))
        reference = str(entity.get("reference_id") or "")
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("payout webhook unreadable", extra={"error": exc.__class__.__name__})
        return Response("bad request", status=400, mimetype="text/plain")
    with unit_of_work() as session:
        redemption = payouts.by_reference(session, reference)
        if redemption is None:
            log.warning("payout webhook for unknown reference",
                        extra={"reference": reference, "payout_id": state.payout_id})
            return Response("", status=200)
        payouts.apply(session, redemption, state)
    return Response("", status=200)
