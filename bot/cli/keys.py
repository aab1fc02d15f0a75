"""`flask keys rotate`: re-seal personal data (UPI ids) under the current PII_KEY_ID."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from models import privacy
from models.db import unit_of_work

keys_cli = AppGroup("keys", help="Keys of personal data at rest (PII_KEYS, PII_KEY_ID).")


@keys_cli.command("rotate")
def rotate() -> None:
    """Re-seal every value sealed under an older key; then that key can leave PII_KEYS."""
    with unit_of_work() as session:
        done = privacy.rotate(session)
    click.echo(f"{done} value(s) re-sealed under {current_app.config['PII_KEY_ID']}")
