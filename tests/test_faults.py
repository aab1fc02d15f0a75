"""The fault harness's short version (bench/faults.py --short): Saathi on its own PostgreSQL,
Redis and gunicorn, under traffic while a worker, Redis, PostgreSQL and a gunicorn worker are
killed or paused; nothing accepted is lost or done twice, and hostile requests get no 5xx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.services import pg_bin

ROOT = Path(__file__).resolve().parent.parent


def test_saathi_loses_nothing_and_does_nothing_twice_through_faults():
    missing = [name for name in ("redis-server",) if not shutil.which(name)] + [
        name for name in ("initdb", "pg_ctl") if not Path(pg_bin(name)).exists()]
    if missing:
        if IN_CI:
            pytest.fail(f"the fault harness needs {missing}")
        pytest.skip(f"the fault harness needs {missing}")
    run = subprocess.run([sys.executable, "bench/faults.py", "--short"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
