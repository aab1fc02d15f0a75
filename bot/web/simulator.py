"""The web simulator: chat as any phone number over the same router as the real channels.

Every answer is JSON, errors too (`{"error": ...}` with the HTTP status), so the page can show
each one as a chat bubble instead of failing silently on an HTML error page.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bot import media, router
from bot.channels import native
from bot.channels.sms import encoding, segments
from bot.channels.text import render_text
from bot.i18n import DEFAULT, translate
from bot.messages import InboundMessage, Location, Media, Reply, clean_text
from models.base import parse_id
from models.db import unit_of_work
from models.messaging.conversation import latest_for_phone
from models.messaging.inbox import InboxMessage
from models.messaging.outbox import OutboxMessage
from models.partners.partner import InvalidPhone, find_by_phone, normalize_phone

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates")
ALLOWED_SUFFIXES = {".jpg", ".jpeg", ".png", ".pdf", ".csv", ".txt", ".webp", ".ogg", ".mp4"}
FORM_ROOM = 64 * 1024  # the text and other fields beside the file
HISTORY = 200  # messages each way shown when the page (re)loads


def enabled() -> bool:
    """The simulator is on when configured so, or, unset, while no Twilio token is set."""
    configured = current_app.config["SIMULATOR_ENABLED"]
    return not current_app.config["TWILIO_AUTH_TOKEN"] if configured is None else configured


@bp.before_request
def _enabled() -> None:
    if not enabled():
        abort(404)
    # A file as large as a provider would fetch (a phone photo, a PDF), not the webhooks' limit.
    request.max_content_length = media.MAX_MEDIA_BYTES + FORM_ROOM


@bp.errorhandler(HTTPException)
def _as_json(exc: HTTPException) -> tuple[Response, int]:
    if isinstance(exc, RequestEntityTooLarge):
        limit = media.MAX_MEDIA_BYTES // (1024 * 1024)
        return jsonify(error=f"That file is too large: the limit is {limit} MB."), 413
    code = exc.code or 500
    return jsonify(error=f"The server answered {code} {exc.name}: {exc.description}"), code


@bp.get("")
def page():
    return render_template("simulator.html")


NO_FILES_BY_SMS = ("An SMS carries no photo or file (there is no MMS in India): choose the "
                   "WhatsApp channel to send it.")


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


def _phone(raw: str | None) -> str:
    return normalize_phone(raw or "", current_app.config["DEFAULT_REGION"])


@bp.post("/send")
def send():
    """Deliver one message from the simulator; answer with the rendered replies."""
    try:
        phone = _phone(request.form.get("phone"))
    except InvalidPhone:
        return jsonify(error="That is not a valid phone number."), 400
    channel = request.form.get("channel", "whatsapp")
    if channel not in ("whatsapp", "sms"):
        return jsonify(error="channel must be whatsapp or sms"), 400
    upload = request.files.get("file")
    if channel == "sms" and upload is not None and upload.filename:
        # Indian SMS carries no picture or file: a photo "sent by SMS" here was credited as
        # if it could be, which no partner on SMS can do (they are told to use WhatsApp).
        return jsonify(error=NO_FILES_BY_SMS), 400
    choice = request.form.get("choice") or None  # a tapped button or list row: its id
    message = InboundMessage(
        channel=channel, sender=phone, text=clean_text(request.form.get("text", "")),
        provider_id=f"SIM{uuid.uuid4().hex}", media=_attachment(), location=_location(),
        choice=choice[:256] if choice else None,
    )
    replies = router.handle(message)
    with unit_of_work() as session:
        lang = _language(session, phone)
    return jsonify(phone=phone, replies=[_bubble("bot", r, channel, lang) for r in replies])


def _language(session: Session, phone: str) -> str:
    partner = find_by_phone(session, phone)
    conv = latest_for_phone(session, phone, "whatsapp")
    return (partner and partner.language) or (conv and conv.language) or DEFAULT


def _sms(channel: str, text: str) -> dict:
    """What an SMS costs, as the carrier counts it: shown under each SMS bubble."""
    if channel != "sms":
        return {}
    return {"sms": {"segments": segments(text), "encoding": encoding(text)}}


def _bubble(kind: str, reply: Reply, channel: str = "sms", lang: str = DEFAULT) -> dict:
    """A reply as the channel shows it: WhatsApp draws up to 3 options as buttons and up to
    10 as a list (titles as Meta's limits cut them), SMS numbers them."""
    drawn = native.kind(reply) if channel == "whatsapp" else "text"
    text = render_text(reply)
    bubble = {"kind": kind, "text": text, "media_url": reply.media_url, "drawn": drawn,
              **_sms(channel, text)}
    if drawn != "text":
        limit = native.BUTTON_TITLE if drawn == "buttons" else native.ROW_TITLE
        bubble.update(text=reply.text, button=translate(lang, native.LIST_LABEL), choices=[
            {"id": c.key, "title": c.title, "description": c.description}
            for c in native.titles(reply.options, limit)])
    return bubble


def _proactive(row: OutboxMessage) -> dict:
    """An outbox row as a bubble: its text, else the template it names; a voice note's
    follow-up (workers/voice_notes.py) is media alone: its player, no words."""
    text = row.body or (f"[template {row.template}]" if row.template else "")
    return {"id": row.id, "kind": "proactive", "channel": row.channel, "text": text,
            "media_url": (row.media_urls or [None])[0], "status": row.status,
            **_sms(row.channel, row.body)}


def _sent(row: InboxMessage, lang: str) -> list[dict]:
    """An inbound message as the simulator showed it, followed by the answers it got."""
    files = (row.payload or {}).get("media", [])
    text = row.body or ("[file]" if files else "[location]")
    image = next((m["url"] for m in files if m.get("content_type", "").startswith("image/")),
                 None)
    return [{"kind": "me", "text": text, "media_url": image},
            *(_bubble("bot", Reply.from_dict(r), row.channel, lang)
              for r in row.replies or [])]


@bp.get("/history")
def history():
    """The conversation so far with a phone, oldest first: what was sent, what it was answered
    and the proactive messages in between. Polling /outbox continues after `last_outbox`."""
    try:
        phone = _phone(request.args.get("phone"))
    except InvalidPhone:
        return jsonify(error="That is not a valid phone number."), 400
    with unit_of_work() as session:
        sent = session.scalars(select(InboxMessage).where(InboxMessage.phone == phone)
                               .order_by(InboxMessage.id.desc()).limit(HISTORY)).all()
        proactive = session.scalars(select(OutboxMessage).where(OutboxMessage.phone == phone)
                                    .order_by(OutboxMessage.id.desc()).limit(HISTORY)).all()
        lang = _language(session, phone)
        timeline = sorted([((m.received_at, 0, m.id), _sent(m, lang)) for m in sent]
                          + [((r.created_at, 1, r.id), [_proactive(r)]) for r in proactive])
        return jsonify(messages=[b for _, bubbles in timeline for b in bubbles],
                       last_outbox=max((r.id for r in proactive), default=0))


@bp.get("/outbox")
def outbox():
    """Proactive messages sent to a phone after `after` (an outbox id)."""
    try:
        phone = _phone(request.args.get("phone"))
    except InvalidPhone:
        return jsonify(messages=[])
    after = parse_id(request.args.get("after", "")) or 0
    with unit_of_work() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.phone == phone, OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
        ).all()
        return jsonify(messages=[_proactive(r) for r in rows])
