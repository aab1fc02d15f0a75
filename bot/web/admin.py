"""A small admin API (bearer ADMIN_TOKEN): the review queue and the status of every pile of
waiting work. Off when no token is set."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, jsonify, request

from bot import status
from models import review
from models.db import unit_of_work

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _authorised() -> None:
    token = current_app.config["ADMIN_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)


@bp.get("/review")
def pending():
    kind = request.args.get("kind") or None
    if kind is not None and kind not in review.kinds():
        return jsonify(error=f"kind must be one of: {', '.join(review.kinds())}"), 400
    with unit_of_work() as session:
        items = review.pending(session, kind)
        return jsonify(items=[{"id": i.id, "kind": i.kind, "rule": i.rule or i.kind,
                               "reason": i.reason, "partner_id": i.partner_id,
                               "created_at": i.created_at.isoformat()} for i in items])


@bp.route("/review/<id:item_id>", methods=["GET", "POST"])
def review_item(item_id: int):
    """One rule for both methods: with two, werkzeug answers an impossible id with 405 (the
    other method's rule matched the path) instead of 404."""
    return decide(item_id) if request.method == "POST" else item(item_id)


def item(item_id: int):
    """What a reviewer needs to decide the item (models/review/queue.py `describe`)."""
    try:
        with unit_of_work() as session:
            return jsonify(review.describe(session, review.get(session, item_id)))
    except review.ReviewError as exc:
        return jsonify(error=str(exc)), 404


def decide(item_id: int):
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    actor, note = body.get("actor", "admin-api"), body.get("note")
    if not isinstance(body.get("approve"), bool) or not review.valid_actor(actor) or \
            not isinstance(note, str | None):
        return jsonify(error="body must be {\"approve\": true|false, \"actor\": text up to 80 "
                             "characters, \"note\": text}"), 400
    try:
        with unit_of_work() as session:
            item = review.decide(session, item_id, approve=body["approve"], actor=actor,
                                 note=note)
            return jsonify(id=item.id, status=item.status)
    except review.ReviewError as exc:
        return jsonify(error=str(exc)), 409


@bp.get("/status")
def piles():
    """What is waiting and what is stuck (503 when anything is stuck, for a monitor)."""
    report = status.as_json(status.collect())
    return jsonify(report), (503 if report["stuck"] else 200)
