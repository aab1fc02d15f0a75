"""The web simulator: chat as any phone number over the same router as the real channels."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from bot import media, router
from bot.channels.text import render_text
from bot.messages import InboundMessage, Location, Media, clean_text
from models.base import parse_id
from models.db import unit_of_work
from models.outbox import OutboxMessage
from models.partner import InvalidPhone, normalize_phone

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates")
ALLOWED_SUFFIXES = {".jpg", ".jpeg", ".png", ".pdf", ".csv", ".txt", ".webp", ".ogg", ".mp4"}


def enabled() -> bool:
    """The simulator is on when configured so, or, unset, while no Twilio token is set."""
    configured = current_app.config["SIMULATOR_ENABLED"]
    return not current_app.config["TWILIO_AUTH_TOKEN"] if configured is None else configured


@bp.before_request
def _enabled() -> None:
    if not enabled():
        abort(404)


@bp.get("")
def page():
    return render_template("simulator.html")


def _attachment() -> tuple[Media, ...]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return ()
    suffix = Path(upload.filename).suffix.lower()
    data = upload.read(media.MAX_MEDIA_BYTES + 1)
    url = media.store(data, "inbound/sim", suffix if suffix in ALLOWED_SUFFIXES else ".bin")
    return (Media(url=url, content_type=upload.mimetype or "application/octet-stream"),)


def _location() -> Location | None:
    try:
        lat, lng = float(request.form["lat"]), float(request.form["lng"])
    except (KeyError, ValueError):
        return None
    return Location(lat, lng)


@bp.post("/send")
def send():
    """Deliver one message from the simulator; answer with the rendered replies."""
    try:
        phone = normalize_phone(request.form.get("phone", ""),
                                current_app.config["DEFAULT_REGION"])
    except InvalidPhone:
        return jsonify(error="That is not a valid phone number."), 400
    channel = request.form.get("channel", "whatsapp")
    if channel not in ("whatsapp", "sms"):
        return jsonify(error="channel must be whatsapp or sms"), 400
    message = InboundMessage(
        channel=channel, sender=phone, text=clean_text(request.form.get("text", "")),
        provider_id=f"SIM{uuid.uuid4().hex}", media=_attachment(), location=_location(),
    )
    replies = router.handle(message)
    return jsonify(phone=phone, replies=[
        {"text": render_text(r), "media_url": r.media_url} for r in replies
    ])


@bp.get("/outbox")
def outbox():
    """Proactive messages sent to a phone after `after` (an outbox id)."""
    try:
        phone = normalize_phone(request.args.get("phone", ""),
                                current_app.config["DEFAULT_REGION"])
    except InvalidPhone:
        return jsonify(messages=[])
    after = parse_id(request.args.get("after", "")) or 0
    with unit_of_work() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.phone == phone, OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
        ).all()
        return jsonify(messages=[
            {"id": r.id, "channel": r.channel, "text": r.body or f"[template {r.template}]",
             "media_urls": r.media_urls, "status": r.status} for r in rows
        ])
