"""Campaigns on the admin pages: the list, a form to create or change one (kind, segment,
message per language or a catalog message, WhatsApp template, schedule), its preview (audience
and a sample per language; a missing template mapping is an error shown before sending),
start and cancel, its statistics and the A/B effect. Brand admins edit; analysts read;
every change writes an audit row (models/admin/audit)."""

from __future__ import annotations

import yaml
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from pydantic import ValidationError

from bot import jobs
from bot.i18n import LANGUAGES, N_
from bot.jobs.names import Job
from bot.notices.campaigns import own_languages, preview, too_long
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from bot.web.admin_partners import actor
from models import campaigns
from models.admin import controls, scope
from models.base import utcnow
from models.campaigns import Campaign
from models.db import unit_of_work
from models.programs.campaign_spec import CampaignSpec, Kind
from models.programs.program import Program

bp = Blueprint("admin_campaigns", __name__, url_prefix="/admin/campaigns")
bp.before_request(admin_auth.fail_closed)
SAVED = N_("Campaign saved.")
STARTED = N_("Campaign scheduled.")
CANCELLED = N_("Campaign cancelled.")
YAML_FIELDS = ("segment", "template_vars", "trigger", "bonus")


def _own(db, campaign_id: int) -> Campaign:
    """The campaign, if it belongs to one of the account's programs (404 otherwise)."""
    campaign = db.get(Campaign, campaign_id)
    if campaign is None or campaign.program_id not in scope.program_ids(db, g.admin):
        abort(404)
    return campaign


def _audit(db, action: str, campaign: Campaign, before: dict, after: dict) -> None:
    controls.audit_change(db, actor(), action, f"campaign:{campaign.id}", "", before, after)


@bp.get("/")
@require(Can.CAMPAIGNS)
def listing():
    with unit_of_work() as db:
        names = {p.id: p.code for p in scope.programs(db, g.admin)}
        found = [(c.id, names[c.program_id], c.code, c.kind, c.status, c.next_run_at)
                 for c in db.query(Campaign).filter(Campaign.program_id.in_(names))
                 .order_by(Campaign.id.desc())]
    return render_template("admin/campaigns.html", campaigns=found)


@bp.get("/<id:campaign_id>")
@require(Can.CAMPAIGNS)
def page(campaign_id: int):
    with unit_of_work() as db:
        campaign = _own(db, campaign_id)
        spec = campaigns.spec_of(campaign)
        shown = preview(db, campaign, utcnow())
        counted = campaigns.collect(db, campaign)
        effects = [e for days in (7, 30) for e in campaigns.effect(db, campaign, days)] \
            if spec.holdout_percent else []
        price = current_app.config["CAMPAIGN_PRICE_PAISE"]
        return render_template(
            "admin/campaign.html", campaign=campaign, spec=spec, preview=shown,
            stats=counted, effects=effects, estimate=shown.cost_paise(price),
            cost=sum(price.get(ch, 0) * n for ch, n in counted.channels.items()),
            text=yaml.safe_dump(campaign.spec, allow_unicode=True, sort_keys=False))


def _form_values(campaign: Campaign | None) -> dict:
    """The form's fields from a saved campaign (or empty for a new one)."""
    if campaign is None:
        return {"kind": Kind.BROADCAST.value, "holdout_percent": "0"}
    spec = campaign.spec
    values = {k: v for k, v in spec.items() if isinstance(v, str | int | bool)}
    for lang, text in spec.get("messages", {}).items():
        values[f"message_{lang}"] = text
    template = spec.get("template") or {}
    values["template_name"] = template.get("name", "")
    for name, value in (("segment", spec.get("segment")), ("template_vars", template.get("vars")),
                        ("trigger", spec.get("trigger")), ("bonus", spec.get("bonus"))):
        values[name] = yaml.safe_dump(value, allow_unicode=True).strip() if value else ""
    return values


def spec_from_form(form) -> CampaignSpec:
    """The campaign the form describes (ValueError or ValidationError when it is not one)."""
    loaded = {}
    for name in YAML_FIELDS:
        text = form.get(name, "").strip()
        value = yaml.safe_load(text) if text else None
        if value is not None and not isinstance(value, dict):
            raise ValueError(f"{name}: write it as 'key: value' lines")
        loaded[name] = value
    raw: dict = {"code": form.get("code", "").strip().upper(), "kind": form.get("kind"),
                 "segment": loaded["segment"] or {},
                 "messages": {lang: form[f"message_{lang}"].strip() for lang in LANGUAGES
                              if form.get(f"message_{lang}", "").strip()},
                 "holdout_percent": form.get("holdout_percent") or 0,
                 "urgent": form.get("urgent") == "on"}
    for name in ("msgid", "at", "cron", "unsubscribe_word", "sms_category"):
        if form.get(name, "").strip():
            raw[name] = form[name].strip()
    if form.get("template_name", "").strip():
        raw["template"] = {"name": form["template_name"].strip(),
                           "vars": loaded["template_vars"] or {}}
    for name in ("trigger", "bonus"):
        if loaded[name]:
            raw[name] = loaded[name]
    return CampaignSpec.model_validate(raw)


