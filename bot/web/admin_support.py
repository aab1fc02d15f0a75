"""The support inbox: tickets of the partners an account may see, oldest due first with
their SLA timer; a ticket's page shows the conversation and takes the agent's answer, which
goes to the partner through the outbox (opt-out and WhatsApp's 24 hours honoured there)."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from bot import media
from bot.i18n import N_
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from models import keys
from models.admin import audit, scope
from models.admin.transcript import transcript
from models.base import utcnow
from models.db import unit_of_work
from models.messaging import outbox
from models.partners.partner import Partner
from models.support import tickets
from models.support.tickets import Ticket

bp = Blueprint("admin_support", __name__, url_prefix="/admin/inbox")
bp.before_request(admin_auth.fail_closed)
SENT = N_("Sent.")
NOT_SENT = N_("Not sent: the partner has stopped messages.")
CLOSED = N_("Closed.")


@bp.get("/")
@require(Can.SUPPORT)
def inbox():
    with unit_of_work() as db:
        visible = select(Partner.id).where(scope.partner_clause(db, g.admin))
        found = tickets.recent(db, visible)
        names = {p.id: p for p in db.scalars(select(Partner).where(
            Partner.id.in_([t.partner_id for t in found])))}
    return render_template("admin/inbox.html", tickets=found, partners=names, now=utcnow())


def _ticket(db, ticket_id: int) -> tuple[Ticket, Partner]:
    ticket = db.get(Ticket, ticket_id) or abort(404)
    partner = scope.visible_partner(db, g.admin, ticket.partner_id) or abort(404)
    return ticket, partner


@bp.get("/<id:ticket_id>")
@require(Can.SUPPORT)
def ticket_page(ticket_id: int):
    with unit_of_work() as db:
        ticket, partner = _ticket(db, ticket_id)
        lines = transcript(db, partner.phone)
    return render_template("admin/ticket.html", ticket=ticket, partner=partner, lines=lines,
                           now=utcnow(), request_id=uuid.uuid4().hex)


@bp.get("/<id:ticket_id>/audio")
@require(Can.SUPPORT)
def audio(ticket_id: int):
    """The voice note the partner sent (kept under media/inbound/, which is not public)."""
    with unit_of_work() as db:
        ticket, _partner = _ticket(db, ticket_id)
        path = media.stored(ticket.audio_url) if ticket.audio_url else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="audio/ogg" if path.suffix == ".ogg" else None)


@bp.post("/<id:ticket_id>/answer")
@require(Can.SUPPORT)
def answer(ticket_id: int):
    """Send the agent's text (fields `text`, `request_id`)."""
    key = keys.ticket_answer(ticket_id, request.form.get("request_id", "")[:40] or
                             uuid.uuid4().hex)
    text = request.form.get("text", "")[:1500]
    try:
        with unit_of_work() as db:
            _ticket(db, ticket_id)
            tickets.answer(db, ticket_id, text=text, key=key)
            sent = outbox.by_key(db, key) is not None
            audit.record(db, actor=g.admin.email, action="ticket.answer",
                         target=f"ticket:{ticket_id}", user_id=g.admin.id,
                         brand=g.admin.brand, ip=request.remote_addr, after={"sent": sent})
        flash(SENT if sent else NOT_SENT)
    except tickets.TicketError as exc:
        flash(str(exc), "detail")
    return redirect(url_for("admin_support.ticket_page", ticket_id=ticket_id))


@bp.post("/<id:ticket_id>/close")
@require(Can.SUPPORT)
def close(ticket_id: int):
    with unit_of_work() as db:
        _ticket(db, ticket_id)
        tickets.close(db, ticket_id)
        audit.record(db, actor=g.admin.email, action="ticket.close",
                     target=f"ticket:{ticket_id}", user_id=g.admin.id, brand=g.admin.brand,
                     ip=request.remote_addr)
    flash(CLOSED)
    return redirect(url_for("admin_support.inbox"))
