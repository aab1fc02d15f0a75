"""Twilio's Messages API (create) over one kept-alive connection: the form, headers and
errors of Twilio's own library without its request machinery (Twilio's client and requests
cost ~2 ms of CPU a message, a campaign's biggest share; this ~0.7 ms). http.client only
opens the connection (TLS, a proxy's tunnel): a request is written as one piece whose head
is made once, and an answer is read here (http.client parses each answer's headers with
the email package and wraps the socket anew: ~0.25 ms a message).

Not thread-safe: one per thread. The account's credentials go only to the configured host
(through the environment's proxy, if one applies, by a CONNECT tunnel); redirects are not
followed.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import select
import socket
import ssl
from base64 import b64encode
from typing import BinaryIO
from urllib.parse import unquote, urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import certifi
from twilio import __version__
from twilio.base.exceptions import TwilioRestException

TIMEOUT = 10.0
Form = list[tuple[str, str]]


class Unanswered(Exception):
    """The request went out and its answer did not come back (a timeout, a dropped
    connection): Twilio may have taken the message."""


class Messages:
    """POST {base}/2010-04-01/Accounts/{account}/Messages.json."""

    def __init__(self, base: str, account: str, token: str) -> None:
        url = urlsplit(base.rstrip("/"))
        self.https = url.scheme == "https"
        self.host = url.hostname or ""
        self.port = url.port or (443 if self.https else 80)
        self.path = f"{url.path}/2010-04-01/Accounts/{account}/Messages.json"
        self.uri = f"{url.scheme}://{url.netloc}{self.path}"
        credentials = b64encode(f"{account}:{token}".encode()).decode()
        headers = {  # what Twilio's library sends (twilio/base/client_base.py)
            "Host": url.netloc, "Accept-Encoding": "identity",
            "User-Agent": f"twilio-python/{__version__} ({platform.system()} "
                          f"{platform.machine()}) Python/{platform.python_version()}",
            "X-Twilio-Client": f"python-{__version__}", "Accept-Charset": "utf-8",
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "Authorization": f"Basic {credentials}"}
        self.head = (f"POST {self.path} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items())).encode("latin-1")
        self.connection: http.client.HTTPConnection | None = None
        self.reader: BinaryIO | None = None

    def create(self, form: Form) -> str:
        """Post one message; its sid, or TwilioRestException as Twilio's library raises it,
        or Unanswered once the request went out and no answer came back. A request that
        fails on the way is not repeated (Twilio may have taken it)."""
        body = urlencode(form).encode()
        sock, reader = self._connection()
        try:
            sock.sendall(b"%sContent-Length: %d\r\n\r\n%s" % (self.head, len(body), body))
        except BaseException:
            self._drop()
            raise
        try:
            status, answer, keep = _answer(reader)
        except (OSError, ValueError) as exc:
            self._drop()
            raise Unanswered(f"no answer from Twilio: {exc.__class__.__name__}") from exc
        except BaseException:
            self._drop()
            raise
        if not keep:
            self._drop()
        if not 200 <= status < 300:
            raise _refused(self.uri, status, answer)
        return json.loads(answer)["sid"]

    def _drop(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self.connection is not None:
            self.connection.close()
        self.connection = self.reader = None

    def _connection(self) -> tuple[socket.socket, BinaryIO]:
        """The kept-alive connection's socket and its reader, or a new connection's when the
        server closed it while idle."""
        if self.connection is not None and (self.connection.sock is None
                                            or _closed(self.connection.sock)):
            self._drop()
        if self.connection is None:
            connection = self._connect()
            try:
                connection.connect()
            except BaseException:
                connection.close()
                raise
            self.connection, self.reader = connection, connection.sock.makefile("rb")
        return self.connection.sock, self.reader

    def _connect(self) -> http.client.HTTPConnection:
        proxy = _proxy(self.host, "https" if self.https else "http")
        host, port = (proxy.hostname or "", proxy.port or 80) if proxy else \
            (self.host, self.port)
        if self.https:
            tls = ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE")
                                             or os.environ.get("CURL_CA_BUNDLE")
                                             or certifi.where())
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=TIMEOUT, context=tls)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        if proxy:
            headers = {"Proxy-Authorization": "Basic " + b64encode(
                f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()).decode()
            } if proxy.username else None
            connection.set_tunnel(self.host, self.port, headers)
        return connection


MAX_LINE = 65536  # http.client's bound on a status or header line
MAX_HEADERS = 100


def _answer(reader: BinaryIO) -> tuple[int, bytes, bool]:
    """One HTTP/1.x answer read from `reader`: its status, its body, and whether the
    connection stays open after it (HTTP/1.1 unless it says close; HTTP/1.0 only when it
    says keep-alive). ValueError for an answer that is not HTTP, OSError as the socket
    raises it (a timeout); an answer cut short is a ValueError too."""
    while True:
        version, status = _status_line(reader)
        headers = _headers(reader)
        if not 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
            break
    connection = headers.get(b"connection", b"").lower()
    keep = connection == b"keep-alive" if version == b"HTTP/1.0" else connection != b"close"
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        return status, _chunked(reader), keep
    if (length := headers.get(b"content-length")) is not None:
        return status, _exactly(reader, int(length)), keep
    if status in (204, 304):
        return status, b"", keep
    return status, reader.read(), False  # the body runs to the connection's close


def _status_line(reader: BinaryIO) -> tuple[bytes, int]:
    line = reader.readline(MAX_LINE + 1)
    version, _, rest = line.partition(b" ")
    code = rest[:3]
    if not version.startswith(b"HTTP/1.") or len(line) > MAX_LINE or not code.isdigit():
        raise ValueError(f"not an HTTP answer: {line[:40]!r}")
    return version, int(code)


def _headers(reader: BinaryIO) -> dict[bytes, bytes]:
    """The answer's headers by their lowercased names (a repeated one: its last value)."""
    headers = {}
    for _ in range(MAX_HEADERS + 1):
        line = reader.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):
            return headers
        name, colon, value = line.partition(b":")
        if not colon or len(line) > MAX_LINE:
            raise ValueError("a header line cut short or too long")
        headers[name.strip().lower()] = value.strip()
    raise ValueError(f"over {MAX_HEADERS} headers")


