"""WhatsApp's limits on interactive messages, checked on what the Cloud API adapter draws."""

from __future__ import annotations

from functools import cache

from bot.channels import graph, native
from bot.i18n import DEFAULT, _catalog, translate
from bot.messages import Reply


@cache
def catalog_texts(lang: str) -> frozenset[str]:
    """Every text the catalogs give in `lang` (English: the msgids)."""
    entries = getattr(_catalog("hi" if lang == DEFAULT else lang), "_catalog", {})
    if lang == DEFAULT:
        return frozenset(key if isinstance(key, str) else key[0] for key in entries)
    return frozenset(text for text in entries.values() if isinstance(text, str))


def problems(reply: Reply, lang: str) -> list[str]:
    """Every limit the reply breaks once drawn for the Cloud API in `lang` (none, we hope)."""
    payload = graph.reply_payload("+919812345678", reply, translate(lang, native.LIST_LABEL))
    if payload["type"] != "interactive":  # more than 10 options, or a long text: numbered
        return []
    body = payload["interactive"]
    found = [f"body over {native.INTERACTIVE_BODY}"] if len(body["body"]["text"]) > \
        native.INTERACTIVE_BODY else []
    if body["type"] == "button":
        items = [b["reply"] for b in body["action"]["buttons"]]
        found += ["over 3 buttons"] if len(items) > native.MAX_BUTTONS else []
        found += [f"button title {i['title']!r}" for i in items
                  if not 0 < len(i["title"]) <= native.BUTTON_TITLE]
        found += [f"button title cut: {o.label!r} ({len(o.label)} characters)"  # shown as
                  for o in reply.options  # "Technician or m…": a translation must fit (a
                  if len(" ".join(o.label.split())) > native.BUTTON_TITLE  # program's name
                  and o.label in catalog_texts(lang)]  # is the program's to choose)
    else:
        action = body["action"]
        items = [row for section in action["sections"] for row in section["rows"]]
        found += ["over 10 rows"] if len(items) > native.MAX_ROWS else []
        found += [f"list button {action['button']!r}"] if not \
            0 < len(action["button"]) <= native.LIST_BUTTON else []
        found += [f"row title {i['title']!r}" for i in items
                  if not 0 < len(i["title"]) <= native.ROW_TITLE]
        found += [f"row description {i['description']!r}" for i in items
                  if len(i.get("description", "")) > native.ROW_DESCRIPTION]
        found += [f"section title {s['title']!r}" for s in action["sections"]
                  if len(s.get("title", "")) > native.SECTION_TITLE]
    titles = [i["title"] for i in items]
    ids = [i["id"] for i in items]
    found += ["titles not distinct"] if len(set(titles)) < len(titles) else []
    found += ["ids not distinct"] if len(set(ids)) < len(ids) else []
    found += [f"id {i!r}" for i in ids if not 0 < len(i) <= 256]
    return found
