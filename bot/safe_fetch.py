"""Fetch a file from a provider's media host under one rule, for every channel.

A URL a partner's message carries is chosen by whoever sent the request, so it is fetched
only if the rule allows it:
- the scheme, host and port are on the rule's list (`api.twilio.com` means https on 443;
  `http://host:port` allows exactly that), and the URL carries no user:password@;
- every address the host resolves to is public (not private, loopback, link-local, shared,
  multicast, reserved, nor an IPv6 wrapper around one of those), unless it lies in one of
  the rule's `private_networks`; and the connection goes to the address that was checked
  (TLS still verifies the certificate for the host name), so DNS cannot answer differently
  between the check and the connection;
- credentials (headers such as Twilio's basic auth) go only to the rule's credential hosts,
  and only on the first request: redirects are followed by hand, to allowed hosts only,
  without them;
- the body is capped in bytes, and the whole fetch (every hop, every read) in seconds.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(Exception):
    """The file could not be fetched: the server failed, was too slow, or sent too much."""


class Refused(FetchError):
    """The rule does not allow this URL (scheme, host, port or address)."""


class TooLarge(FetchError):
    """The file is larger than the rule allows."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, entry: str) -> Origin:
        """Read a list entry: a bare host means https on 443; else scheme://host[:port]."""
        url = entry.strip() if "://" in entry else f"https://{entry.strip()}"
        return _Target.parse(url).origin


@dataclass(frozen=True)
class _Target:
    origin: Origin
    path: str  # path and query, as sent in the request line

    @classmethod
    def parse(cls, url: str) -> _Target:
        if not url.isascii() or any(c <= " " or c == "\x7f" for c in url):
            raise Refused("the URL has spaces, control or non-ASCII characters")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise Refused(f"scheme {scheme or '(none)'} is not fetched")
        if parts.username is not None or parts.password is not None:
            raise Refused("the URL carries a user name or password")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as exc:
            raise Refused("the URL has a bad port") from exc
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise Refused("the URL has no host")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(Origin(scheme, host, port), path)

    @property
    def host_header(self) -> str:
        host = f"[{self.origin.host}]" if ":" in self.origin.host else self.origin.host
        default = DEFAULT_PORTS[self.origin.scheme] == self.origin.port
        return host if default else f"{host}:{self.origin.port}"


def resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (IP literals, in any of the forms
    inet_aton accepts such as 2130706433, resolve to themselves)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _translated_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped or NAT64 (DNS64) address stands for."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF) if address in _NAT64 else None


def is_public(address: Address) -> bool:
    """True if `address` is reachable on the public internet and nothing else."""
    if isinstance(address, ipaddress.IPv6Address):
        translated = _translated_ipv4(address)
        if translated is not None:  # the IPv4 address it reaches decides
            return is_public(translated)
        tunnelled = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if tunnelled is not None and not is_public(tunnelled):
            return False
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified)


@dataclass(frozen=True)
class Rule:
    """Where fetches may go and what they may carry; see the module docstring."""

    hosts: tuple[Origin, ...]
    credential_hosts: tuple[Origin, ...] = ()
    credentials: tuple[tuple[str, str], ...] = ()  # header name, value
    max_bytes: int = 10 * 1024 * 1024
    seconds: float = 20.0
    max_redirects: int = 3
    private_networks: tuple[Network, ...] = ()
    resolver: Callable[[str, int], list[str]] = field(default=resolve, compare=False)
    ca_file: str | None = None  # certificates to trust instead of certifi's (tests)

    @classmethod
    def build(cls, hosts: Iterable[str], *, credential_hosts: Iterable[str] = (),
              credentials: dict[str, str] | None = None,
              private_networks: Iterable[str] = (), **options) -> Rule:
        """A rule from settings' strings: host entries and CIDR networks."""
        return cls(hosts=tuple(Origin.parse(h) for h in hosts),
                   credential_hosts=tuple(Origin.parse(h) for h in credential_hosts),
                   credentials=tuple((credentials or {}).items()),
                   private_networks=tuple(ipaddress.ip_network(n) for n in private_networks),
                   **options)

    def address_allowed(self, address: Address) -> bool:
        return is_public(address) or any(address in net for net in self.private_networks)


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str
    url: str  # after redirects


