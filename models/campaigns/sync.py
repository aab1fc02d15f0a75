"""Campaigns written in a program's YAML (`campaigns:`) are saved when the program loads: a
recurring or triggered one, or a broadcast with a set time (`at`), is scheduled as well; a
broadcast without one waits for `flask campaigns send`."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from models import events
from models.base import utcnow
from models.campaigns.operations import CampaignError, next_run, save, schedule
from models.campaigns.tables import CampaignStatus
from models.programs.campaign_spec import Kind
from models.programs.program import Program

log = logging.getLogger("saathi.campaigns")


@events.handles(events.ProgramLoaded)
def _program_loaded(session: Session, loaded: events.ProgramLoaded) -> None:
    program = session.get(Program, loaded.program_id)
    now = utcnow()
    for spec in program.spec.campaigns:
        try:
            campaign = save(session, program, spec)
        except CampaignError as exc:  # sent already: the YAML's change is not applied
            log.warning("campaign not changed", extra={"campaign": spec.code, "why": str(exc)})
            continue
        if campaign.status == CampaignStatus.DRAFT and (spec.at or spec.kind != Kind.BROADCAST):
            schedule(session, campaign, spec.at or next_run(spec, now) or now)
