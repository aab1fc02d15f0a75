"""Count the admin overview's figures again (models/admin/rollup.py), every few minutes."""

from __future__ import annotations

import logging

from models.admin import rollup
from models.db import unit_of_work

log = logging.getLogger("saathi.figures")


def refresh() -> int:
    """Recount every program's rollup rows; how many rows were written."""
    with unit_of_work() as session:
        rows = rollup.refresh_all(session)
    log.info("admin figures counted", extra={"rows": rows})
    return rows
