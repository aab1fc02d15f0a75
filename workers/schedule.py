"""Every periodic job in one place: run `flask scheduler` beside `flask worker` (or, without
Redis, the web process runs them itself). `rq cron workers/schedule.py` reads the same table.

Times are UTC (IST = UTC + 5:30).
"""

from rq import cron

from bot.config import load_settings
from workers import (
    campaigns,
    figures,
    inbox,
    job_sweep,
    ledger,
    outbound,
    privacy,
    redemptions,
    webhooks,
)

SETTINGS = load_settings()
SWEEP = {"interval": SETTINGS["SWEEP_SECONDS"]}  # every minute unless SWEEP_SECONDS says

PERIODIC = (
    (ledger.seal, {"interval": 60}),  # seal new journal entries every minute
    (redemptions.sweep, SWEEP),  # poll payouts in flight, expire vouchers
    (outbound.sweep, SWEEP),  # re-send messages whose enqueue was lost
    (inbox.sweep, SWEEP),  # answer messages whose request died
    (job_sweep.sweep, SWEEP),  # re-send jobs lost with Redis or with a worker
    (campaigns.tick, SWEEP),  # start due campaigns (set times, cron, triggers); resume dead ones
    (webhooks.sweep, {"interval": 30}),  # brands' webhook deliveries whose retry is due
    (ledger.expire, {"cron": "30 3 * * *"}),  # 09:00 IST
    (ledger.recompute_tiers, {"cron": "0 22 * * *"}),  # 03:30 IST
    (privacy.enforce_retention, {"cron": "30 21 * * *"}),  # 03:00 IST: retention purge
    (figures.refresh, {"interval": SETTINGS["ADMIN_FIGURES_SECONDS"]}),  # the overview's counts
)

QUEUE = SETTINGS["RQ_QUEUE"]
for _func, _when in PERIODIC:
    cron.register(_func, QUEUE, **_when)
