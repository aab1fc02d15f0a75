"""Twilio's Messages API posted over a kept-alive connection, its answers read by
bot/channels/twilio_messages.py itself: lengths, chunks, interim answers, closes, errors,
and an answer cut short (Unanswered: Twilio may have taken the message)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs

import pytest
from twilio.base.exceptions import TwilioRestException

from bot.channels.twilio_messages import Messages, Unanswered

ACCOUNT = "AC" + "7" * 32
SID = "SM" + "c" * 32
OK = json.dumps({"sid": SID, "status": "queued"}).encode()


class Scripted:
    """A server that answers each request with the next of `answers` (raw bytes, written as
    given), closing the connection after those marked close; what it read, by connection."""

    def __init__(self, answers: list[tuple[bytes, bool]]) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[int, bytes, bytes]] = []  # connection, head, body
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0

    def serve(self) -> None:
        while self.answers:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn, conn.makefile("rb") as reader:
                while self.answers:
                    head = b"".join(iter(reader.readline, b"\r\n"))
                    if not head:
                        break
                    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length:"))
                    self.requests.append((self.connections, head, reader.read(length)))
                    answer, close = self.answers.pop(0)
                    conn.sendall(answer)
                    if close:
                        break


@contextmanager
def scripted(*answers: tuple[bytes, bool], userinfo: str = ""
             ) -> Iterator[tuple[Scripted, Messages]]:
    server = Scripted(list(answers))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server, Messages(f"http://{userinfo}127.0.0.1:{server.port}", ACCOUNT, "token")
    finally:
        server.listener.close()
        thread.join(5)


def http11(body: bytes, status: str = "201 CREATED", *headers: bytes) -> bytes:
    return b"HTTP/1.1 %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s" \
        % (status.encode(), b"".join(h + b"\r\n" for h in headers), len(body), body)


FORM = [("To", "+919812345678"), ("From", "+15005550006"), ("Body", "Namaste ₹1")]


def test_a_kept_alive_connection_carries_each_message_in_one_piece():
    with scripted((http11(OK), False), (http11(OK), False)) as (server, messages):
        assert messages.create(FORM) == SID
        assert messages.create(FORM) == SID
    assert [c for c, _, _ in server.requests] == [1, 1]  # one connection for both
    _, head, body = server.requests[0]
    lines = head.decode().split("\r\n")
    assert lines[0] == f"POST /2010-04-01/Accounts/{ACCOUNT}/Messages.json HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}" in lines
    assert "Content-Type: application/x-www-form-urlencoded" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert parse_qs(body.decode()) == {k: [v] for k, v in FORM}


def test_a_user_and_password_in_the_base_url_never_reach_the_host_header():
    with scripted((http11(OK), False), userinfo="ops:s3cret@") as (server, messages):
        assert messages.create(FORM) == SID
    head = server.requests[0][1].decode()
    assert f"Host: 127.0.0.1:{server.port}\r\n" in head and "s3cret" not in head


def test_a_chunked_answer_after_an_interim_one_is_read_whole():
    chunked = (b"HTTP/1.1 100 Continue\r\n\r\n"
               b"HTTP/1.1 201 CREATED\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5;ext=1\r\n" + OK[:5] + b"\r\n" + b"%x\r\n" % (len(OK) - 5) + OK[5:]
               + b"\r\n0\r\nX-Trailer: yes\r\n\r\n")
    with scripted((chunked, False), (http11(OK), False)) as (server, messages):
        assert messages.create(FORM) == SID
        assert messages.create(FORM) == SID  # the connection was left at the next answer
    assert [c for c, _, _ in server.requests] == [1, 1]


@pytest.mark.parametrize("answer", [
    b"HTTP/1.0 201 Created\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK),  # 1.0: closes
    b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK),
    b"HTTP/1.1 201 Created\r\n\r\n" + OK,  # no length: the body runs to the close
])
def test_an_answer_that_closes_the_connection_is_followed_by_a_new_one(answer):
    with scripted((answer, True), (http11(OK), False)) as (server, messages):
        assert messages.create(FORM) == SID
        assert messages.create(FORM) == SID
    assert [c for c, _, _ in server.requests] == [1, 2]


def test_an_error_answer_is_twilios_exception_and_the_connection_stays():
    refused = json.dumps({"code": 21211, "message": "Invalid 'To' Phone Number",
                          "status": 400}).encode()
    with scripted((http11(refused, "400 BAD REQUEST"), False), (http11(OK), False)) \
            as (server, messages):
        with pytest.raises(TwilioRestException) as error:
            messages.create(FORM)
        assert messages.create(FORM) == SID
    assert (error.value.status, error.value.code) == (400, 21211)
    assert "Invalid 'To' Phone Number" in error.value.msg
    assert [c for c, _, _ in server.requests] == [1, 1]


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 201 CREATED\r\nContent-Length: 500\r\n\r\n" + OK,  # cut short by the close
    b"HTTP/1.1 201 CREATED\r\nContent-Le",  # the head cut short
    b"",  # closed without a word
])
def test_an_answer_cut_short_is_unanswered(answer):
    with scripted((answer, True), (http11(OK), False)) as (server, messages):
        with pytest.raises(Unanswered):
            messages.create(FORM)
        assert messages.create(FORM) == SID  # on a new connection
    assert [c for c, _, _ in server.requests] == [1, 2]
