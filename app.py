"""Create the Saathi Flask application (`flask --app app ...`)."""

from __future__ import annotations

from flask import Flask

from bot import logs
from bot.config import load_settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build an app from the environment, with `test_config` overriding any setting."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_settings(test_config))
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"]
    logs.init_app(app)

    from bot import (
        admin,
        cli,
        health,
        jobs,
        media,
        payout_webhook,
        scheduler,
        simulator,
        verify,
        webhooks,
    )
    from models import db

    db.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    scheduler.init_app(app)
    for module in (webhooks, simulator, health, admin, media, verify, payout_webhook):
        app.register_blueprint(module.bp)
    return app
