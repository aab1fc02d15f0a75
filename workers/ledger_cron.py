"""Schedules for the ledger jobs: `rq cron workers/ledger_cron.py` (next to `flask worker`)."""

from rq import cron

from bot.jobs import QUEUE_NAME
from workers import ledger

cron.register(ledger.seal, QUEUE_NAME, interval=60)  # seal new entries every minute
cron.register(ledger.expire, QUEUE_NAME, cron="30 3 * * *")  # 09:00 IST
cron.register(ledger.recompute_tiers, QUEUE_NAME, cron="0 22 * * *")  # 03:30 IST
