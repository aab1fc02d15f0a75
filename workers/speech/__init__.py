"""Voice notes for partners who listen rather than read: each module part, quiz question and
menu, and the replies with figures in them (quiz results, redemption confirmation), as WhatsApp
audio (OGG/Opus, under 100 KB for a minute of speech). A recording named in the
program file is used when there is one; otherwise speech is generated offline with espeak-ng
(Debian) and marked as generated in the file's metadata. Notes are made once, when a program
loads (the fixed words) or in a job after the text reply (the words with figures), and kept
under media/voice/ by a hash of their words: never while a partner waits.

    prepare_program(spec, languages, programs_dir) -> Prepared   # at load
    speak(lang, text) -> url | None                              # in a job
"""

from __future__ import annotations

from workers.speech.notes import Prepared, SpeechError, prepare, speak
from workers.speech.programs import prepare_program
from workers.speech.voices import voice_for

__all__ = ["Prepared", "SpeechError", "prepare", "prepare_program", "speak", "voice_for"]