def _short_enough(spec: CampaignSpec, program: Program) -> None:
    """Refuse a campaign whose SMS would be over two segments in one of its languages."""
    problems = too_long(spec, program.spec.name, own_languages(spec))
    if problems:
        raise ValueError("; ".join(problems))


def _form(campaign: Campaign | None, values: dict, errors: list[str], status: int = 200):
    with unit_of_work() as db:
        programs = [(p.code, p.name) for p in scope.programs(db, g.admin)]
    return render_template("admin/campaign_form.html", campaign=campaign, values=values,
                           errors=errors, programs=programs, kinds=[k.value for k in Kind]), \
        status


def _problems(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [f"{'.'.join(str(p) for p in e['loc']) or 'campaign'}: {e['msg']}"
                for e in exc.errors()]
    return [str(exc)]


@bp.route("/new", methods=["GET", "POST"])
@require(Can.CAMPAIGNS_EDIT)
def create():
    if request.method == "GET":
        return _form(None, _form_values(None), [])
    try:
        spec = spec_from_form(request.form)
        with unit_of_work() as db:
            program = next((p for p in scope.programs(db, g.admin)
                            if p.code == request.form.get("program")), None) or abort(404)
            if campaigns.find(db, program, spec.code) is not None:
                raise campaigns.CampaignError(f"{spec.code} exists already in {program.code}")
            _short_enough(spec, program)
            campaign = campaigns.save(db, program, spec)
            _audit(db, "campaign.create", campaign, {}, campaign.spec)
            campaign_id = campaign.id
    except (ValueError, yaml.YAMLError, campaigns.CampaignError) as exc:
        return _form(None, dict(request.form), _problems(exc), 400)
    flash(SAVED)
    return redirect(url_for(".page", campaign_id=campaign_id))


@bp.route("/<id:campaign_id>/edit", methods=["GET", "POST"])
@require(Can.CAMPAIGNS_EDIT)
def edit(campaign_id: int):
    with unit_of_work() as db:
        campaign = _own(db, campaign_id)
        db.expunge(campaign)
    if request.method == "GET":
        return _form(campaign, _form_values(campaign), [])
    try:
        spec = spec_from_form({**request.form, "code": campaign.code})
        with unit_of_work() as db:
            campaign = _own(db, campaign_id)
            before = dict(campaign.spec)
            program = db.get(Program, campaign.program_id)
            _short_enough(spec, program)
            campaigns.save(db, program, spec)
            _audit(db, "campaign.edit", campaign, before, campaign.spec)
    except (ValueError, yaml.YAMLError, campaigns.CampaignError) as exc:
        return _form(campaign, dict(request.form), _problems(exc), 400)
    flash(SAVED)
    return redirect(url_for(".page", campaign_id=campaign_id))


@bp.post("/<id:campaign_id>/start")
@require(Can.CAMPAIGNS_EDIT)
def start(campaign_id: int):
    """Schedule the campaign (at its set time, its next cron time, or now); refused while
    its preview lists errors."""
    with unit_of_work() as db:
        campaign = _own(db, campaign_id)
        errors = preview(db, campaign, utcnow()).errors
        if errors:
            for error in errors:
                flash(error)
            return redirect(url_for(".page", campaign_id=campaign_id))
        spec = campaigns.spec_of(campaign)
        try:
            campaigns.schedule(db, campaign, spec.at)
        except campaigns.CampaignError as exc:
            flash(str(exc))
            return redirect(url_for(".page", campaign_id=campaign_id))
        if campaign.next_run_at <= utcnow():
            jobs.after_commit(db, Job.RUN_CAMPAIGN, campaign.id, record=False)
        _audit(db, "campaign.start", campaign, {}, {
            "status": campaign.status, "next_run_at": campaign.next_run_at.isoformat()})
    flash(STARTED)
    return redirect(url_for(".page", campaign_id=campaign_id))


@bp.post("/<id:campaign_id>/cancel")
@require(Can.CAMPAIGNS_EDIT)
def cancel(campaign_id: int):
    with unit_of_work() as db:
        campaign = _own(db, campaign_id)
        before = campaign.status
        stopped = campaigns.cancel(db, campaign)
        _audit(db, "campaign.cancel", campaign, {"status": before},
               {"status": campaign.status, "not_sent": stopped})
    flash(CANCELLED)
    return redirect(url_for(".page", campaign_id=campaign_id))
