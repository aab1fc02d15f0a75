"""Every periodic job in one place: run `rq cron workers/schedule.py` beside `flask worker`.

Times are UTC (IST = UTC + 5:30).
"""

from rq import cron

from bot.config import load_settings
from workers import inbox, job_sweep, ledger, outbound, redemptions

QUEUE = load_settings()["RQ_QUEUE"]

cron.register(ledger.seal, QUEUE, interval=60)  # seal new journal entries every minute
cron.register(redemptions.sweep, QUEUE, interval=60)  # poll payouts in flight, expire vouchers
cron.register(outbound.sweep, QUEUE, interval=60)  # re-send messages whose enqueue was lost
cron.register(inbox.sweep, QUEUE, interval=60)  # answer messages whose request died
cron.register(job_sweep.sweep, QUEUE, interval=60)  # re-send jobs lost with Redis or a worker
cron.register(ledger.expire, QUEUE, cron="30 3 * * *")  # 09:00 IST
cron.register(ledger.recompute_tiers, QUEUE, cron="0 22 * * *")  # 03:30 IST
