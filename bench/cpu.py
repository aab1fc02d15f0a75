"""CPU seconds (user + system) of processes, read from /proc: the benchmarks' CPU columns."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> Iterator[tuple[str, int, int, int]]:
    """(name, parent pid, own ticks, reaped children's ticks) of every process."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue  # the process ended meanwhile
        fields = rest.split()  # state, ppid, …; utime stime cutime cstime at 11-14
        yield (head.split("(", 1)[1], int(fields[1]), int(fields[11]) + int(fields[12]),
               int(fields[13]) + int(fields[14]))


def postgres_cpu_seconds() -> float:
    """Every PostgreSQL process on this machine, ended backends included (the postmaster's
    reaped-children time)."""
    return sum(own + reaped for name, _, own, reaped in _processes()
               if name.startswith("postgres")) / TICKS


def children_cpu_seconds(parent: int) -> float:
    """The running children of `parent` (gunicorn's workers)."""
    return sum(own for _, ppid, own, _ in _processes() if ppid == parent) / TICKS
