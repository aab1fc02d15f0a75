"""Row ids from outside read with bounds, the same way for URLs and commands: a number no row
can have (30 digits, 0) is "not found" or a usage error, never a database error."""

from __future__ import annotations

import click
from werkzeug.routing import BaseConverter, ValidationError

from models.base import MAX_ID, parse_id

ID = click.IntRange(1, MAX_ID)  # click.argument("item_id", type=ID)


class IdConverter(BaseConverter):
    """`<id:item_id>` in a route: a URL with an impossible id matches no route (404)."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        found = parse_id(value)
        if found is None:
            raise ValidationError()
        return found

    def to_url(self, value: int) -> str:
        return str(value)
