"""The reviewer's view of a review item (models/review/queue.py `describe`) as terminal lines, for
`flask review list` and `flask review show`."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app

from bot.i18n import format_rupees
from bot.media import LOCAL_PREFIX


def list_line(view: dict) -> str:
    """id, kind, rule, partner's phone, reason: one tab-separated line."""
    partner = view["partner"] or {}
    return "\t".join(str(v) for v in (view["id"], view["kind"], view["rule"],
                                       partner.get("phone", "-"), view["reason"]))


def show_lines(view: dict) -> list[str]:
    """Everything a reviewer needs, one fact a line."""
    partner, program = view["partner"], view["program"]
    lines = [f"review item {view['id']}: {view['kind']}, {view['status']}, "
             f"created {view['created_at']}",
             f"rule: {view['rule']} ({view['reason']})"]
    if program:
        lines.append(f"program: {program['code']}")
    if partner:
        lines.append(f"partner: {partner['phone']} {partner['role']}, "
                     f"GSTIN {partner['gstin'] or 'none'}")
        lines.append(f"  name {partner['name'] or '-'}, shop {partner['shop'] or '-'}, "
                     f"region {partner['region'] or '-'}, PIN {partner['pincode'] or '-'}")
    lines += [f"  {name}: {json.dumps(value, ensure_ascii=False)}"
              for name, value in (view["details"] or {}).items()]
    invoice = view.get("invoice")
    if invoice:
        lines += _invoice_lines(invoice)
    return lines


def _invoice_lines(invoice: dict) -> list[str]:
    lines = [f"invoice {invoice['id']}: {invoice['status']}, read from {invoice['source']}, "
             f"{invoice['credits_if_approved']} credits if approved",
             f"photo: {_photo_path(invoice['photo'])}", "fields:"]
    for name, field in invoice["fields"].items():
        lines.append(f"  {_field_line(name, field)}")
    for item in invoice["items"]:
        amount = item.get("amount_paise")
        lines.append(f"  item: {item.get('name')} x{item.get('quantity')} "
                     f"{format_rupees(amount) if amount is not None else '-'}")
    return lines


def _field_line(name: str, field: dict) -> str:
    if name == "total_paise":
        return _total_line(field)
    if field["value"] is None:
        return f"{name}: not read"
    how = "typed" if field["typed"] else f"({field['confidence']})"
    return f"{name}: {field['value']} {how}"


def _total_line(field: dict) -> str:
    def rupees(paise: int | None) -> str:
        return "not read" if paise is None else format_rupees(paise)

    if field["typed"]:
        if field["read"] is None:
            return f"total: {rupees(field['value'])} typed (not read)"
        sure = f" ({field['confidence']})" if field["confidence"] is not None else ""
        return f"total: {rupees(field['value'])} typed; read {rupees(field['read'])}{sure}"
    if field["value"] is None:
        return "total: not read"
    return f"total: {rupees(field['value'])} ({field['confidence']})"


def _photo_path(url: str | None) -> str:
    """Where the photo lies on this machine (media URLs are served from MEDIA_DIR)."""
    if url and url.startswith(LOCAL_PREFIX):
        return str(Path(current_app.config["MEDIA_DIR"]) / url.removeprefix(LOCAL_PREFIX))
    return url or "-"
