"""Partners' media are fetched only from the provider's media hosts: never from an address
inside (in any spelling, directly, by DNS or by redirect), credentials only where they are
needed, within a size and a time limit. Local servers stand in for the hosts."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from bot import media, safe_fetch
from bot.config import load_settings
from tests.httpstub import Recorded, StubServer, serve_in_background

SID = "AC" + "2" * 32
LOOPBACK = ["127.0.0.1/32"]


def _ok(request: Recorded) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "image/jpeg"}, b"inside secret"


@pytest.fixture
def inside() -> Iterator[StubServer]:
    """A server inside the network that must never be reached."""
    with StubServer(_ok) as server:
        yield server


@pytest.fixture
def production_rules(app) -> None:
    """The shipped defaults, with Twilio credentials set (so a leak would show)."""
    defaults = load_settings({})
    app.config.update(TWILIO_ACCOUNT_SID=SID, **{
        key: defaults[key] for key in ("TWILIO_MEDIA_HOSTS", "TWILIO_MEDIA_AUTH_HOSTS",
                                       "MEDIA_FETCH_PRIVATE_NETWORKS")})


def test_the_defaults_are_twilios_hosts_over_https_and_no_private_network():
    defaults = load_settings({})
    assert defaults["TWILIO_MEDIA_HOSTS"] == ["api.twilio.com", "mms.twiliocdn.com"]
    assert defaults["TWILIO_MEDIA_AUTH_HOSTS"] == ["api.twilio.com"]
    assert defaults["MEDIA_FETCH_PRIVATE_NETWORKS"] == []


def test_every_spelling_of_an_inside_address_is_refused(app, production_rules, inside):
    port = inside.server.server_address[1]
    urls = [f"http://127.0.0.1:{port}/x", f"http://localhost:{port}/x",
            f"http://2130706433:{port}/x", f"http://0177.0.0.1:{port}/x",
            f"http://0x7f000001:{port}/x", f"http://127.1:{port}/x", f"http://[::1]:{port}/",
            f"http://[::ffff:127.0.0.1]:{port}/x", "http://169.254.169.254/latest/meta-data/",
            "https://127.0.0.1/x", f"https://api.twilio.com@127.0.0.1:{port}/x",
            f"http://api.twilio.com:{port}/x", "http://api.twilio.com/x",
            "https://api.twilio.com.evil.test/x", "ftp://api.twilio.com/x", "file:///etc/passwd",
            "https://api.twilio.com/x\r\nHost: 127.0.0.1", "/etc/passwd"]
    for url in urls:
        with pytest.raises(media.MediaError):
            media.fetch(url)
    assert inside.requests == []


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
    "2001:db8::1", "::127.0.0.1",
])
def test_non_public_addresses_are_refused(address):
    assert not safe_fetch.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "54.172.60.1", "2600:1f18::1",
                                     "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    assert safe_fetch.is_public(ipaddress.ip_address(address))


def _rule(origin: str, answers: Callable[[str, int], list[str]], **options) -> safe_fetch.Rule:
    """A rule for `origin` whose DNS answers are `answers(host, port)`."""
    return replace(safe_fetch.Rule.build([origin], **options), resolver=answers)


def test_an_allowed_host_whose_name_resolves_inside_is_refused(inside):
    port = inside.server.server_address[1]
    for answer in (["127.0.0.1"], ["10.0.0.7"], ["93.184.216.34", "127.0.0.1"]):
        rule = _rule(f"http://media.test:{port}", lambda host, port, a=answer: a)
        with pytest.raises(safe_fetch.Refused, match="non-public"):
            safe_fetch.fetch(f"http://media.test:{port}/x", rule)
    assert inside.requests == []


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "localhost",
                                  "[::ffff:7f00:1]"])
def test_numeric_spellings_on_the_list_still_resolve_to_an_inside_address(inside, host):
    """Even a list that names such a host is not enough: the address decides."""
    port = inside.server.server_address[1]
    rule = safe_fetch.Rule.build([f"http://{host}:{port}"])
    with pytest.raises(safe_fetch.Refused, match="non-public"):
        safe_fetch.fetch(f"http://{host}:{port}/x", rule)
    assert inside.requests == []


def test_the_connection_goes_to_the_address_that_was_checked(inside):
    """DNS rebinding: the first answer is checked and used; a second look-up (which would
    answer elsewhere) never happens. `media.test` has no DNS at all, so only a connection to
    the checked address can succeed."""
    port = inside.server.server_address[1]
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    asked: list[str] = []

    def rebinding(host: str, _port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    rule = _rule(f"http://media.test:{port}", rebinding, private_networks=LOOPBACK)
    assert safe_fetch.fetch(f"http://media.test:{port}/x", rule).data == b"inside secret"
    assert asked == ["media.test"]
    assert inside.requests[0].headers["Host"] == f"media.test:{port}"


def _redirect_to(location: str) -> Callable[[Recorded], tuple[int, dict[str, str], bytes]]:
    return lambda request: (307, {"Location": location}, b"")


def test_credentials_go_to_the_auth_host_only_and_never_across_a_redirect(app):
    with StubServer(_ok) as cdn, \
            StubServer(_redirect_to("CDN/file?Expires=1&Signature=x")) as api:
        api.responder = _redirect_to(f"{cdn.url}/file?Expires=1&Signature=x")
        app.config.update(TWILIO_ACCOUNT_SID=SID, TWILIO_MEDIA_HOSTS=[api.url, cdn.url],
                          TWILIO_MEDIA_AUTH_HOSTS=[api.url])
        assert media.fetch(f"{api.url}/Media/ME1") == b"inside secret"
        assert media.fetch(f"{cdn.url}/direct") == b"inside secret"
    assert api.requests[0].headers["authorization"].startswith("Basic ")
    assert [r.path for r in cdn.requests] == ["/file?Expires=1&Signature=x", "/direct"]
    assert not any("authorization" in {k.lower() for k in r.headers} for r in cdn.requests)


@pytest.mark.parametrize("target", ["inside", "http://169.254.169.254/latest/meta-data/",
                                    "http://localhost:{port}/", "file:///etc/passwd"])
def test_a_redirect_off_the_list_is_not_followed(app, inside, target):
    port = inside.server.server_address[1]
    location = inside.url + "/x" if target == "inside" else target.format(port=port)
    with StubServer(_redirect_to(location)) as api:
        app.config.update(TWILIO_ACCOUNT_SID=SID, TWILIO_MEDIA_HOSTS=[api.url],
                          TWILIO_MEDIA_AUTH_HOSTS=[api.url])
        with pytest.raises(media.MediaError, match="refused"):
            media.fetch(f"{api.url}/Media/ME1")
    assert inside.requests == []


def test_redirects_are_followed_a_few_times_only(app):
    with StubServer(_redirect_to("/again")) as api:
        app.config.update(TWILIO_MEDIA_HOSTS=[api.url])
        with pytest.raises(media.MediaError, match="redirects"):
            media.fetch(f"{api.url}/Media/ME1")
    assert len(api.requests) == 4


class _Raw(BaseHTTPRequestHandler):
    """Answers with whatever `script` writes to the socket (no Content-Length, slow, …)."""

    script: Callable[[BaseHTTPRequestHandler], None]

    def do_GET(self) -> None:
        self.script(self)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(script: Callable[[BaseHTTPRequestHandler], None]) -> str:
        handler = type("Scripted", (_Raw,), {"script": staticmethod(script)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        serve_in_background(server)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _headers_only(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()


def _endless(handler: BaseHTTPRequestHandler) -> None:
    _headers_only(handler)
    try:
        while True:
            handler.wfile.write(b"x" * 65536)
    except OSError:
        pass


def _dribble(handler: BaseHTTPRequestHandler) -> None:
    _headers_only(handler)
    try:
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def _silent(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(10)


def _lying_length(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(50 * 1024 * 1024))
    handler.end_headers()


def test_a_body_without_a_length_is_cut_at_the_limit(raw_server):
    origin = raw_server(_endless)
    rule = safe_fetch.Rule.build([origin], private_networks=LOOPBACK, max_bytes=200_000)
    with pytest.raises(safe_fetch.TooLarge):
        safe_fetch.fetch(f"{origin}/big", rule)


def test_a_declared_length_over_the_limit_is_refused_before_reading(raw_server):
    origin = raw_server(_lying_length)
    rule = safe_fetch.Rule.build([origin], private_networks=LOOPBACK)
    with pytest.raises(safe_fetch.TooLarge, match=str(50 * 1024 * 1024)):
        safe_fetch.fetch(f"{origin}/big", rule)


@pytest.mark.parametrize("script", [_dribble, _silent])
def test_the_whole_fetch_is_cut_at_the_time_limit(raw_server, script):
    origin = raw_server(script)
    # half a second: still longer than the dribble's 0.2 s between bytes, which a limit on
    # each read alone would never cut
    rule = safe_fetch.Rule.build([origin], private_networks=LOOPBACK, seconds=0.5)
    started = time.monotonic()
    with pytest.raises(safe_fetch.FetchError):
        safe_fetch.fetch(f"{origin}/slow", rule)
    assert time.monotonic() - started < 1.3


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _https_server(ca: trustme.CA, name: str) -> tuple[ThreadingHTTPServer, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    handler = type("Tls", (_Raw,), {"script": staticmethod(
        lambda h: (h.send_response(200), h.send_header("Content-Length", "2"),
                   h.end_headers(), h.wfile.write(b"ok")))})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    serve_in_background(server)
    return server, server.server_address[1]


def test_https_checks_the_certificate_for_the_host_name_at_the_checked_address(ca, tmp_path):
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    right, right_port = _https_server(ca, "media.test")
    wrong, wrong_port = _https_server(ca, "other.test")
    try:
        def rule(port: int, **options) -> safe_fetch.Rule:
            return _rule(f"media.test:{port}", lambda host, p: ["127.0.0.1"],
                         private_networks=LOOPBACK, **options)

        assert safe_fetch.fetch(f"https://media.test:{right_port}/f",
                                rule(right_port, ca_file=str(pem))).data == b"ok"
        with pytest.raises(safe_fetch.FetchError):  # a certificate for another name
            safe_fetch.fetch(f"https://media.test:{wrong_port}/f",
                             rule(wrong_port, ca_file=str(pem)))
        with pytest.raises(safe_fetch.FetchError):  # a CA the system does not trust
            safe_fetch.fetch(f"https://media.test:{right_port}/f", rule(right_port))
    finally:
        for server in (right, wrong):
            server.shutdown()
            server.server_close()


def test_a_host_that_does_not_resolve_is_a_fetch_error():
    rule = safe_fetch.Rule.build(["http://no-such-host.invalid"])
    with pytest.raises(safe_fetch.FetchError, match="does not resolve"):
        safe_fetch.fetch("http://no-such-host.invalid/x", rule)


def test_a_closed_port_is_a_fetch_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rule = safe_fetch.Rule.build([f"http://127.0.0.1:{port}"], private_networks=LOOPBACK,
                                 seconds=2)
    with pytest.raises(safe_fetch.FetchError):
        safe_fetch.fetch(f"http://127.0.0.1:{port}/x", rule)
