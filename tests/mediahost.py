"""A stand-in for a provider's media host (Twilio's api.twilio.com / CDN): a local HTTP
server that serves the bytes a test puts on it. Test apps allow exactly its origin (and its
loopback address), so media reach the workers through the same safe fetch as in production.
"""

from __future__ import annotations

import hashlib

from tests.httpstub import Recorded, StubServer


class MediaHost:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.stub = StubServer(self._answer).__enter__()

    @property
    def origin(self) -> str:
        return self.stub.url

    def put(self, data: bytes, suffix: str = ".jpg") -> str:
        """Serve `data`; return its URL, as a MediaUrlN would carry it."""
        path = f"/Media/ME{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
        self.files[path] = data
        return self.origin + path

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        body = self.files.get(request.path)
        if body is None:
            return 404, {}, b""
        return 200, {"Content-Type": "application/octet-stream"}, body


_host: MediaHost | None = None


def media_host() -> MediaHost:
    """The test process's media host, started on first use (daemon thread)."""
    global _host
    if _host is None:
        _host = MediaHost()
    return _host


def provider_media(data: bytes, suffix: str = ".jpg") -> str:
    return media_host().put(data, suffix)
