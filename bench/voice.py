"""Voice notes at program load: how long preparing a program's notes (learning content and the
menus of every role) takes per minute of audio, and how much they weigh (workers/speech:
espeak-ng + ffmpeg, OGG/Opus at 10 kbit/s). `--job` also times the job that speaks one reply
with figures in it (workers/voice_notes.py: the quiz result, the redemption confirmation).

    .venv/bin/python bench/voice.py [PROGRAM ...] [--languages hi,pa] [--threads 2]

Each program's notes are made into a fresh media folder (nothing cached); CPU is the children's
(espeak-ng, ffmpeg) user + system time."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402
from flows import menu  # noqa: E402
from models.programs.schema import read_file  # noqa: E402
from models.programs.speech import Script  # noqa: E402
from workers.speech import notes, prepare, prepare_program  # noqa: E402
from workers.speech.voices import voice_for  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("programs", nargs="*", default=["elec", "lube", "cempro"])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--job", action="store_true", help="time one reply's note per language")
    parser.add_argument("--menus-only", action="store_true",
                        help="the menus' notes alone (shared by every program)")
    args = parser.parse_args()
    print(f"{'program':8} {'notes':>5} {'audio min':>9} {'KB':>6} {'KB/min':>6} {'max KB':>6} "
          f"{'wall s':>7} {'s/audio min':>11} {'CPU s/audio min':>15}")
    for name in args.programs:
        with tempfile.TemporaryDirectory() as media_dir:
            app = create_app({"SECRET_KEY": "bench", "MEDIA_DIR": media_dir,
                              "DATABASE_URL": f"sqlite:///{media_dir}/b.db"})
            with app.app_context():
                spec = read_file(ROOT / "programs" / f"{name}.yaml")
                cpu = _children_cpu()
                languages = args.languages.split(",")
                done = prepare(None, languages, ROOT / "programs", args.threads,
                               extra=menu.scripts(languages)) if args.menus_only else \
                    prepare_program(spec, languages, ROOT / "programs", threads=args.threads)
                cpu = _children_cpu() - cpu
                sizes = [p.stat().st_size for p in Path(media_dir, "voice").glob("*.ogg")]
            minutes = done.seconds / 60
            print(f"{name:8} {done.made:5} {minutes:9.1f} {done.bytes // 1024:6} "
                  f"{done.bytes / 1024 / minutes:6.1f} {max(sizes) // 1024:6} "
                  f"{done.elapsed:7.1f} {done.elapsed / minutes:11.2f} {cpu / minutes:15.2f}")
    if args.job:
        _job(args.languages.split(","))
    print(f"(cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f})")


def _job(languages: list[str]) -> None:
    """What the voice-note job spends on one reply with figures (a passed quiz's result), per
    language: wall and CPU time of espeak-ng + ffmpeg, and the note's size."""
    from bot.i18n import NP_, translate
    message = NP_("You passed with {score}/{total}! {n} credit added. Your certificate: {id}",
                  "You passed with {score}/{total}! {n} credits added. Your certificate: {id}")
    print(f"{'job lang':8} {'wall s':>7} {'CPU s':>6} {'KB':>5} {'audio s':>7}")
    walls, cpus = [], []
    for lang in languages:
        if voice_for(lang) is None:
            print(f"{lang:8} no voice: text only")
            continue
        text = translate(lang, message, score=4, total=5, n=250, id="SAATHI-7KQ2-M4")
        cpu, started = _children_cpu(), time.monotonic()
        ogg, seconds = notes.make(Script(lang, text), ROOT / "programs")
        walls.append(time.monotonic() - started)
        cpus.append(_children_cpu() - cpu)
        print(f"{lang:8} {walls[-1]:7.2f} {cpus[-1]:6.2f} {len(ogg) / 1024:5.1f} {seconds:7.1f}")
    if walls:
        print(f"{'mean':8} {sum(walls) / len(walls):7.2f} {sum(cpus) / len(cpus):6.2f}")


if __name__ == "__main__":
    main()
