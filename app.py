"""Create the Saathi Flask application (`flask --app app ...`)."""

from __future__ import annotations

import sys

from flask import Flask

from bot import ids, logs
from bot.config import ConfigError, load_settings

APP_LOAD_ERROR = 4  # gunicorn stops on this exit status instead of starting workers again


def create_app(test_config: dict | None = None) -> Flask:
    """Build an app from the environment, with `test_config` overriding any setting."""
    try:
        settings = load_settings(test_config)
    except ConfigError as exc:  # one line for the operator, not a traceback
        print(f"Saathi will not start: {exc}", file=sys.stderr)
        raise SystemExit(APP_LOAD_ERROR) from None
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"]
    logs.init_app(app)
    app.url_map.converters["id"] = ids.IdConverter

    from bot import cli, jobs, media, notices  # noqa: F401 - notices subscribe to domain events
    from bot.web import (
        admin,
        admin_auth,
        admin_distributors,
        admin_overview,
        admin_pages,
        admin_partners,
        admin_programs,
        admin_review,
        admin_sales,
        admin_support,
        admin_totp,
        admin_users,
        admin_webhooks,
        cloud_webhook,
        gupshup_webhook,
        health,
        payout_webhook,
        privacy,
        sales_api,
        simulator,
        simulator_ussd,
        ussd,
        verify,
        webhooks,
    )
    from models import db
    from workers import scheduler

    db.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    scheduler.init_app(app)
    admin_auth.init_app(app)
    for module in (webhooks, cloud_webhook, gupshup_webhook, ussd, simulator, simulator_ussd,
                   health, admin,
                   admin_pages, admin_partners, admin_review, admin_support, admin_overview,
                   admin_users, admin_distributors, admin_programs, admin_totp,
                   admin_sales, admin_webhooks, media, verify, payout_webhook, sales_api, privacy):
        app.register_blueprint(module.bp)
    return app
