"""Every version of a program file that was loaded, who loaded it and from where: the
programs page shows the history and diffs an upload against the current version."""

from __future__ import annotations

import difflib
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import yamltext
from models.base import INPUT, Base, BigId, Json, UTCDateTime, column_length, utcnow
from models.programs.schema import ProgramSpec

HISTORY = 50


class ProgramVersion(Base):
    __tablename__ = "program_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    version: Mapped[str] = mapped_column(String(64))  # the definition's `_version`
    definition: Mapped[dict] = mapped_column(Json)
    loaded_by: Mapped[str] = mapped_column(String(254), default="", info=INPUT)
    source: Mapped[str] = mapped_column(String(200), default="", info=INPUT)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def fit(text: str, attribute) -> str:
    """`text` within its column, keeping the end (a path's file name, an email's domain)."""
    length = column_length(attribute)
    return text if len(text) <= length else text[-length:]


def history(session: Session, program_id: int) -> list[ProgramVersion]:
    return list(session.scalars(select(ProgramVersion)
                                .where(ProgramVersion.program_id == program_id)
                                .order_by(ProgramVersion.id.desc()).limit(HISTORY)))


def as_yaml(definition: dict) -> str:
    """A definition as YAML text, without the loader's own keys, in a stable order."""
    body = {k: v for k, v in definition.items() if not k.startswith("_")}
    return yamltext.dump(body)


def diff(current: dict | None, new: ProgramSpec) -> list[str]:
    """The lines that change from the current definition to `new` (unified diff)."""
    before = as_yaml(current).splitlines() if current else []
    after = as_yaml(new.model_dump(mode="json", exclude_none=True)).splitlines()
    return list(difflib.unified_diff(before, after, "current", "upload", lineterm="", n=2))
