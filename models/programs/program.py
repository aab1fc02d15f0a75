"""Programs (loaded from YAML in programs/) and partners' memberships in them."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    event,
    false,
    select,
)
from sqlalchemy.orm import Mapped, Session, column_property, mapped_column

from models import events
from models.base import Base, BigId, Json, UTCDateTime, utcnow
from models.partners.partner import Partner, Role, find_by_phone
from models.programs import texts, versions
from models.programs.schema import ProgramFileError, ProgramSpec, from_definition, read_file
from models.programs.versions import ProgramVersion

__all__ = ["Membership", "Program", "ProgramFileError", "ProgramSpec", "by_code",
           "check_complete", "load_file", "load_spec", "memberships_of", "spec_of", "version_of"]


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Loaded only when read: a spec already parsed for this version (`_version`, read by
    # PostgreSQL) needs none of it, and it was most of a USSD screen's reading time.
    definition: Mapped[dict] = mapped_column(Json, deferred=True)
    # spec.privacy.notice_version, kept beside the definition: every message compares it with
    # the partner's consent (models/privacy/consent.py) without reading the whole definition.
    notice_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def spec(self) -> ProgramSpec:
        """Return the validated definition (parsed once per load)."""
        return spec_of(self)


_KEPT = "saathi.programs"  # in session.info: the programs read, by id


@event.listens_for(Program, "load")
def _keep(program: Program, context) -> None:
    """Keep a program read for the rest of its session: a message reads the same few several
    times (the choice of program, then the chosen one), and the session's identity map
    holds an unchanged row only while something else refers to it."""
    context.session.info.setdefault(_KEPT, {})[program.id] = program


class Membership(Base):
    """A partner's place in one program; the wallet for that program hangs off it."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("partner_id", "program_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    # Leaderboards: never shown to others in this program (the partner still sees their rank).
    hidden_from_boards: Mapped[bool] = mapped_column(default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_SPECS: dict[tuple[int, str], ProgramSpec] = {}


Program.stored_version = column_property(Program.definition["_version"].as_string())


def version_of(program: Program) -> str:
    """The version of the program's definition: its `_version` (unique per load), read from
    the definition when it is loaded (it may have just been replaced), else by the database."""
    if "definition" in program.__dict__:
        return str(program.definition.get("_version") or program.loaded_at)
    return str(program.stored_version or program.loaded_at)


def spec_of(program: Program) -> ProgramSpec:
    """Return the parsed spec of a program row, cached per (id, definition version)."""
    cache_key = (program.id, version_of(program))
    spec = _SPECS.get(cache_key)
    if spec is None:
        body = {k: v for k, v in program.definition.items() if not k.startswith("_")}
        spec = _SPECS[cache_key] = from_definition(body)
    return spec


def cached_spec(program_id: int, version: str) -> ProgramSpec | None:
    """Return the spec parsed for this program version, if this process has parsed it."""
    return _SPECS.get((program_id, version))


def by_code(session: Session, code: str) -> Program | None:
    """Return the program with this code (case-insensitive), or None."""
    return session.scalar(select(Program).where(Program.code == code.strip().upper()))


def memberships_of(session: Session, partner_id: int) -> list[Membership]:
    """Return a partner's memberships, oldest first."""
    return list(session.scalars(_MEMBERSHIPS, {"partner_id": partner_id}))


_MEMBERSHIPS = select(Membership).where(Membership.partner_id == bindparam("partner_id")) \
    .order_by(Membership.id)  # built once: most screens ask


def load_spec(session: Session, spec: ProgramSpec, *, source: str = "",
              loaded_by: str = "cli") -> Program:
    """Insert or update the program `spec.code`, and create its listed distributors and reps;
    the version is kept in its history (models/programs/versions.py)."""
    now = utcnow()
    definition = spec.model_dump(mode="json", exclude_none=True)
    definition["_version"] = f"{now.isoformat()}/{uuid.uuid4().hex[:8]}"  # unique per load
    program = session.scalar(select(Program).where(Program.code == spec.code).with_for_update())
    if program is None:
        program = Program(code=spec.code, name=spec.name, definition=definition, loaded_at=now)
        session.add(program)
    else:
        program.name, program.definition, program.loaded_at = spec.name, definition, now
    program.notice_version = spec.privacy.notice_version
    for dist in spec.distributors:
        _ensure_distributor(session, dist)
    session.flush()
    session.add(ProgramVersion(program_id=program.id, version=definition["_version"],
                               definition=definition, loaded_at=now,
                               loaded_by=versions.fit(loaded_by, ProgramVersion.loaded_by),
                               source=versions.fit(source, ProgramVersion.source)))
    events.record(session, events.ProgramLoaded(program.id))  # the ledger opens its accounts
    return program


def load_file(session: Session, path: str | Path) -> Program:
    """Validate and load one program file (ProgramFileError if it is broken)."""
    return load_spec(session, read_file(path), source=str(path))


def check_complete(path: str | Path, spec: ProgramSpec) -> None:
    """ProgramFileError if the program offers a language whose texts it does not complete
    (what `flask programs load` refuses without --allow-incomplete)."""
    if spec.languages is None:
        return
    gaps = texts.incomplete(spec.model_dump(mode="json"), spec.languages)
    if gaps:
        raise ProgramFileError(str(path), [f"offers {gap}" for gap in gaps[:50]] + (
            [f"... and {len(gaps) - 50} more"] if len(gaps) > 50 else []))


def _ensure_distributor(session: Session, dist) -> Partner:
    partner = find_by_phone(session, dist.phone)
    if partner is None:
        partner = Partner(phone=dist.phone, role=Role.DISTRIBUTOR, name=dist.name)
        session.add(partner)
    elif partner.role not in (Role.DISTRIBUTOR, Role.ADMIN):
        raise ProgramFileError(dist.code, [f"distributor phone {dist.phone} already belongs to a "
                                           f"{partner.role}"])
    partner.name = partner.name or dist.name
    partner.shop = partner.shop or dist.name
    partner.code, partner.gstin, partner.region = dist.code, dist.gstin, dist.region
    session.flush()
    for phone in dist.reps:
        rep = find_by_phone(session, phone)
        if rep is None:
            session.add(Partner(phone=phone, role=Role.DISTRIBUTOR_REP, parent_id=partner.id))
        elif rep.role == Role.DISTRIBUTOR_REP and rep.parent_id is None:
            rep.parent_id = partner.id
    return partner
