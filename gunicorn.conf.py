"""gunicorn settings read from the working directory: gunicorn's own lines (boot, workers,
requests it cannot parse) go through Saathi's JSON formatter, like every other line."""

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bot.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}


def post_worker_init(worker) -> None:
    """A threaded worker hands Python's lock over within 1 ms instead of 5 (its default).

    A request thread back from each SQL statement waits for the lock while a sibling thread
    runs Python: up to the switch interval every round trip (a product code's screen makes
    about twenty), and meanwhile its transaction keeps its row locks, which requests in the
    other workers wait on (the program's monthly budget row: every credited code takes it).
    """
    import sys

    if worker.cfg.threads > 1:
        sys.setswitchinterval(0.001)