def _exactly(reader: BinaryIO, count: int) -> bytes:
    data = reader.read(count)
    if len(data) != count:
        raise ValueError(f"{len(data)} of {count} bytes")
    return data


def _chunked(reader: BinaryIO) -> bytes:
    """A body sent in chunks (RFC 9112, 7.1), its trailer read and left aside."""
    parts = []
    while size := int(reader.readline(MAX_LINE + 1).split(b";", 1)[0], 16):
        parts.append(_exactly(reader, size))
        _exactly(reader, 2)  # the chunk's CRLF
    _headers(reader)
    return b"".join(parts)


def _closed(sock) -> bool:
    """Whether an idle kept-alive socket has something to read: the server's close."""
    return bool(select.select([sock], [], [], 0)[0])


def _proxy(host: str, scheme: str):
    """The environment's proxy for `host` (HTTPS_PROXY, NO_PROXY ...), as requests used it."""
    proxy = getproxies().get(scheme)
    return None if not proxy or proxy_bypass(host) else urlsplit(proxy)


def _refused(uri: str, status: int, body: bytes) -> TwilioRestException:
    """Twilio's library's exception for an error answer (twilio/base/version.py)."""
    message = "Unable to create record"
    try:
        error = json.loads(body)
    except ValueError:
        error = None
    if not isinstance(error, dict):
        return TwilioRestException(status, uri, message, status, "POST")
    if "message" in error:
        message = f"{message}: {error['message']}"
    return TwilioRestException(status, uri, message, error.get("code", status), "POST",
                               error.get("details"))
