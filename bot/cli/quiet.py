"""The service's INFO log lines (one JSON line per message handled, sent or credited) belong
in the logs, not between a command's own answers: hidden unless `--logs` asks for them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click

LOGS_OPTION = click.option("--logs", is_flag=True, help="Show the service's INFO log lines too")


@contextmanager
def service_logs(shown: bool) -> Iterator[None]:
    """Within the block, the `saathi` loggers print warnings only, unless `shown`."""
    service = logging.getLogger("saathi")
    level = service.level
    if not shown:
        service.setLevel(max(logging.WARNING, service.getEffectiveLevel()))
    try:
        yield
    finally:
        service.setLevel(level)
