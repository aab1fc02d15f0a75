"""Campaigns: messages to a segment of a program's partners (broadcast, recurring,
triggered), each partner's delivery recorded once per round. Wording and sending are the
notices layer's (bot/notices/campaigns.py) and the workers' (workers/campaigns.py)."""

from models.campaigns import (
    earned,  # noqa: F401 - pays milestones and invite bonuses on earns
    milestones,  # noqa: F401 - pays milestones on a sales file's earns
    referrals,  # noqa: F401 - pays invite bonuses on a sales file's first earns
    sync,  # noqa: F401 - saves a program's YAML campaigns on load
)
from models.campaigns.operations import (
    CampaignError,
    Claimed,
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
from models.campaigns.optouts import campaign_for_word, of_outbox, unsubscribe
from models.campaigns.segments import audience
from models.campaigns.stats import Effect, Stats, collect, effect
from models.campaigns.tables import Campaign, CampaignStatus, Delivery, DeliveryStatus

__all__ = [
    "Campaign",
    "CampaignError",
    "CampaignStatus",
    "Claimed",
    "Delivery",
    "DeliveryStatus",
    "Effect",
    "Stats",
    "audience",
    "build_round",
    "campaign_for_word",
    "cancel",
    "claim",
    "collect",
    "due",
    "effect",
    "find",
    "finish_round",
    "next_run",
    "of_outbox",
    "save",
    "schedule",
    "spec_of",
    "start",
    "status_of",
    "unsent",
    "unsubscribe",
]
