"""Voice notes for partners who listen rather than read: each module part and quiz question
as WhatsApp audio (OGG/Opus, under 100 KB for a minute of speech). A recording named in the
program file is used when there is one; otherwise speech is generated offline with espeak-ng
(Debian) and marked as generated in the file's metadata. Notes are made once, when a program
loads, and kept under media/voice/ by a hash of their words: never while a partner waits.

    prepare(content, languages, programs_dir, media_root) -> Prepared
"""

from __future__ import annotations

from workers.speech.notes import Prepared, prepare
from workers.speech.voices import voice_for

__all__ = ["Prepared", "prepare", "voice_for"]
