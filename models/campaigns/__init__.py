"""Campaigns: messages to a segment of a program's partners (broadcast, recurring,
triggered), each partner's delivery recorded once per round. Wording and sending are the
notices layer's (bot/notices/campaigns.py) and the workers' (workers/campaigns.py)."""

# sync saves a program's YAML campaigns on load; milestones pay on earns
from models.campaigns import milestones, sync  # noqa: F401
from models.campaigns.operations import (
    CampaignError,
    build_round,
    cancel,
    claim,
    due,
    find,
    finish_round,
    next_run,
    save,
    schedule,
    spec_of,
    start,
    status_of,
    unsent,
)
from models.campaigns.segments import audience
from models.campaigns.stats import Effect, Stats, collect, effect
from models.campaigns.tables import Campaign, CampaignStatus, Delivery, DeliveryStatus

__all__ = [
    "Campaign",
    "CampaignError",
    "CampaignStatus",
    "Delivery",
    "DeliveryStatus",
    "Effect",
    "Stats",
    "audience",
    "build_round",
    "cancel",
    "claim",
    "collect",
    "due",
    "effect",
    "find",
    "finish_round",
    "next_run",
    "save",
    "schedule",
    "spec_of",
    "start",
    "status_of",
    "unsent",
]
