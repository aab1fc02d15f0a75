"""Settings Saathi refuses to start with: public development secrets next to a real Twilio
number, and malformed values; each refusal is one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from bot.config import DEV_PII_KEYS, DEV_QR_KEYS, DEV_SECRET_KEY
from tests.conftest import PII_TEST_KEY, app_config

ROOT = Path(__file__).resolve().parents[2]
DEV_QR = DEV_QR_KEYS["k1"]


def refusal(tmp_path, capsys, **settings) -> str:
    """Start an app with `settings`; return the one line it printed when it refused."""
    with pytest.raises(SystemExit) as stopped:
        create_app(app_config(tmp_path, **settings))
    assert stopped.value.code == 4  # gunicorn's "App failed to load": it stops, no respawns
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Saathi will not start: ")
    return err


@pytest.mark.parametrize(("settings", "named"), [
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
    ({"QR_SIGNING_KEYS": DEV_QR_KEYS}, "QR_SIGNING_KEYS k1"),
    ({"QR_SIGNING_KEYS": {"k2": "a-real-key-from-the-vault", "k1": DEV_QR}}, "QR_SIGNING_KEYS k1"),
    ({"QR_SIGNING_KEYS": {"k2": "a-real-key-from-the-vault", "old": DEV_QR}},
     "QR_SIGNING_KEYS old"),
    ({"LEDGER_SEAL_KEY": DEV_SECRET_KEY}, "LEDGER_SEAL_KEY"),
    ({"PAYOUT_WEBHOOK_SECRET": DEV_QR}, "PAYOUT_WEBHOOK_SECRET"),
    ({"ADMIN_TOKEN": DEV_SECRET_KEY}, "ADMIN_TOKEN"),
    ({"PII_KEYS": DEV_PII_KEYS, "PII_KEY_ID": "p1"}, "PII_KEYS p1"),
])
def test_with_twilio_connected_any_public_development_secret_is_refused(
        tmp_path, capsys, settings, named):
    line = refusal(tmp_path, capsys, **settings)
    assert f"{named} is a public development value" in line
    assert "set real secrets before connecting Twilio" in line


def test_every_public_secret_is_named_in_the_one_line(tmp_path, capsys):
    line = refusal(tmp_path, capsys, SECRET_KEY=DEV_SECRET_KEY,
                   QR_SIGNING_KEYS={"k1": DEV_QR, "k2": "a-real-key-from-the-vault"})
    assert "SECRET_KEY, QR_SIGNING_KEYS k1 are public development values" in line


def test_without_twilio_the_development_values_run(tmp_path):
    app = create_app(app_config(tmp_path, TWILIO_AUTH_TOKEN="", SECRET_KEY=DEV_SECRET_KEY,
                                QR_SIGNING_KEYS=DEV_QR_KEYS))  # make run
    assert app.config["QR_SIGNING_KEYS"] == DEV_QR_KEYS


def test_a_malformed_setting_is_one_line_naming_it_without_its_value(tmp_path, capsys):
    line = refusal(tmp_path, capsys, CONVERSATION_TIMEOUT_MINUTES="half an hour")
    assert "CONVERSATION_TIMEOUT_MINUTES" in line and "half an hour" not in line


def test_the_flask_command_prints_the_refusal_as_one_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'saathi.db'}",
           "TWILIO_AUTH_TOKEN": "a-real-twilio-token", "SECRET_KEY": "a-real-secret",
           "QR_SIGNING_KEYS": f'{{"k2": "a-real-key", "k1": "{DEV_QR}"}}', "QR_ACTIVE_KEY": "k2",
           "PII_KEYS": f'{{"t1": "{PII_TEST_KEY}"}}', "PII_KEY_ID": "t1",
           "PII_HASH_KEY": "a-real-hash-key", "PUBLIC_BASE_URL": "https://saathi.example.com"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 4
    assert result.stderr == ("Saathi will not start: QR_SIGNING_KEYS k1 is a public development "
                             "value; set real secrets before connecting Twilio\n")
    assert "a-real-twilio-token" not in result.stderr + result.stdout


@pytest.mark.parametrize("keys", [{"t1": "not base64!"}, {"t1": "c2hvcnQ="},
                                  {"a:b": PII_TEST_KEY}, {"much-too-long-id": PII_TEST_KEY}])
def test_a_personal_data_key_that_cannot_seal_is_refused_at_start(tmp_path, capsys, keys):
    line = refusal(tmp_path, capsys, PII_KEYS=keys, PII_KEY_ID=next(iter(keys)))
    assert "PII_KEYS" in line and PII_TEST_KEY not in line


def test_a_current_personal_data_key_id_without_its_key_is_refused(tmp_path, capsys):
    assert "PII_KEY_ID names no key" in refusal(tmp_path, capsys, PII_KEY_ID="t9")


@pytest.mark.parametrize("sender", [{}, {"TWILIO_AUTH_TOKEN": "", "SMS_PROVIDER": "gupshup",
                                         "GUPSHUP_USERID": "2000123456",
                                         "GUPSHUP_PASSWORD": "a-real-password"},
                                    {"TWILIO_AUTH_TOKEN": "", "WHATSAPP_APP_SECRET": "a-secret",
                                     "WHATSAPP_ACCESS_TOKEN": "a-real-token"}])
def test_a_real_provider_without_public_base_url_is_refused_at_start(tmp_path, capsys, sender):
    """Jobs send links (certificates, vouchers) where no request tells the host, over SMS and
    over Meta's Cloud API alike (outbound.base_url refuses them without it)."""
    line = refusal(tmp_path, capsys, PUBLIC_BASE_URL="", **sender)
    assert "PUBLIC_BASE_URL is unset: set it to the https address" in line


def test_a_public_base_url_without_its_scheme_is_refused_at_start(tmp_path, capsys):
    line = refusal(tmp_path, capsys, PUBLIC_BASE_URL="saathi.example.com")
    assert "PUBLIC_BASE_URL must start with https://" in line
