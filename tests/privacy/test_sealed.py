"""UPI ids at rest: the raw columns never hold the plain id, a look-up hash finds it, keys
rotate, and the migration seals the ids stored in clear before it."""

from __future__ import annotations

import base64

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text

from bot.cli.db import alembic_config
from models import pii
from models.db import unit_of_work
from models.partners.partner import VPA_MAX, Partner
from models.programs.program import load_file
from models.redemptions.redemption import Redemption
from tests.redeem.conftest import PROGRAMS

VPA = "rajesh.kumar@okhdfc"
PHONE = "+919811100001"
NEW_KEY = base64.b64encode(b"n" * 32).decode()
PRIVACY = "4fc3ddb6d6d2"  # the migration that seals the UPI ids


def _raw(sql: str) -> list[tuple]:
    with unit_of_work() as session:
        return [tuple(row) for row in session.execute(text(sql))]


def _partner_with_vpa(vpa: str = VPA) -> int:
    with unit_of_work() as session:
        partner = Partner(phone=PHONE, name="Rajesh", upi_vpa=vpa)
        session.add(partner)
        program = load_file(session, PROGRAMS / "cempro.yaml")
        session.flush()
        session.add(Redemption(partner_id=partner.id, program_id=program.id, item_key="upi",
                               kind="upi", credits=500, value_paise=100_000, vpa=vpa))
        return partner.id


def test_the_raw_columns_hold_a_sealed_upi_id_and_its_hash_never_the_id(lite):
    partner_id = _partner_with_vpa()
    ((sealed, digest),) = _raw("SELECT upi_vpa_sealed, upi_vpa_hash FROM partners "
                                "WHERE upi_vpa_sealed IS NOT NULL")
    ((paid,),) = _raw("SELECT vpa_sealed FROM redemptions")
    for value in (sealed, digest, paid):
        assert "rajesh" not in value.lower() and "okhdfc" not in value.lower()
    assert sealed.startswith("t1:") and sealed != paid  # a fresh nonce each time
    with unit_of_work() as session:
        assert session.get(Partner, partner_id).upi_vpa == VPA
        assert session.scalar(select(Redemption)).vpa == VPA
        found = session.scalar(select(Partner).where(
            Partner.upi_vpa_hash == pii.lookup(" Rajesh.Kumar@OKHDFC ")))
        assert found.id == partner_id


def test_the_longest_upi_id_fits_its_sealed_column(lite):
    longest = "r" * 50 + "@o" + "k" * (VPA_MAX - 52)
    assert len(pii.seal(longest)) <= Partner.upi_vpa_sealed.property.columns[0].type.length


def test_an_altered_or_unknown_key_value_does_not_open(lite):
    sealed = pii.seal(VPA)
    body = base64.b64decode(sealed[3:])
    forged = "t1:" + base64.b64encode(body[:-1] + bytes([body[-1] ^ 1])).decode()
    with pytest.raises(pii.SealError):
        pii.unseal(forged)
    with pytest.raises(pii.SealError):
        pii.unseal("zz:" + sealed[3:])


def test_keys_rotate_re_seals_every_value_under_the_new_key(lite):
    _partner_with_vpa()
    lite.config["PII_KEYS"] = {**lite.config["PII_KEYS"], "t2": NEW_KEY}
    lite.config["PII_KEY_ID"] = "t2"
    result = lite.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "2 value(s) re-sealed under t2" in result.output
    assert all(v.startswith("t2:") for (v,) in _raw(
        "SELECT upi_vpa_sealed FROM partners WHERE upi_vpa_sealed IS NOT NULL "
        "UNION ALL SELECT vpa_sealed FROM redemptions"))
    lite.config["PII_KEYS"] = {"t2": NEW_KEY}  # the old key can go now
    with unit_of_work() as session:
        assert session.scalar(select(Partner).where(Partner.phone == PHONE)).upi_vpa == VPA
        assert session.scalar(select(Redemption)).vpa == VPA
    assert "0 value(s)" in lite.test_cli_runner().invoke(args=["keys", "rotate"]).output


def test_the_migration_seals_the_upi_ids_stored_in_clear(lite, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    before = ScriptDirectory.from_config(alembic_config(url)).get_revision(PRIVACY).down_revision
    command.upgrade(alembic_config(url), before)
    old = create_engine(url)
    with old.begin() as conn:
        conn.execute(text("INSERT INTO partners (id, phone, role, status, language, upi_vpa, "
                          "created_at) VALUES (1, :p, 'retailer', 'active', 'en', :v, "
                          "'2026-01-01')"), {"p": PHONE, "v": VPA})
    command.upgrade(alembic_config(url), "head")
    with old.connect() as conn:
        sealed, digest = conn.execute(text(
            "SELECT upi_vpa_sealed, upi_vpa_hash FROM partners")).one()
        columns = [c[1] for c in conn.execute(text("PRAGMA table_info(partners)"))]
    old.dispose()
    assert "upi_vpa" not in columns and VPA not in sealed
    assert pii.unseal(sealed) == VPA and digest == pii.lookup(VPA)
