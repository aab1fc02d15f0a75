"""Make voice notes: speak (espeak-ng) or take a recording, encode to OGG/Opus with ffmpeg,
check the size, store under media/voice/ by content hash (bot/media.voice_url)."""

from __future__ import annotations

import io
import logging
import subprocess
import time
import wave
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot import media
from models.programs.speech import Script, scripts
from models.programs.tracks import LearningContent
from workers.speech.voices import ESPEAK, voice_for

log = logging.getLogger("saathi.speech")
RATE = 16000  # Hz, mono: speech needs no more
BITRATE = "10k"  # Opus at 10 kbit/s: about 75 KB for a minute
WORDS_PER_MINUTE = 150
SECONDS = 120  # longest work one conversion may take


class SpeechError(Exception):
    """A note could not be made (no voice, a broken recording, or too large)."""


@dataclass
class Prepared:
    """What `prepare` did: notes ready (made now or before), audio seconds and bytes of the
    notes made now, the time it took, and the languages espeak-ng cannot speak."""

    notes: int = 0
    made: int = 0
    seconds: float = 0.0
    bytes: int = 0
    elapsed: float = 0.0
    silent: set[str] = field(default_factory=set)


def _wav(script: Script, programs_dir: Path) -> bytes:
    """The recording (as 16 kHz mono WAV) or generated speech (espeak-ng's WAV)."""
    if script.recording:
        source = (programs_dir / script.recording).resolve()
        if programs_dir.resolve() not in source.parents or not source.is_file():
            raise SpeechError(f"recording {script.recording!r} not found in the programs folder")
        return _run(["ffmpeg", "-loglevel", "error", "-i", str(source), "-ac", "1", "-ar",
                     str(RATE), "-f", "wav", "-"], b"")
    voice = voice_for(script.lang)
    if voice is None:
        raise SpeechError(f"espeak-ng has no voice for {script.lang}")
    return _run([ESPEAK, "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdout", "--stdin"],
                script.text.encode("utf-8"))


def seconds_of(wav: bytes) -> float:
    """A WAV's length (espeak-ng streams it with a placeholder size: count the data)."""
    with wave.open(io.BytesIO(wav)) as reader:
        per_second = reader.getframerate() * reader.getsampwidth() * reader.getnchannels()
    return (len(wav) - 44) / per_second


def encode(wav: bytes, generated: bool) -> bytes:
    """OGG/Opus for WhatsApp voice notes; generated speech says so in its metadata."""
    comment = "generated speech (espeak-ng)" if generated else "recorded"
    return _run(["ffmpeg", "-loglevel", "error", "-i", "-", "-ac", "1", "-ar", str(RATE),
                 "-c:a", "libopus", "-b:a", BITRATE, "-application", "voip",
                 "-metadata:s:a:0", f"comment={comment}", "-f", "ogg", "-"], wav)


def _run(command: list[str], data: bytes) -> bytes:
    try:
        return subprocess.run(command, input=data, capture_output=True, check=True,
                              timeout=SECONDS).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise SpeechError(f"{command[0]} failed: {exc}") from exc


def make(script: Script, programs_dir: Path) -> tuple[bytes, float]:
    """One note's OGG/Opus bytes and its length in seconds; SpeechError if it cannot be made
    or would be over media.MAX_SENT_BYTES."""
    wav = _wav(script, programs_dir)
    seconds = seconds_of(wav)
    ogg = encode(wav, generated=script.recording is None)
    try:
        return media.small_enough(ogg, f"a voice note of {seconds:.0f} s"), seconds
    except media.MediaTooLarge as exc:
        raise SpeechError(f"{exc} (shorten the text)") from exc


def speak(lang: str, text: str) -> str | None:
    """The URL of the note saying `text` in `lang`, made now unless kept from before (by
    content hash); None when espeak-ng has no voice for `lang`. For a job, never a request:
    a note takes espeak-ng and ffmpeg a fraction of a second of CPU per sentence."""
    url = media.voice_url(lang, text)
    if media.stored(url) is not None:
        return url
    if voice_for(lang) is None:
        return None
    ogg, _seconds = make(Script(lang, text), Path("."))
    media.store_as(ogg, media.VOICE, url.rsplit("/", 1)[-1])
    return url


def prepare(content: LearningContent | None, languages: list[str], programs_dir: Path,
            threads: int = 2, extra: Iterable[Script] = (),
            progress: Callable[[int, int], None] | None = None) -> Prepared:
    """Make every voice note of `content` in `languages`, and the `extra` ones, not made
    before (needs an app context: it stores under MEDIA_DIR). `progress(done, to_make)` is
    called once the work is known and after each note."""
    started, done = time.monotonic(), Prepared()
    todo: dict[str, Script] = {}
    every = scripts(content, languages) if content is not None else iter(())
    for script in (*every, *extra):
        url = media.voice_url(script.lang, script.text)
        if script.recording is None and voice_for(script.lang) is None:
            done.silent.add(script.lang)
        elif media.stored(url) is None:
            todo.setdefault(url, script)
        else:
            done.notes += 1
    report = progress or (lambda _done, _total: None)
    report(0, len(todo))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = {url: pool.submit(make, script, programs_dir) for url, script in todo.items()}
        for finished, (url, future) in enumerate(futures.items(), 1):
            try:
                ogg, seconds = future.result()
            except SpeechError as exc:
                log.warning("voice note not made", extra={"url": url, "error": str(exc)})
            else:
                media.store_as(ogg, media.VOICE, url.rsplit("/", 1)[-1])
                done.notes, done.made = done.notes + 1, done.made + 1
                done.seconds, done.bytes = done.seconds + seconds, done.bytes + len(ogg)
            report(finished, len(todo))
    done.elapsed = time.monotonic() - started
    return done
