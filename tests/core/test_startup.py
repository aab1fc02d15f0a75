"""What starting the app costs: `flask --help` and every CLI command import the app, so the
image and OCR libraries load only in the code that uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("cv2", "zxingcpp", "pytesseract", "pyzbar", "numpy", "PIL", "imagehash", "qrcode")


def test_starting_the_app_imports_no_image_or_ocr_library(tmp_path):
    probe = ("import json, sys; import app; app.create_app(); "
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'saathi.db'}",
           "TWILIO_AUTH_TOKEN": "", "REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(result.stdout.splitlines()[-1]) == []
