"""`flask learning sync`: mark certificates made on older module versions and nudge once."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbound
from bot.i18n import translate
from models.certification import mark_outdated, revoke
from models.db import unit_of_work
from models.learning import content_of
from models.learning_content import local
from models.partner import Partner
from models.program import Program

log = logging.getLogger("saathi.learning")
learning_cli = AppGroup("learning", help="Learning tracks and certificates.")


def sync(session: Session, program: Program) -> int:
    """Mark outdated certificates of `program` and queue one re-certification nudge each."""
    content = content_of(program)
    marked = mark_outdated(session, program)
    for cert in marked:
        partner = session.get(Partner, cert.partner_id)
        track = content.track(cert.track)
        name = local(track.name, partner.language) if track else cert.track
        text = translate(partner.language, "{track} has new content. Send LEARN to re-certify "
                         "and keep your certificate valid.", track=name)
        try:
            outbound.queue_message(session, phone=partner.phone, text=text,
                                   template="recertification", template_vars={"1": name},
                                   key=f"recert-nudge:{cert.id}")
        except outbound.OutboundError as exc:
            log.warning("re-certification nudge not queued: %s", exc,
                        extra={"partner_id": partner.id})
            continue
        cert.nudged_at = cert.outdated_at
    return len(marked)


@learning_cli.command("sync")
def sync_command() -> None:
    """Check every program's certificates against its current module versions."""
    with unit_of_work() as session:
        for program in session.scalars(select(Program).order_by(Program.id)):
            click.echo(f"{program.code}: {sync(session, program)} certificates need "
                       "re-certification")


@learning_cli.command("revoke")
@click.argument("public_id")
def revoke_command(public_id: str) -> None:
    """Revoke a certificate (credits already paid stay; reverse them with the ledger)."""
    with unit_of_work() as session:
        if revoke(session, public_id) is None:
            raise click.ClickException(f"no certificate {public_id}")
    click.echo(f"{public_id.upper()} revoked")
