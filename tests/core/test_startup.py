"""What starting the app costs: `flask --help` and every CLI command import the app, so the
image and OCR libraries, and the Rasa action server's Sanic stack, load only in the code that
uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# numpy is not among them: the free-text classifier (flows/nlu) scores every message with it.
HEAVY = ("cv2", "zxingcpp", "pytesseract", "pyzbar", "PIL", "imagehash", "qrcode", "requests",
         "rasa_sdk", "sanic")


def test_starting_the_app_imports_no_image_ocr_or_action_server_library(tmp_path):
    probe = ("import json, sys; import app; app.create_app(); "
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'saathi.db'}",
           "TWILIO_AUTH_TOKEN": "", "REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_make_run_serves_only_this_machine_unless_host_is_set():
    def served_on(*args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
        plan = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=True).stdout
        [line] = [line for line in plan.splitlines() if " run --host " in line]
        return line.split(" run ", 1)[1]

    assert served_on() == "--host 127.0.0.1 --port 5000"
    assert served_on("HOST=0.0.0.0", "PORT=8080") == "--host 0.0.0.0 --port 8080"
