"""Every log line is one JSON object that an attacker's text cannot break, and it carries no
full phone number: Flask's and werkzeug's own lines, database error details and gunicorn's."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from bot import logs
from models.db import unit_of_work
from models.partners.partner import Partner

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+919812345678"
INJECTED = '\n{"level": "CRITICAL", "event": "forged"}'
ESCAPES = "\u2028\u2029\x85\x1e\u202e"  # line separators, a bidi override


@contextmanager
def log_output() -> Iterator[io.StringIO]:
    """What the app's one JSON handler writes, for the length of the block."""
    handler = logs.json_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def json_lines(text: str) -> list[dict]:
    """Parse every line; a line that is not a JSON object fails the test."""
    return [json.loads(line) for line in text.split("\n") if line]


def test_a_nul_byte_in_a_certificate_id_is_not_found(app):
    client = app.test_client()
    assert client.get("/verify/%00").status_code == 404
    assert client.get("/verify/%00%0A%7B%22level%22%7D").status_code == 404
    assert client.get("/verify/" + "A" * 5000).status_code == 404


def test_flasks_own_exception_lines_are_json_and_cannot_start_a_new_line(app):
    @app.get("/explode/<what>")
    def explode(what: str):
        raise RuntimeError(what)

    with log_output() as out:
        response = app.test_client().get("/explode/x%0A%7B%22level%22%3A%22CRITICAL%22%7D")
    assert response.status_code == 500
    [line] = json_lines(out.getvalue())
    assert line["logger"] == app.logger.name and line["level"] == "ERROR"
    assert '{"level":"CRITICAL"}' in line["exc"]


@pytest.mark.parametrize("name", ["werkzeug", "saathi.router", "rq.worker", "sqlalchemy"])
def test_any_libraries_line_goes_through_the_json_formatter(app, name):
    with log_output() as out:
        logging.getLogger(name).warning("path was %s", INJECTED + ESCAPES,
                                        extra={"detail": INJECTED + ESCAPES})
    raw = out.getvalue()
    assert raw.count("\n") == 1 and len(raw.splitlines()) == 1  # str.splitlines: \x85 \u2028 …
    [line] = json_lines(raw)
    assert line["event"] == "path was " + INJECTED + ESCAPES
    assert line["detail"] == INJECTED + ESCAPES


def test_a_lone_surrogate_is_escaped_so_the_line_stays_writable_utf8():
    line = logs.JsonFormatter().format(logging.makeLogRecord({"msg": "bad \udc80 byte"}))
    assert line.encode("utf-8") and json.loads(line)["event"] == "bad \udc80 byte"


def test_a_phone_number_in_a_database_error_detail_is_masked(app):
    """PostgreSQL says `Key (phone)=(+919812345678) already exists.`: the log must not."""
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE))
    with log_output() as out, pytest.raises(IntegrityError), unit_of_work() as session:
        try:
            session.add(Partner(phone=PHONE))
            session.flush()
        except IntegrityError:
            logging.getLogger("saathi.test").exception("partner not saved",
                                                       extra={"phone": PHONE})
            raise
    [line] = json_lines(out.getvalue())
    assert "phone" in line["exc"]
    assert PHONE not in out.getvalue() and PHONE[3:] not in out.getvalue()
    assert line["phone"] == logs.mask_phone(PHONE) == "+91******5678"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _raw_request(port: int, data: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:  # worker boot
        conn.sendall(data)
        conn.recv(65536)


def test_under_gunicorn_every_stderr_line_is_one_json_object(tmp_path):
    """The production server with the shipped gunicorn.conf.py: its own lines (boot, a
    request it cannot parse) and the app's lines all come out as JSON, none forged."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
           "MEDIA_DIR": str(tmp_path / "media"), "LOG_LEVEL": "INFO"}
    env.pop("TWILIO_AUTH_TOKEN", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "1",
         "-b", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(port, time.monotonic() + 30)
        _raw_request(port, b"GET /verify/%00%0A%7B%22level%22%7D HTTP/1.1\r\nHost: x\r\n\r\n")
        _raw_request(port, b'GET /\x01\n{"level": "CRITICAL"} HTTP/1.1\r\nHost: x\r\n\r\n')
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
    lines = json_lines(err.decode())
    loggers = {line["logger"] for line in lines}
    assert "gunicorn.error" in loggers, err.decode()
    assert not any(line.get("event") == "forged" for line in lines)
