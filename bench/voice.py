"""Voice notes at program load: how long preparing a program's notes takes per minute of audio,
and how much they weigh (workers/speech: espeak-ng + ffmpeg, OGG/Opus at 10 kbit/s).

    .venv/bin/python bench/voice.py [PROGRAM ...] [--languages hi,pa] [--threads 2]

Each program's notes are made into a fresh media folder (nothing cached); CPU is the children's
(espeak-ng, ffmpeg) user + system time."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402
from models.programs.schema import read_file  # noqa: E402
from workers.speech import prepare  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("programs", nargs="*", default=["elec", "lube", "cempro"])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--threads", type=int, default=2)
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
                done = prepare(spec.tracks, args.languages.split(","), ROOT / "programs",
                               threads=args.threads)
                cpu = _children_cpu() - cpu
                sizes = [p.stat().st_size for p in Path(media_dir, "voice").glob("*.ogg")]
            minutes = done.seconds / 60
            print(f"{name:8} {done.made:5} {minutes:9.1f} {done.bytes // 1024:6} "
                  f"{done.bytes / 1024 / minutes:6.1f} {max(sizes) // 1024:6} "
                  f"{done.elapsed:7.1f} {done.elapsed / minutes:11.2f} {cpu / minutes:15.2f}")
    print(f"(cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
