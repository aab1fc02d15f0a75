"""Every conversation under tests/transcripts/ (one file each), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transcripts.runner import Transcript

HERE = Path(__file__).parent
FILES = sorted(HERE.rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(HERE).with_suffix("").as_posix()
                                              for p in FILES])
def test_transcript(app, twilio, clock, path: Path) -> None:
    transcript = Transcript(path, twilio, clock)
    assert transcript.run() == len(transcript.doc["chat"]) > 0  # every step played, checked
