"""Write the text of every DLT template in bot/channels/dlt.yaml from the message catalogs.

Each template names the messages it is made of (`messages`, joined by new lines; `fill` for
a message sent inside another's placeholder); this fills `text` with each language's wording
as it is sent: placeholders become DLT's {#var#} ({url} becomes {#url#}), and English is written in
GSM-7 as bot/channels/sms.py sends it. Register those texts on the DLT portal, put the ids it
gives back in the file, and run this again whenever a message changes (a test fails until
you do):

    .venv/bin/python scripts/dlt_templates.py

With --flows it writes bot/channels/dlt_flows.yaml instead: the templates of the flows'
answers and their MORE pages, as the SMS walk in every language sends them
(tests/i18n/test_sms_segments.py, about two minutes), each text's values as {#var#} runs
(bot/channels/dlt_shapes.py). A template keeps its id while its name (its shape) lasts; a
new one gets the next free placeholder id, for the operator to replace with the portal's.
Texts already registered stay (some shapes depend on a walk's timing); --flows --fresh
writes only what this walk sends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.channels import dlt  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402
from models import yamltext  # noqa: E402

FLOW_IDS = 1107000000000100000  # placeholder ids of flow templates count up from here
HEADER = """\
# India's DLT: the templates of the flows' SMS answers and their MORE pages, written by
# `.venv/bin/python scripts/dlt_templates.py --flows` from the SMS walk in every language
# (never by hand: tests/i18n/test_sms_segments.py fails until this file is what the flows
# send). Each value is a run of {#var#} (30 characters each); program content (a lesson's
# text, a program's name over its history) is registered as it is, per program. The ids are
# placeholders for the operator's own (the DLT portal gives them): replace them in place, a
# template keeps its id as long as its shape (its name) lasts.
"""


def flows(keep: bool = True) -> str:
    """bot/channels/dlt_flows.yaml as the SMS walk needs it, with the texts it had
    (`keep`; --flows --fresh drops those the walk no longer sends)."""
    raw = dlt.FLOWS.read_text(encoding="utf-8")
    old = yamltext.load(raw)["templates"] or {}
    dlt.FLOWS.write_text("templates: {}\n", encoding="utf-8")  # the walk sends without them
    try:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/i18n/test_sms_segments.py"], cwd=ROOT, check=True,
                           env={**os.environ, "DLT_FLOW_SHAPES": folder})
            needed = {lang: json.loads(Path(folder, f"{lang}.json").read_text(
                encoding="utf-8")) for lang in LANGUAGES}
    finally:
        dlt.FLOWS.write_text(raw, encoding="utf-8")
    ids = {name: spec["id"] for name, spec in old.items()}
    free = max([int(i) for i in ids.values()] + [FLOW_IDS]) + 1
    if keep:  # a shape only some walks reach (timing) stays registered: the test never flaps
        for name, spec in old.items():
            for lang, texts in (spec.get("text") or {}).items():
                known = needed[lang].setdefault(name, [])
                known += [t for t in texts if t not in known and dlt.words(t)]
    first: dict[str, str] = {}  # a text two languages' walks need goes under one name
    for found in needed.values():
        for name, texts in found.items():
            for text in texts:
                first[text] = min(first.get(text, name), name)
    texts_of: dict[str, dict[str, list[str]]] = {}
    for lang, found in needed.items():
        for text in sorted({text for texts in found.values() for text in texts}):
            texts_of.setdefault(first[text], {}).setdefault(lang, []).append(text)
    templates = {}
    for name in sorted(texts_of):
        if name not in ids:
            ids[name], free = str(free), free + 1
        templates[name] = {"id": ids[name], "category": dlt.Category.SERVICE_IMPLICIT.value,
                           "text": texts_of[name]}
    return HEADER + yaml.safe_dump({"templates": templates}, allow_unicode=True,
                                   sort_keys=False, width=100)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--flows"]:
        dlt.FLOWS.write_text(flows(keep="--fresh" not in sys.argv), encoding="utf-8")
        print(f"wrote {dlt.FLOWS}")
    else:
        dlt.REGISTRY.write_text(dlt.regenerated(dlt.REGISTRY.read_text(encoding="utf-8")),
                                encoding="utf-8")
        print(f"wrote {dlt.REGISTRY}")
