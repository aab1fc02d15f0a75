"""A new version of a program file from the brand admin's page: check it (the same schema
`flask programs load` uses), show what changes against the current version, then apply it
(the same load, with re-certification and an audit row)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.admin import scope
from models.admin.controls import Actor, audit_change
from models.admin.users import AdminUser
from models.learning import recertification
from models.programs import labels, texts
from models.programs.program import Program, load_spec
from models.programs.schema import ProgramFileError, ProgramSpec, read_text
from models.programs.versions import diff

MAX_TEXT = 200_000  # characters of YAML


@dataclass
class Check:
    """What an upload would do: the problems that stop it, or its diff and the texts it
    lacks in some of the partners' languages."""

    spec: ProgramSpec | None = None
    problems: list[str] = field(default_factory=list)
    untranslated: dict[str, list[str]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.spec is not None and not self.problems


def own_program(session: Session, user: AdminUser, code: str) -> Program | None:
    return next((p for p in scope.programs(session, user) if p.code == code.upper()), None)


def check(program: Program, text: str, languages: list[str]) -> Check:
    """Validate `text` as the next version of `program` (same code, same brand)."""
    if len(text) > MAX_TEXT:
        return Check(problems=[f"the file is longer than {MAX_TEXT:,} characters"])
    try:
        spec = read_text(text)
    except ProgramFileError as exc:
        return Check(problems=exc.problems)
    problems = []
    if spec.code != program.code:
        problems.append(f"code: {spec.code} is not this program's code {program.code}")
    if spec.brand != program.spec.brand:
        problems.append(f"brand: {spec.brand} is not this program's brand")
    if spec.languages is not None:  # as `flask programs load`: an offered language complete
        problems += [f"offers {gap}" for gap in
                     texts.incomplete(spec.model_dump(mode="json"), spec.languages)[:50]]
    return Check(spec, problems, labels.missing(spec.model_dump(mode="json"), languages),
                 diff(program.definition, spec))


def apply(session: Session, actor: Actor, program: Program, text: str,
          languages: list[str]) -> tuple[Program, int]:
    """Load the checked version; the program and how many certificates became outdated."""
    checked = check(program, text, languages)
    if not checked.ok:
        raise ProgramFileError("upload", checked.problems or ["not a program file"])
    before = program.definition.get("_version")
    loaded = load_spec(session, checked.spec, source="admin upload", loaded_by=actor.name)
    outdated = recertification.sync(session, loaded)
    audit_change(session, actor, "program.load", f"program:{loaded.id}", "new version",
                 {"version": before}, {"version": loaded.definition["_version"],
                                       "changed_lines": len(checked.changes),
                                       "outdated_certificates": outdated})
    return loaded, outdated
