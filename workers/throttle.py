"""At most CAMPAIGN_SENDS_PER_SECOND sends per sender number, across every worker (a counter
per second in Redis), or in this process when there is no Redis."""

from __future__ import annotations

import time

from flask import current_app

from bot.jobs.rq_queue import redis_connection

_NEXT: dict[str, float] = {}  # without Redis: when this process may send next, per sender


def wait(sender: str) -> None:
    """Return when one more message may leave from `sender`."""
    rate = current_app.config["CAMPAIGN_SENDS_PER_SECOND"]
    if not rate:
        return
    redis = redis_connection()
    if redis is None:
        now = time.monotonic()
        ready = max(now, _NEXT.get(sender, now))
        _NEXT[sender] = ready + 1 / rate
        time.sleep(ready - now)
        return
    prefix = f"{current_app.config['RQ_QUEUE']}:throttle:{sender}"
    while True:
        second = time.time()
        key = f"{prefix}:{int(second)}"
        count, _ = redis.pipeline().incr(key).expire(key, 5).execute()
        if count <= max(1, int(rate)):
            return
        time.sleep(int(second) + 1 - second)
