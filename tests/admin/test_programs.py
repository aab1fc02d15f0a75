"""A new program version from the brand admin's page: a validation report and a diff before
anything changes, then the same load `flask programs load` does, audited, in the history."""

from __future__ import annotations

import io

from bot.channels import dlt
from bot.config import DEV_BASE_URL
from models.admin.audit import AuditEntry
from models.db import unit_of_work
from models.programs.program import by_code
from models.programs.versions import ProgramVersion
from tests.admin.conftest import PROGRAMS

CEMPRO = (PROGRAMS / "cempro.yaml").read_text(encoding="utf-8")


def _upload(admin, text: str):
    admin.get("/admin/programs/CEMPRO")
    return admin.post("/admin/programs/CEMPRO/check",
                      {"file": (io.BytesIO(text.encode()), "cempro.yaml")},
                      content_type="multipart/form-data")


def test_an_upload_is_checked_and_diffed_before_it_is_applied(as_role, world):
    admin = as_role("brand-admin")
    renamed = CEMPRO.replace("name: ", "name: Shakti Pro ", 1)
    page = _upload(admin, renamed).get_data(as_text=True)
    assert "The file is valid." in page and "+name: Shakti Pro" in page
    with unit_of_work() as db:
        assert not by_code(db, "CEMPRO").name.startswith("Shakti Pro")  # nothing applied yet
    admin.post("/admin/programs/CEMPRO/apply", {"text": renamed})
    with unit_of_work() as db:
        assert by_code(db, "CEMPRO").name.startswith("Shakti Pro")
        history = db.query(ProgramVersion).filter_by(program_id=world.cempro).all()
        audit = db.query(AuditEntry).filter_by(action="program.load").one()
    assert len(history) == 2 and history[-1].loaded_by == world.emails["brand-admin"]
    assert audit.actor == world.emails["brand-admin"] and audit.brand
    assert admin.get("/admin/programs/CEMPRO").get_data(as_text=True).count(" UTC</td>") == 2


def test_a_broken_or_foreign_upload_changes_nothing(as_role, world):
    admin = as_role("brand-admin")
    page = _upload(admin, "code: [unclosed").get_data(as_text=True)
    assert "not valid YAML" in page and "Apply this version" not in page
    other = _upload(admin, CEMPRO.replace("code: CEMPRO", "code: CHEMX", 1))
    assert "not this program&#39;s code" in other.get_data(as_text=True)
    assert admin.post("/admin/programs/CEMPRO/apply",
                      {"text": "code: [unclosed"}).status_code == 302
    with unit_of_work() as db:
        assert db.query(ProgramVersion).filter_by(program_id=world.cempro).count() == 1
    assert admin.get("/admin/programs/CHEMX").status_code == 404
    assert as_role("support").get("/admin/programs/CEMPRO").status_code == 403


def test_with_an_indian_sms_gateway_a_version_without_dlt_templates_is_not_applied(
        app, as_role, world, tmp_path, monkeypatch):
    """Gupshup sends only registered texts: a version whose SMS (lessons, the program's name
    over TIER and HIST) have no template is refused with what to run; registered, it
    applies. Renamed, the program's name lines are new texts: refused again."""
    app.config.update(SMS_PROVIDER="gupshup", PUBLIC_BASE_URL=DEV_BASE_URL)
    monkeypatch.setattr(dlt, "PROGRAMS", tmp_path)
    admin = as_role("brand-admin")
    quieter = CEMPRO + "\nquiet_hours: 21:30-09:00\n"
    page = _upload(admin, quieter).get_data(as_text=True)
    assert "SMS texts of CEMPRO have no DLT template" in page and "flask programs dlt" in page
    assert "Apply this version" not in page
    admin.post("/admin/programs/CEMPRO/apply", {"text": quieter})

    def versions() -> int:
        with unit_of_work() as db:
            return db.query(ProgramVersion).filter_by(program_id=world.cempro).count()

    assert versions() == 1
    monkeypatch.undo()  # bot/channels/dlt_programs/cempro.yaml: `flask programs dlt` wrote it
    assert "The file is valid." in _upload(admin, quieter).get_data(as_text=True)
    admin.post("/admin/programs/CEMPRO/apply", {"text": quieter})
    assert versions() == 2
    renamed = quieter.replace("name: ", "name: Shakti Pro ", 1)
    assert "SMS texts of CEMPRO have no DLT template" in _upload(admin, renamed).get_data(
        as_text=True)