def fetch(url: str, rule: Rule) -> Fetched:
    """Return the file at `url` if `rule` allows every hop; raise Refused, TooLarge or
    FetchError otherwise."""
    deadline = time.monotonic() + rule.seconds
    target = _Target.parse(url)
    headers = dict(rule.credentials) if target.origin in rule.credential_hosts else {}
    for _hop in range(rule.max_redirects + 1):
        if target.origin not in rule.hosts:
            raise Refused(f"{target.origin.scheme}://{target.origin.host}:"
                          f"{target.origin.port} is not an allowed media host")
        response = _open(target, _addresses(target.origin, rule), headers, rule, deadline)
        try:  # one request per connection: closed, never pooled
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status} without a Location")
                url, headers = urljoin(url, location), {}  # credentials never follow
                target = _Target.parse(url)
                continue
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            data = _read(response, rule, deadline)
            return Fetched(data, response.headers.get("Content-Type", ""), url)
        finally:
            response.close()
    raise FetchError(f"more than {rule.max_redirects} redirects")


def _addresses(origin: Origin, rule: Rule) -> list[Address]:
    """The host's addresses, every one of them allowed (a mixed answer is refused whole)."""
    try:
        found = [ipaddress.ip_address(a) for a in rule.resolver(origin.host, origin.port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchError(f"{origin.host} does not resolve") from exc
    if not found:
        raise FetchError(f"{origin.host} does not resolve")
    barred = [str(a) for a in found if not rule.address_allowed(a)]
    if barred:
        raise Refused(f"{origin.host} resolves to a non-public address {barred[0]}")
    return found


def _open(target: _Target, addresses: list[Address], headers: dict[str, str], rule: Rule,
          deadline: float) -> urllib3.BaseHTTPResponse:
    """Send the GET to the first checked address that answers."""
    failure: Exception | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        pool = _pool(target.origin, str(address), rule, remaining)
        try:
            return pool.urlopen(
                "GET", target.path, redirect=False, retries=False, preload_content=False,
                assert_same_host=False,
                headers={"Host": target.host_header, "Accept-Encoding": "identity",
                         "User-Agent": "Saathi", **headers})
        except HTTPError as exc:
            failure = exc
    raise FetchError(f"{target.origin.host} did not answer in time: "
                     f"{failure.__class__.__name__ if failure else 'timeout'}") from failure


def _pool(origin: Origin, address: str, rule: Rule, seconds: float
          ) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=seconds, read=seconds)
    if origin.scheme == "http":
        return urllib3.HTTPConnectionPool(address, origin.port, timeout=timeout, retries=False)
    return urllib3.HTTPSConnectionPool(
        address, origin.port, timeout=timeout, retries=False, cert_reqs="CERT_REQUIRED",
        ca_certs=rule.ca_file or certifi.where(), server_hostname=origin.host,
        assert_hostname=origin.host)


def _read(response: urllib3.BaseHTTPResponse, rule: Rule, deadline: float) -> bytes:
    """The body, refused past `rule.max_bytes` or past the deadline (each read waits at most
    the time that is left, so a server sending a byte at a time cannot stretch it)."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise FetchError(f"the body is {encoding}-encoded")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > rule.max_bytes:
        raise TooLarge(f"{length} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"not done within {rule.seconds:g} s")
            sock = getattr(response.connection, "sock", None)
            if sock is not None:
                sock.settimeout(remaining)
            chunk = response.read1(CHUNK, decode_content=False)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > rule.max_bytes:
                raise TooLarge(f"over {rule.max_bytes} bytes")
            chunks.append(chunk)
    except HTTPError as exc:
        raise FetchError(f"reading failed: {exc.__class__.__name__}") from exc
