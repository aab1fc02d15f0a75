"""Schedule for the redemption sweep: `rq cron workers/redemptions_cron.py` (next to
`flask worker`). Polls payouts still in flight and expires due vouchers every minute."""

from rq import cron

from bot.config import load_settings
from workers import redemptions

cron.register(redemptions.sweep, load_settings()["RQ_QUEUE"], interval=60)
