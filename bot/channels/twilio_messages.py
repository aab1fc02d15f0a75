"""Twilio's Messages API (create) over one kept-alive connection: the form, headers and
errors of Twilio's own library without its request machinery (Twilio's client and requests
cost ~2 ms of CPU a message, a campaign's biggest share; this ~0.7 ms).

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
import ssl
from base64 import b64encode
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
        self.headers = {  # what Twilio's library sends (twilio/base/client_base.py)
            "User-Agent": f"twilio-python/{__version__} ({platform.system()} "
                          f"{platform.machine()}) Python/{platform.python_version()}",
            "X-Twilio-Client": f"python-{__version__}", "Accept-Charset": "utf-8",
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "Authorization": f"Basic {credentials}"}
        self.connection: http.client.HTTPConnection | None = None

    def create(self, form: Form) -> str:
        """Post one message; its sid, or TwilioRestException as Twilio's library raises it,
        or Unanswered once the request went out and no answer came back. A request that
        fails on the way is not repeated (Twilio may have taken it)."""
        connection = self._connection()
        try:
            connection.request("POST", self.path, urlencode(form), self.headers)
        except BaseException:
            self._drop(connection)
            raise
        try:
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop(connection)
            raise Unanswered(f"no answer from Twilio: {exc.__class__.__name__}") from exc
        except BaseException:
            self._drop(connection)
            raise
        if not 200 <= response.status < 300:
            raise _refused(self.uri, response.status, body)
        return json.loads(body)["sid"]

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self.connection = None

    def _connection(self) -> http.client.HTTPConnection:
        """The kept-alive connection, or a new one when the server closed it while idle."""
        kept = self.connection
        if kept is not None and (kept.sock is None or _closed(kept.sock)):
            kept.close()
            kept = None
        if kept is None:
            kept = self.connection = self._connect()
        return kept

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
