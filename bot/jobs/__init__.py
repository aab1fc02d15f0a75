"""Jobs, a shared service: ask for slow work after commit (`dispatch`), the RQ side
(`rq_queue`) and one durable run (`runner`); the periodic clock is workers/scheduler.py."""

from bot.jobs.dispatch import (
    after_commit,
    enqueue,
    init_app,
    queue,
    redis_connection,
    resend,
    run_in_process,
)

__all__ = ["after_commit", "enqueue", "init_app", "queue", "redis_connection", "resend",
           "run_in_process"]
