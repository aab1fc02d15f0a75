"""Media files: fetch what partners send (Twilio URLs need basic auth), store under media/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("media", __name__)
MAX_MEDIA_BYTES = 10 * 1024 * 1024
LOCAL_PREFIX = "/media/"


class MediaError(Exception):
    """The file could not be fetched, or is too large."""


def media_dir() -> Path:
    path = Path(current_app.config["MEDIA_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch(url: str, *, limit: int = MAX_MEDIA_BYTES) -> bytes:
    """Return the bytes behind `url`: a file we stored (/media/...) or a provider URL."""
    if url.startswith(LOCAL_PREFIX):
        path = (media_dir() / url.removeprefix(LOCAL_PREFIX)).resolve()
        if media_dir().resolve() not in path.parents or not path.is_file():
            raise MediaError("no such media file")
        data = path.read_bytes()
    else:
        import requests  # only to download: not at every app start

        config = current_app.config
        auth = (config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"]) \
            if config["TWILIO_ACCOUNT_SID"] else None
        try:
            response = requests.get(url, auth=auth, timeout=20, stream=True)
            response.raise_for_status()
            data = response.raw.read(limit + 1, decode_content=True)
        except requests.RequestException as exc:
            raise MediaError(f"download failed: {exc.__class__.__name__}") from exc
    if len(data) > limit:
        raise MediaError("file is larger than 10 MB")
    return data


def store(data: bytes, folder: str, suffix: str) -> str:
    """Save bytes under media/<folder>/ named by their hash; return the /media/ URL path."""
    name = hashlib.sha256(data).hexdigest()[:32] + suffix
    target = media_dir() / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    return f"{LOCAL_PREFIX}{folder}/{name}"


@bp.get("/media/<path:name>")
def serve(name: str):
    """Serve stored media (certificates, vouchers, simulator uploads) to the providers."""
    if name.startswith("inbound/"):
        abort(404)  # partners' uploads are not public
    return send_from_directory(media_dir(), name)
