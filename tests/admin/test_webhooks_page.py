"""The brand admin's log of events sent to the brand's systems: its own programs' only."""

from __future__ import annotations

from models import webhooks
from models.db import unit_of_work
from models.enrollment.join import join
from models.programs.program import Program


def test_a_brand_admin_sees_its_own_programs_deliveries(as_role, world):
    with unit_of_work() as db:
        for program_id in (world.cempro, world.chemx):
            webhooks.add_subscription(db, program_id, "http://127.0.0.1:9/none",
                                      ["partner.enrolled"])
    with unit_of_work() as db:  # the POSTs fail (nothing listens): the deliveries wait
        join(db, phone="+919811100077", program=db.get(Program, world.cempro))
        join(db, phone="+919811100078", program=db.get(Program, world.chemx))
    page = as_role("brand-admin").get("/admin/webhooks/").get_data(as_text=True)
    assert page.count("partner.enrolled") == 1 and "ConnectionError" in page
    assert as_role("support").get("/admin/webhooks/").status_code == 403
