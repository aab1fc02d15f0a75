"""Write the text of every DLT template in bot/channels/dlt.yaml from the message catalogs.

Each template names the messages it is made of (`messages`, joined by new lines; `fill` for
a message sent inside another's placeholder); this fills `text` with each language's wording
as it is sent: placeholders become DLT's {#var#} ({url} becomes {#url#}), and English is written in
GSM-7 as bot/channels/sms.py sends it. Register those texts on the DLT portal, put the ids it
gives back in the file, and run this again whenever a message changes (a test fails until
you do):

    .venv/bin/python scripts/dlt_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels import dlt

if __name__ == "__main__":
    dlt.REGISTRY.write_text(dlt.regenerated(dlt.REGISTRY.read_text(encoding="utf-8")),
                            encoding="utf-8")
    print(f"wrote {dlt.REGISTRY}")
