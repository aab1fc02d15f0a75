"""The operator commands on a database that is not migrated yet, and `flask db upgrade`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import app_config

ROOT = Path(__file__).resolve().parents[2]
RUN_UPGRADE = "Error: the database has no tables yet (or misses some): run flask db upgrade"


@pytest.fixture
def fresh(empty_db_url, tmp_path):
    return create_app(app_config(tmp_path, DATABASE_URL=empty_db_url))


def test_db_upgrade_says_a_fresh_database_was_created_then_up_to_date(fresh):
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("database created (revision ")
    again = runner.invoke(args=["db", "upgrade"])
    assert again.output == "database is up to date\n"


@pytest.mark.parametrize("command", [["review", "list"], ["programs", "load-all"],
                                     ["redemptions", "list"]])
def test_a_command_on_an_unmigrated_database_says_run_db_upgrade(fresh, command):
    result = fresh.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert result.output == RUN_UPGRADE + "\n"


def test_status_on_an_unmigrated_database_says_run_db_upgrade(fresh):
    result = fresh.test_cli_runner().invoke(args=["status"])
    assert result.exit_code == 1
    assert "database (no tables)" in result.output
    assert "run `flask db upgrade`" in result.output


def test_the_flask_command_itself_prints_one_line_not_a_traceback(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'saathi.db'}",
           "TWILIO_AUTH_TOKEN": "", "REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "review", "list"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == RUN_UPGRADE + "\n" and result.stdout == ""


def test_the_service_on_an_unmigrated_database_answers_what_to_run_not_a_500(fresh, caplog):
    """`flask run` before `flask db upgrade`: the simulator shows what to run, a webhook gets
    503 (the provider tries again later) and the log says why."""
    client = fresh.test_client()
    sent = client.post("/simulator/send", data={"phone": "+919700000001", "text": "MENU"})
    assert sent.status_code == 503
    assert sent.get_json() == {"error": "Saathi's database has no tables yet (or misses some): "
                                        "run flask --app app db upgrade, then try again."}
    assert "database not migrated" in caplog.text
