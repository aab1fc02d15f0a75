"""A local HTTP server that records every request and answers as the test says.

Stands in for services outside this machine (Twilio's REST API, payout providers,
media hosts) so tests can check the exact requests Saathi makes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseServer

# How often a serving thread looks whether it was told to stop: shutdown() waits for that
# look, up to half a second at the standard library's default, after each test that ends one.
STOP_POLL_SECONDS = 0.02


def serve_in_background(server: BaseServer) -> threading.Thread:
    """Serve `server` on a daemon thread (returned, started) that its shutdown() stops at once."""
    thread = threading.Thread(target=server.serve_forever, daemon=True,
                              kwargs={"poll_interval": STOP_POLL_SECONDS})
    thread.start()
    return thread


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes]
Responder = Callable[[Recorded], Answer]


class StubServer:
    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.requests: list[Recorded] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(self.command, self.path, dict(self.headers.items()),
                                    self.rfile.read(length))
                stub.requests.append(recorded)
                status, headers, body = stub.responder(recorded)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_PUT = _handle

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # a handler told to hang must not hold up shutdown

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StubServer:
        serve_in_background(self.server)
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
