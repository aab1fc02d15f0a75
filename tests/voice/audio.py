"""What the voice tests read: ffprobe's view of a note, and the (text, media URL) pairs of a
TwiML reply."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree


def probe(path: Path) -> dict:
    """ffprobe's view of an audio file: codec, duration, comment."""
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                          str(path)], capture_output=True, text=True, check=True).stdout
    stream = json.loads(out)["streams"][0]
    return {"codec": stream["codec_name"], "seconds": float(stream["duration"]),
            "comment": stream.get("tags", {}).get("comment", "")}


def media_of(response) -> list[tuple[str, str | None]]:
    """Each message of a TwiML reply as (text, media URL or None)."""
    root = ElementTree.fromstring(response.data)
    return [((m.find("Body").text if m.find("Body") is not None else m.text) or "",
             m.find("Media").text if m.find("Media") is not None else None)
            for m in root.iter("Message")]
