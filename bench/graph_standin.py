"""A Graph API stand-in for the benchmarks: answers every POST /{id}/messages with a new wamid
and counts them (HTTP/1.1 keep-alive, so the senders' pooled connections are reused)."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class GraphStandIn:
    def __init__(self) -> None:
        self.count = itertools.count(1)
        self.received = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"messaging_product": "whatsapp", "messages": [
                    {"id": f"wamid.BENCH{next(stand_in.count):012d}"}]}).encode()
                stand_in.received += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"

    def close(self) -> None:
        self.server.shutdown()
