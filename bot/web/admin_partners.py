"""Partners in the admin: search, a partner's page, the operator controls on it, and the same
partner as JSON. Everything is read through models/admin/scope: what an account may not see
answers 404, as if it did not exist."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for

from bot.i18n import N_
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from bot.web.admin_csv import csv_response
from models.admin import activity, audit, controls, orders, partners, scope
from models.admin.controls import Actor, ControlError
from models.admin.transcript import transcript
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.redemptions.redemption import Redemption

bp = Blueprint("admin_partners", __name__, url_prefix="/admin")
bp.before_request(admin_auth.fail_closed)
DONE = N_("Done.")
REFUSED = N_("Not done:")


def actor() -> Actor:
    return Actor(g.admin.email, g.admin.id, g.admin.brand, request.remote_addr)


def viewed(db, what: str, partner_id: int | None = None, **after: object) -> None:
    """Log that this account was shown partners' personal data (who, what, when): every
    view lands in the audit log beside the changes."""
    who = actor()
    audit.record(db, actor=who.name, user_id=who.user_id, brand=who.brand, ip=who.ip,
                 action=f"partner.view.{what}",
                 target=f"partner:{partner_id}" if partner_id else "", after=after)


@bp.get("/partners")
@require(Can.VIEW)
def search():
    text = request.args.get("q", "")[:80]
    with unit_of_work() as db:
        found = partners.search(db, g.admin, text)
        viewed(db, "search", shown=len(found))
    return render_template("admin/partners.html", partners=found, q=text)


@bp.get("/partners.csv")
@require(Can.VIEW)
def search_csv():
    with unit_of_work() as db:
        found = partners.search(db, g.admin, request.args.get("q", "")[:80])
        viewed(db, "csv", rows=len(found))
    return csv_response("partners.csv", ("id", "phone", "name", "shop", "pincode", "gstin",
                                         "status"),
                        [(p.id, p.phone, p.name, p.shop, p.pincode, p.gstin, p.status)
                         for p in found])


@bp.get("/partners/<id:partner_id>/entries.csv")
@require(Can.VIEW)
def entries_csv(partner_id: int):
    with unit_of_work() as db:
        partner = scope.visible_partner(db, g.admin, partner_id) or abort(404)
        wallets = partners.wallets(db, g.admin, partner)
        viewed(db, "ledger_csv", partner.id)
    return csv_response(f"partner-{partner_id}-ledger.csv",
                        ("program", "entry", "at", "credits", "cause", "description", "actor"),
                        [(w.program.code, e.id, e.created_at.isoformat(), e.credits, e.cause,
                          e.description, e.actor) for w in wallets for e in w.entries])


@bp.get("/partners/<id:partner_id>")
@require(Can.VIEW)
def partner_page(partner_id: int):
    with unit_of_work() as db:
        partner = scope.visible_partner(db, g.admin, partner_id) or abort(404)
        wallets = partners.wallets(db, g.admin, partner)
        done = activity.activity(db, g.admin, partner)
        lines = transcript(db, partner.phone)
        viewed(db, "page", partner.id)
    return render_template("admin/partner.html", partner=partner, wallets=wallets,
                           activity=done, lines=lines, request_id=uuid.uuid4().hex)


@bp.get("/api/partners/<id:partner_id>")
@require(Can.VIEW, api=True)
def partner_json(partner_id: int):
    with unit_of_work() as db:
        partner = scope.visible_partner(db, g.admin, partner_id)
        if partner is None:
            return jsonify(error="no such partner"), 404
        wallets = partners.wallets(db, g.admin, partner)
        viewed(db, "api", partner.id)
    return jsonify(id=partner.id, phone=partner.phone, name=partner.name, shop=partner.shop,
                   status=partner.status, wallets=[
                       {"program": w.program.code, "balance": w.balance.balance,
                        "available": w.balance.available, "tier": w.tier} for w in wallets])


@bp.post("/partners/<id:partner_id>/status")
@require(Can.OPERATE)
def set_status(partner_id: int):
    """Suspend or reinstate (form fields `action`: suspend|reinstate, `reason`)."""
    operation = {"suspend": controls.suspend, "reinstate": controls.reinstate}.get(
        request.form.get("action", "")) or abort(400)
    return _apply(partner_id, lambda db, partner: operation(
        db, actor(), partner, request.form.get("reason", "")))


@bp.post("/partners/<id:partner_id>/erase")
@require(Can.OPERATE)
def erase(partner_id: int):
    """Erase the partner's personal data on their request (field `reason`); the ledger stays."""
    return _apply(partner_id, lambda db, partner: controls.erase(
        db, actor(), partner, request.form.get("reason", "")))


@bp.post("/partners/<id:partner_id>/adjust")
@require(Can.OPERATE)
def adjust(partner_id: int):
    """Add or remove credits (fields `program`, `credits`, `reason`, `request_id`)."""
    try:
        credits = int(request.form.get("credits", ""))
        program_id = int(request.form.get("program", ""))
    except ValueError:
        abort(400)

    def change(db, partner) -> None:
        if program_id not in scope.program_ids(db, g.admin):
            abort(404)
        controls.adjust(db, actor(), partner, program_id, credits,
                        request.form.get("reason", ""),
                        request.form.get("request_id", "")[:64] or uuid.uuid4().hex)
    return _apply(partner_id, change)


@bp.post("/entries/<id:entry_id>/reverse")
@require(Can.OPERATE)
def reverse(entry_id: int):
    with unit_of_work() as db:
        entry = partners.visible_entry(db, g.admin, entry_id) or abort(404)
        partner_id = entry.partner_id
    return _apply(partner_id, lambda db, _partner: controls.reverse(
        db, actor(), partners.visible_entry(db, g.admin, entry_id),
        request.form.get("reason", "")))


def _apply(partner_id: int, change) -> object:
    """Run one control on a visible partner and go back to their page with what happened."""
    try:
        with unit_of_work() as db:
            partner = scope.visible_partner(db, g.admin, partner_id) or abort(404)
            change(db, partner)
        flash(DONE)
    except ControlError as exc:
        flash(REFUSED)
        flash(str(exc), "detail")
    return redirect(url_for("admin_partners.partner_page", partner_id=partner_id))


@bp.post("/invoices/<id:invoice_id>/return")
@require(Can.OPERATE)
def record_return(invoice_id: int):
    """A return or credit note (fields `note`, `rupees` returned, `reason`)."""
    try:
        paise = round(float(request.form.get("rupees", "")) * 100)
    except (ValueError, OverflowError):  # not a number, or inf
        abort(400)
    return _on_row(Invoice, invoice_id, lambda db, invoice: orders.record_return(
        db, actor(), invoice, paise, request.form.get("note", ""),
        request.form.get("reason", "")))


@bp.post("/redemptions/<id:redemption_id>/<any(cancel, retry):action>")
@require(Can.OPERATE)
def redemption(redemption_id: int, action: str):
    operation = orders.cancel_redemption if action == "cancel" else orders.retry_redemption
    return _on_row(Redemption, redemption_id, lambda db, row: operation(
        db, actor(), row, request.form.get("reason", "")))


def _on_row(table, row_id: int, change) -> object:
    with unit_of_work() as db:
        row = activity.visible(db, g.admin, table, row_id) or abort(404)
        partner_id = row.partner_id
    return _apply(partner_id, lambda db, _partner: change(
        db, activity.visible(db, g.admin, table, row_id)))
