"""GET /healthz: database and Redis status as JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.jobs.dispatch import redis_connection
from models.db import engine

bp = Blueprint("health", __name__)


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
