"""Media files: fetch what partners send (from the provider's media hosts only, see
bot/safe_fetch.py; Twilio's URLs, or a Cloud API media id by two requests), store under
media/, serve what we generate."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from urllib3.util import make_headers

from bot import safe_fetch

bp = Blueprint("media", __name__)
log = logging.getLogger("saathi.media")
MAX_MEDIA_BYTES = 10 * 1024 * 1024
LOCAL_PREFIX = "/media/"
CERTIFICATES = "certificates"
VOICE = "voice"
SALES = "sales"  # uploaded sales files, kept until their import job is done with them
PRIVATE = ("inbound/", f"{SALES}/")  # partners' uploads and sales files: never served
MAX_SENT_BYTES = 100 * 1024  # every image or audio we send: WhatsApp media stays small


class MediaError(Exception):
    """The file could not be fetched, or is too large."""


def media_dir() -> Path:
    path = Path(current_app.config["MEDIA_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def twilio_rule(limit: int = MAX_MEDIA_BYTES) -> safe_fetch.Rule:
    """Where Twilio's MediaUrls may lead: its media hosts (settings), its basic auth sent to
    the auth hosts only."""
    config = current_app.config
    credentials = make_headers(basic_auth=f"{config['TWILIO_ACCOUNT_SID']}:"
                                          f"{config['TWILIO_AUTH_TOKEN']}") \
        if config["TWILIO_ACCOUNT_SID"] else {}
    return safe_fetch.Rule.build(
        config["TWILIO_MEDIA_HOSTS"], credential_hosts=config["TWILIO_MEDIA_AUTH_HOSTS"],
        credentials=credentials, private_networks=config["MEDIA_FETCH_PRIVATE_NETWORKS"],
        max_bytes=limit, seconds=config["MEDIA_FETCH_SECONDS"])


def meta_rule(hosts: list[str], limit: int) -> safe_fetch.Rule:
    """Where a Cloud API media download may go: `hosts`, with the bearer token sent to them
    (and nowhere else: a redirect elsewhere goes without it)."""
    config = current_app.config
    token = {"Authorization": f"Bearer {config['WHATSAPP_ACCESS_TOKEN']}"}
    return safe_fetch.Rule.build(
        hosts, credential_hosts=hosts, credentials=token,
        private_networks=config["MEDIA_FETCH_PRIVATE_NETWORKS"], max_bytes=limit,
        seconds=config["MEDIA_FETCH_SECONDS"])


def _graph_media_url(url: str) -> str | None:
    """The Graph API's URL for a Cloud API media id (what bot/channels/cloud.py stores as
    the media's URL), or None for any other URL."""
    base = current_app.config["WHATSAPP_GRAPH_BASE"].rstrip("/") + "/"
    media_id = url.removeprefix(base)
    return url if url.startswith(base) and media_id.isdigit() else None


def _fetch_meta(url: str, limit: int) -> bytes:
    """Two requests, both with the bearer token: the media id's JSON (its short-lived
    download URL, type and size), then the file at that URL on Meta's media hosts."""
    graph = current_app.config["WHATSAPP_GRAPH_BASE"]
    found = safe_fetch.fetch(url, meta_rule([graph], 64 * 1024)).data
    try:
        info = json.loads(found)
        download, size = info["url"], int(info.get("file_size") or 0)
    except (ValueError, KeyError, TypeError) as exc:
        raise safe_fetch.FetchError("the media id's answer is not Meta's JSON") from exc
    if not isinstance(download, str):
        raise safe_fetch.FetchError("the media id's answer has no URL")
    if size > limit:
        raise safe_fetch.TooLarge(f"{size} bytes")
    return safe_fetch.fetch(download, meta_rule(current_app.config["WHATSAPP_MEDIA_HOSTS"],
                                                limit)).data


