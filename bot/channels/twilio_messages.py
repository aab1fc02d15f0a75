"""Twilio's Messages API (create) over one kept-alive connection: the form, headers and
errors of Twilio's own library without its request machinery (Twilio's client and requests
cost ~2 ms of CPU a message, a campaign's biggest share; this ~0.7 ms). http.client only
opens the connection (TLS, a proxy's tunnel): a request is written as one piece whose head
is made once, and its answer is read by httptools (llhttp, Node's HTTP parser, in C; the
parser uvicorn uses): http.client parses each answer's headers with the email package and
wraps the socket anew, ~0.25 ms a message.

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
from urllib.parse import unquote, urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import certifi
import httptools
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
        authority = url.netloc.rpartition("@")[2]  # no user:password of a URL in Host
        self.uri = f"{url.scheme}://{authority}{self.path}"
        credentials = b64encode(f"{account}:{token}".encode()).decode()
        headers = {  # what Twilio's library sends (twilio/base/client_base.py)
            "Host": authority, "Accept-Encoding": "identity",
            "User-Agent": f"twilio-python/{__version__} ({platform.system()} "
                          f"{platform.machine()}) Python/{platform.python_version()}",
            "X-Twilio-Client": f"python-{__version__}", "Accept-Charset": "utf-8",
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "Authorization": f"Basic {credentials}"}
        self.head = (f"POST {self.path} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items())).encode("latin-1")
        self.connection: http.client.HTTPConnection | None = None

    def create(self, form: Form) -> str:
        """Post one message; its sid, or TwilioRestException as Twilio's library raises it,
        or Unanswered once the request went out and no answer came back. A request that
        fails on the way is not repeated (Twilio may have taken it)."""
        body = urlencode(form).encode()
        sock = self._connection()
        try:
            sock.sendall(b"%sContent-Length: %d\r\n\r\n%s" % (self.head, len(body), body))
        except BaseException:
            self._drop()
            raise
        try:
            status, answer, keep = _answer(sock)
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
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def _connection(self) -> socket.socket:
        """The kept-alive connection's socket, or a new connection's when the server closed
        it while idle."""
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
            self.connection = connection
        return self.connection.sock

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


RECEIVE = 65536
MAX_BODY = 1 << 20  # Twilio's answer is a message's JSON: a few KB


class _Answer:
    """httptools' callbacks for one answer on the connection; interim answers (100
    Continue) are passed over."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.status, self.keep, self.size = 0, False, 0
        self.body: list[bytes] = []
        self.framed = False  # a length or chunks end the body (else the connection's close)
        self.final = self.complete = False

    def on_message_begin(self) -> None:
        self.framed, self.body, self.size = False, [], 0

    def on_header(self, name: bytes, _value: bytes) -> None:
        self.framed |= name.lower() in (b"content-length", b"transfer-encoding")

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        self.keep = self.parser.should_keep_alive()  # (only right before the body)
        self.final = not 100 <= self.status < 200

    def on_body(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > MAX_BODY:
            raise ValueError(f"an answer over {MAX_BODY} bytes")
        self.body.append(data)

    def on_message_complete(self) -> None:
        self.complete = self.final


def _answer(sock: socket.socket) -> tuple[int, bytes, bool]:
    """One HTTP/1.x answer read from `sock`: its status, its body, and whether the
    connection stays open after it. ValueError for an answer that is not HTTP or is cut
    short, OSError as the socket raises it (a timeout)."""
    answer = _Answer()
    while not answer.complete:
        data = sock.recv(RECEIVE)
        if not data:
            if answer.final and not answer.framed:  # the body ran to the connection's close
                return answer.status, b"".join(answer.body), False
            raise ValueError("the answer was cut short")
        try:
            answer.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            raise ValueError(f"not an HTTP answer: {exc}") from exc
    return answer.status, b"".join(answer.body), answer.keep


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
