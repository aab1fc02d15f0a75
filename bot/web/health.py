"""GET /healthz: database and Redis status as JSON; any request that meets a database
without its tables is answered 503 with what to run (a provider retries the webhook later),
not a 500."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.jobs.dispatch import redis_connection
from models.db import engine, schema_missing

bp = Blueprint("health", __name__)
log = logging.getLogger("saathi.health")
NOT_MIGRATED = ("Saathi's database has no tables yet (or misses some): run "
                "flask --app app db upgrade, then try again.")


@bp.get("/healthz")
def healthz():
    status = {"database": "ok", "redis": "disabled"}
    try:
        with engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        status["database"] = f"error: {exc.__class__.__name__}"
    if current_app.config["REDIS_URL"]:
        try:
            redis_connection().ping()  # type: ignore[union-attr]
            status["redis"] = "ok"
        except RedisError as exc:
            status["redis"] = f"error: {exc.__class__.__name__}"
    healthy = status["database"] == "ok" and status["redis"] in ("ok", "disabled")
    return jsonify(status=("ok" if healthy else "degraded"), **status), (200 if healthy else 503)


@bp.app_errorhandler(SQLAlchemyError)
def _not_migrated(exc: SQLAlchemyError):
    if not schema_missing(exc):
        raise exc
    log.error("database not migrated", extra={"error": exc.__class__.__name__})
    return jsonify(error=NOT_MIGRATED), 503
