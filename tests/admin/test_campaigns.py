"""The campaign pages: a brand admin creates, changes, previews, starts and cancels campaigns
from a form (every change audited, CSRF required); an analyst reads them; distributor admins
and support staff see none; another brand's campaign is not found."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import campaigns
from models.admin.audit import AuditEntry
from models.campaigns import Campaign
from models.db import unit_of_work
from models.programs.campaign_spec import CampaignSpec

FORM = {"program": "CEMPRO", "code": "MONSOON", "kind": "broadcast",
        "segment": "role: [retailer]", "message_en": "Hello {name}, OPC is in stock.",
        "message_hi": "नमस्ते {name}, OPC स्टॉक में है।", "holdout_percent": "10",
        "template_name": "monsoon_tip", "template_vars": "'1': '{name}'",
        "unsubscribe_word": "STOP OFFERS"}


def audit_actions() -> list[str]:
    with unit_of_work() as db:
        return list(db.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("campaign.%")).order_by(AuditEntry.id)))


def saved(code: str = "MONSOON") -> Campaign:
    with unit_of_work() as db:
        found = db.scalar(select(Campaign).where(Campaign.code == code))
        db.expunge(found)
        return found


def test_a_brand_admin_creates_previews_edits_starts_and_cancels(app, world, as_role):
    admin = as_role("brand-admin")
    assert admin.get("/admin/campaigns/new").status_code == 200
    created = admin.post("/admin/campaigns/new", FORM)
    assert created.status_code == 302, created.data
    campaign = saved()
    assert campaign.spec["messages"]["hi"] == FORM["message_hi"]
    assert campaign.spec["unsubscribe_word"] == "STOP OFFERS"

    page = admin.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert '<strong id="audience">2</strong>' in page  # the two CEMPRO retailers
    assert "नमस्ते Ramesh, OPC स्टॉक में है।" in page  # their language's sample
    # no Content SID configured for the template: shown before anything is sent
    assert "WhatsApp template &#39;monsoon_tip&#39; has no Content SID for &#39;hi&#39;" in page

    edited = admin.post(f"/admin/campaigns/{campaign.id}/edit",
                        {**FORM, "template_name": "", "template_vars": "",
                         "segment": "role: [retailer]\npin_prefix: ['411001']"})
    assert edited.status_code == 302
    assert saved().spec["segment"]["pin_prefix"] == ["411001"]
    page = admin.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert '<strong id="audience">1</strong>' in page and "no Content SID" not in page

    assert admin.post(f"/admin/campaigns/{campaign.id}/start").status_code == 302
    assert saved().status in ("scheduled", "running", "done")
    assert admin.post(f"/admin/campaigns/{campaign.id}/cancel").status_code == 302
    assert saved().status == "cancelled"
    assert audit_actions() == ["campaign.create", "campaign.edit", "campaign.start",
                               "campaign.cancel"]
    listing = admin.get("/admin/campaigns/").get_data(as_text=True)
    assert "MONSOON" in listing and "cancelled" in listing


def test_a_form_that_is_not_a_campaign_is_shown_again_with_its_problems(app, world, as_role):
    admin = as_role("brand-admin")
    response = admin.post("/admin/campaigns/new", {**FORM, "kind": "recurring"})
    assert response.status_code == 400
    assert "a recurring campaign needs `cron`" in response.get_data(as_text=True)
    response = admin.post("/admin/campaigns/new", {**FORM, "segment": "- a list"})
    assert "segment: write it as &#39;key: value&#39; lines" in response.get_data(as_text=True)
    assert audit_actions() == []


def test_csrf_is_required_for_every_change(app, world, as_role):
    admin = as_role("brand-admin")
    response = admin.client.post("/admin/campaigns/new", data=FORM)
    assert response.status_code == 400
    assert audit_actions() == []


@pytest.fixture
def campaign_id(app, world) -> int:
    with unit_of_work() as db:
        from models.programs.program import Program
        program = db.get(Program, world.cempro)
        return campaigns.save(db, program, CampaignSpec.model_validate(
            {"code": "TIPS", "messages": {"en": "Tip"}, "holdout_percent": 20})).id


def test_an_analyst_reads_but_cannot_change(app, world, as_role, campaign_id):
    analyst = as_role("analyst")
    assert analyst.get("/admin/campaigns/").status_code == 200
    page = analyst.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'id="effect"' in page and "Start" not in page
    assert analyst.get("/admin/campaigns/new").status_code == 403
    assert analyst.post("/admin/campaigns/new", FORM).status_code == 403
    for action in ("edit", "start", "cancel"):
        assert analyst.post(f"/admin/campaigns/{campaign_id}/{action}", FORM).status_code \
            == 403
    assert saved("TIPS").status == "draft" and audit_actions() == []


@pytest.mark.parametrize("role", ["distributor-admin", "support"])
def test_distributor_admins_and_support_see_no_campaigns(app, world, as_role, campaign_id,
                                                         role):
    client = as_role(role)
    assert client.get("/admin/campaigns/").status_code == 403
    assert client.get(f"/admin/campaigns/{campaign_id}").status_code == 403
    assert 'href="/admin/campaigns/"' not in client.get("/admin/").get_data(as_text=True)


def test_another_brands_campaign_is_not_found(app, world, as_role, campaign_id):
    other = as_role("other-brand")
    assert other.get(f"/admin/campaigns/{campaign_id}").status_code == 404
    assert other.post(f"/admin/campaigns/{campaign_id}/cancel").status_code == 404
    assert "TIPS" not in other.get("/admin/campaigns/").get_data(as_text=True)


LONG_HI = "नमस्ते {name}, " + "मानसून में OPC सीमेंट का नया स्टॉक आ गया है। " * 3


def test_a_campaign_over_two_sms_segments_is_neither_saved_nor_started(app, world, as_role):
    admin = as_role("brand-admin")
    response = admin.post("/admin/campaigns/new", {**FORM, "message_hi": LONG_HI})
    assert response.status_code == 400
    assert ("the SMS in &#39;hi&#39; (Hindi) would take 3 segments, over the 2 an SMS may"
            in response.get_data(as_text=True))
    assert audit_actions() == []
    # one saved before the rule (or by the YAML) is refused at start, naming the language
    with unit_of_work() as db:
        from models.programs.program import Program
        spec = CampaignSpec.model_validate({"code": "LONG", "messages": {
            "en": "Hello {name}", "hi": LONG_HI}})
        campaign_id = campaigns.save(db, db.get(Program, world.cempro), spec).id
    admin.post(f"/admin/campaigns/{campaign_id}/start")
    page = admin.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert "the SMS in &#39;hi&#39; (Hindi) would take 3 segments" in page
    assert saved("LONG").status == "draft"
