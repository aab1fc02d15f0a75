"""The catalog section of a program file, and tier limits on what a partner is offered."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from models import yamltext
from models.db import unit_of_work
from models.ledger.tables import Wallet
from models.programs.catalog import catalog_of
from models.programs.program import load_spec
from models.programs.schema import ProgramFileError, parse, read_file

from .conftest import PROGRAMS, RETAILER, add_partner

OTHER = "+919811100002"


def _with_catalog(catalog: dict) -> dict:
    data = yamltext.load_shared((PROGRAMS / "cempro.yaml").read_text(encoding="utf-8"))
    return {**data, "catalog": catalog}


def test_demo_catalogs_load_with_upi_vouchers_and_stock_codes():
    for path in sorted(PROGRAMS.glob("*.yaml")):
        kinds = {i.kind for i in catalog_of(read_file(path).catalog).items}
        assert {"upi", "stock_code", "distributor_voucher"} <= kinds, path.name
    shop = read_file(PROGRAMS / "cempro.yaml").catalog.item("inventory_credit")
    assert shop.validity_days == 7  # the default


@pytest.mark.parametrize(("item", "problem"), [
    ({"key": "upi", "kind": "upi", "label": "UPI", "min_credits": 100}, "needs min_credits"),
    ({"key": "upi", "kind": "upi", "label": "UPI", "min_credits": 500, "max_credits": 100},
     "below min_credits"),
    ({"key": "fuel", "kind": "stock_code", "label": "Fuel"}, "fixed `credits` price"),
    ({"key": "fuel", "kind": "gold", "label": "Gold", "credits": 5}, "catalog.items.0.kind"),
    ({"key": "fuel", "kind": "stock_code", "label": {"hi": "ईंधन"}, "credits": 5},
     "needs an English ('en') version"),
    ({"key": "fuel", "kind": "stock_code", "label": {"en": "Fuel", "hi": ""}, "credits": 5},
     "1 to 40 characters"),
    ({"key": "sign", "kind": "distributor_voucher", "label": "Signage", "credits": 5,
      "tiers": ["Gold"]}, "unknown tiers: ['Gold']"),
])
def test_a_broken_catalog_item_is_refused_with_its_field(item, problem):
    with pytest.raises(ProgramFileError) as caught:
        parse(_with_catalog({"items": [item]}), "cempro.yaml")
    assert problem in str(caught.value) and "cempro.yaml" in str(caught.value)


def test_labels_are_shown_in_the_partners_language_english_where_none_is_written(
        twilio, cempro):
    add_partner(cempro, RETAILER, 2000, language="hi")
    offered = twilio.chat(RETAILER, "REDEEM")[0]
    assert "UPI कैशबैक: 100–2,500 क्रेडिट" in offered and "UPI cashback" not in offered
    add_partner(cempro, OTHER, 2000, language="ta")
    assert "UPI கேஷ்பேக்: " in twilio.chat(OTHER, "REDEEM")[0]
    twilio.chat(OTHER, "MENU")
    untranslated = _with_catalog(read_file(PROGRAMS / "cempro.yaml").catalog.model_dump())
    untranslated["catalog"]["items"][0]["label"] = {"en": "UPI cashback", "hi": "UPI कैशबैक"}
    with unit_of_work() as session:
        load_spec(session, parse(untranslated))
    assert "UPI cashback: " in twilio.chat(OTHER, "REDEEM")[0]  # no Tamil label: English


def test_items_limited_by_tier_are_offered_only_to_those_tiers(twilio, retailer, cempro):
    assert "Shop signage" not in twilio.chat(RETAILER, "REDEEM")[0]
    with unit_of_work() as session:
        session.execute(update(Wallet).where(Wallet.partner_id == retailer).values(
            tier="Specialist"))
    twilio.chat(RETAILER, "MENU")
    offered = twilio.chat(RETAILER, "REDEEM")[0]
    assert "Shop signage: 1,200 credits (₹2,400)" in offered