def fetch(url: str, *, limit: int = MAX_MEDIA_BYTES, rule: safe_fetch.Rule | None = None
          ) -> bytes:
    """Return the bytes behind `url`: a file we stored (/media/..., simulator uploads) or a
    provider URL fetched under `rule` (Twilio's by default)."""
    if url.startswith(LOCAL_PREFIX):
        path = (media_dir() / url.removeprefix(LOCAL_PREFIX)).resolve()
        if media_dir().resolve() not in path.parents or not path.is_file():
            raise MediaError("no such media file")
        data = path.read_bytes()
        if len(data) > limit:
            raise MediaError("file is larger than 10 MB")
        return data
    try:
        if rule is None and _graph_media_url(url):
            return _fetch_meta(url, limit)
        return safe_fetch.fetch(url, rule or twilio_rule(limit)).data
    except safe_fetch.TooLarge as exc:
        raise MediaError("file is larger than 10 MB") from exc
    except safe_fetch.Refused as exc:
        log.warning("media fetch refused", extra={"reason": str(exc)})
        raise MediaError(f"refused: {exc}") from exc
    except safe_fetch.FetchError as exc:
        raise MediaError(f"download failed: {exc}") from exc


def store(data: bytes, folder: str, suffix: str) -> str:
    """Save bytes under media/<folder>/ named by their hash; return the /media/ URL path."""
    return store_as(data, folder, hashlib.sha256(data).hexdigest()[:32] + suffix)


def store_as(data: bytes, folder: str, name: str) -> str:
    """Save bytes as media/<folder>/<name> (written whole, then renamed into place)."""
    target = media_dir() / folder
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f".{name}.partial"
    partial.write_bytes(data)
    partial.replace(target / name)
    return f"{LOCAL_PREFIX}{folder}/{name}"


def kept(relative: str) -> Path:
    """The file at `relative` under MEDIA_DIR (an uploaded sales file a job reads)."""
    return media_dir() / relative


class MediaTooLarge(ValueError):
    """An image or audio we made is over MAX_SENT_BYTES: it must not be sent."""


def small_enough(data: bytes, what: str) -> bytes:
    """`data` unchanged if it is under MAX_SENT_BYTES (every image or audio Saathi sends)."""
    if len(data) >= MAX_SENT_BYTES:
        raise MediaTooLarge(f"{what} is {len(data)} bytes, over {MAX_SENT_BYTES}")
    return data


def module_media_problems(spec) -> list[str]:
    """A program's module images (ProgramSpec) that are missing or too large to send; a link
    to another host is that host's business."""
    found = []
    for module in spec.tracks.modules if spec.tracks else ():
        if module.media is None or not module.media.startswith(LOCAL_PREFIX):
            continue
        path = stored(module.media)
        size = path.stat().st_size if path else 0
        if path is None or size >= MAX_SENT_BYTES:
            found.append(f"module {module.id}: media {module.media} " + (
                "not found" if path is None else f"is {size} bytes, over {MAX_SENT_BYTES}"))
    return found


def voice_url(lang: str, text: str) -> str:
    """Where the voice note saying `text` in `lang` is served: named by a hash of both, so a
    changed text gets a new note and an unchanged one is made once (workers/speech)."""
    digest = hashlib.sha256(f"{lang}\n{' '.join(text.split())}".encode()).hexdigest()[:32]
    return f"{LOCAL_PREFIX}{VOICE}/{digest}.ogg"


def stored(url: str) -> Path | None:
    """The file behind a /media/ URL we generated, if it is there."""
    path = media_dir() / url.removeprefix(LOCAL_PREFIX)
    return path if url.startswith(LOCAL_PREFIX) and path.is_file() else None


def certificate_url(public_id: str) -> str:
    """Where a certificate's image is served: known before it is drawn (by a job, after the
    certificate's transaction commits), so a reply can carry it at once."""
    return f"{LOCAL_PREFIX}{CERTIFICATES}/{public_id}.png"


@bp.get("/media/<path:name>")
def serve(name: str):
    """Serve stored media (certificates, vouchers, simulator uploads) to the providers."""
    if name.startswith(PRIVATE):
        abort(404)
    return send_from_directory(media_dir(), name)
