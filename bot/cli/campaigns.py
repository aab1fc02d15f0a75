"""`flask campaigns create|preview|send|cancel|stats`: the same campaigns the program YAML's
`campaigns:` section holds, from the command line.

    flask campaigns create CEMPRO monsoon.yaml     # one campaign (the YAML section's shape)
    flask campaigns preview CEMPRO MONSOON-TIPS    # audience, sample per language, errors
    flask campaigns send CEMPRO MONSOON-TIPS [--at 2026-07-01T10:00+05:30] [--now]
    flask campaigns cancel CEMPRO MONSOON-TIPS
    flask campaigns stats CEMPRO MONSOON-TIPS
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup
from pydantic import ValidationError

from bot import jobs
from bot.jobs.names import Job
from bot.notices.campaigns import own_languages, preview, too_long
from models import campaigns, yamltext
from models.base import IST, utcnow
from models.campaigns import Campaign
from models.db import unit_of_work
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import by_code

campaigns_cli = AppGroup("campaigns", help="Broadcast, recurring and triggered campaigns.")


def _campaign(session, program_code: str, code: str) -> Campaign:
    program = by_code(session, program_code)
    if program is None:
        raise click.ClickException(f"no program {program_code!r}")
    campaign = campaigns.find(session, program, code)
    if campaign is None:
        raise click.ClickException(f"no campaign {code!r} in {program.code}")
    return campaign


def _one_campaign(name: str) -> Callable[[Callable], click.Command]:
    """A `flask campaigns NAME PROGRAM_CODE CODE ...` command about one campaign."""
    def register(command: Callable) -> click.Command:
        return campaigns_cli.command(name)(
            click.argument("program_code")(click.argument("code")(command)))
    return register


@campaigns_cli.command("create")
@click.argument("program_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def create(program_code: str, path: Path) -> None:
    """Create (or change, while unsent) the campaign a YAML file describes."""
    try:
        spec = CampaignSpec.model_validate(yamltext.load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    with unit_of_work() as session:
        program = by_code(session, program_code)
        if program is None:
            raise click.ClickException(f"no program {program_code!r}")
        problems = too_long(spec, program.spec.name, own_languages(spec))
        if problems:
            raise click.ClickException("; ".join(problems))
        try:
            campaign = campaigns.save(session, program, spec)
        except campaigns.CampaignError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"campaign {campaign.code} ({campaign.kind}): {campaign.status}")


@_one_campaign("preview")
def preview_command(program_code: str, code: str) -> None:
    """Who it would reach now, and what each language would read."""
    with unit_of_work() as session:
        shown = preview(session, _campaign(session, program_code, code), utcnow())
    click.echo(f"audience: {shown.audience} (control: {shown.control})")
    for lang, count in sorted(shown.by_language.items()):
        click.echo(f"  {lang}: {count} - {shown.samples[lang]}")
    price = current_app.config["CAMPAIGN_PRICE_PAISE"]
    click.echo(f"cost at most: Rs {shown.cost_paise(price) / 100:.2f}")
    for error in shown.errors:
        click.echo(f"error: {error}")
    if shown.errors:
        raise SystemExit(1)


@_one_campaign("send")
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"]),
              help="a set time with its offset (2026-07-01T10:00+0530); now if omitted")
@click.option("--force", is_flag=True, help="send although the preview lists errors (an SMS "
              "over two segments is refused all the same)")
def send(program_code: str, code: str, at: datetime | None, force: bool) -> None:
    """Schedule the campaign (now, or at --at); a running one is resumed."""
    with unit_of_work() as session:
        campaign = _campaign(session, program_code, code)
        shown = preview(session, campaign, utcnow())
        if shown.too_long:  # cut into pages it would match no DLT template: never sent
            raise click.ClickException("; ".join(shown.too_long))
        errors = shown.errors
        if errors and not force:
            raise click.ClickException("; ".join(errors) + " (--force sends anyway)")
        try:
            campaigns.schedule(session, campaign, at.astimezone(UTC) if at else None)
        except campaigns.CampaignError as exc:
            raise click.ClickException(str(exc)) from None
        if at is None:
            jobs.after_commit(session, Job.RUN_CAMPAIGN, campaign.id, record=False)
        when = campaign.next_run_at.astimezone(IST)
        click.echo(f"campaign {campaign.code}: scheduled for {when:%Y-%m-%d %H:%M} IST")


@_one_campaign("cancel")
def cancel(program_code: str, code: str) -> None:
    """Stop the campaign: nothing more is sent (running senders stop within seconds)."""
    with unit_of_work() as session:
        stopped = campaigns.cancel(session, _campaign(session, program_code, code))
    click.echo(f"cancelled; {stopped} partners will not get it")


@_one_campaign("stats")
def stats(program_code: str, code: str) -> None:
    """Deliveries, the providers' reports on them, replies and opt-outs, and the cost."""
    with unit_of_work() as session:
        campaign = _campaign(session, program_code, code)
        counted = campaigns.collect(session, campaign)
        effects = [e for days in (7, 30) for e in campaigns.effect(session, campaign, days)]
    price = current_app.config["CAMPAIGN_PRICE_PAISE"]
    cost = sum(price.get(channel, 0) * n for channel, n in counted.channels.items())
    for title, counter in (("deliveries", counted.deliveries), ("skipped", counted.skipped),
                           ("messages", counted.outbox), ("failed", counted.failed_codes),
                           ("channels", counted.channels)):
        click.echo(f"{title}: " + (", ".join(f"{k} {v}" for k, v in sorted(counter.items()))
                                   or "-"))
    click.echo(f"replied: {counted.replied}, opted out: {counted.opted_out}, "
               f"cost: Rs {cost / 100:.2f}")
    for e in effects:  # A/B: what the sent group did against the held-out one
        if e.partners:
            click.echo(f"{e.group} {e.days} days: {e.partners} partners, earned {e.earned}, "
                       f"redeemed {e.redeemed}, certified {e.certified}")
