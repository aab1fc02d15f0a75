"""Every role against every admin route: what each may read and do, scope by brand and by
distributor (what is outside answers 404, pages and JSON alike), and no view without a rule."""

from __future__ import annotations

import pytest

from bot.web.admin_auth import PUBLIC


@pytest.fixture
def app(both_databases):
    """Both databases: the scope and figure queries are SQL that differs between them."""
    return both_databases


PAGES = ("/admin/", "/admin/overview/CEMPRO", "/admin/partners", "/admin/queue/",
         "/admin/inbox/", "/admin/audit", "/admin/users/")
EXPECTED = {  # role -> status of each page in PAGES
    "brand-admin": (200, 200, 200, 200, 200, 200, 200),
    "distributor-admin": (200, 200, 200, 200, 403, 403, 403),
    "support": (200, 200, 200, 200, 200, 403, 403),
    "analyst": (200, 200, 200, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_reads_the_pages_its_role_allows(as_role, world, role):
    admin = as_role(role)
    assert tuple(admin.get(p).status_code for p in PAGES) == EXPECTED[role]
    own = admin.get(f"/admin/partners/{world.own_shop}")
    assert own.status_code == 200 and "Ramesh Hardware" in own.get_data(as_text=True)
    assert admin.get(f"/admin/partners/{world.other_brand_shop}").status_code == 404
    assert admin.get(f"/admin/api/partners/{world.other_brand_shop}").status_code == 404
    assert admin.get("/admin/status").status_code == 403  # the monitor's, bearer only


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_only_a_brand_admin_may_operate(as_role, world, role):
    admin = as_role(role)
    admin.get(f"/admin/partners/{world.own_shop}")
    response = admin.post(f"/admin/partners/{world.own_shop}/status",
                          {"action": "suspend", "reason": "test"})
    assert response.status_code == (302 if role == "brand-admin" else 403)


def test_a_distributor_admin_sees_only_their_own_shops(as_role, world):
    admin = as_role("distributor-admin")
    listed = admin.get("/admin/partners").get_data(as_text=True)
    assert "Ramesh Hardware" in listed and "Suresh Cement Depot" not in listed
    assert admin.get(f"/admin/partners/{world.other_shop}").status_code == 404
    assert admin.get(f"/admin/api/partners/{world.other_shop}").status_code == 404
    own = admin.get(f"/admin/api/partners/{world.own_shop}")
    assert own.status_code == 200 and own.json["shop"] == "Ramesh Hardware"


def test_a_brand_admin_sees_every_shop_of_the_brand_and_none_of_another(as_role, world):
    admin = as_role("brand-admin")
    listed = admin.get("/admin/partners").get_data(as_text=True)
    assert "Ramesh Hardware" in listed and "Suresh Cement Depot" in listed
    assert "Mahesh Chemicals" not in listed
    other = as_role("other-brand")
    assert other.get(f"/admin/partners/{world.own_shop}").status_code == 404
    assert "Mahesh Chemicals" in other.get("/admin/partners").get_data(as_text=True)


def test_search_finds_by_phone_name_shop_gstin_and_pin(as_role, world):
    admin = as_role("brand-admin")
    for q in ("9811100001", "ramesh", "HARDWARE", "27AAACS1234P1Z7", "411001"):
        page = admin.get("/admin/partners", query_string={"q": q}).get_data(as_text=True)
        assert "Ramesh Hardware" in page and "Suresh" not in page, q


def test_every_admin_view_declares_who_may_use_it(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("admin_") and endpoint not in PUBLIC:
            assert hasattr(view, "admin_permission"), endpoint


def test_a_post_without_the_csrf_token_changes_nothing(as_role, world):
    admin = as_role("brand-admin")
    response = admin.client.post(f"/admin/partners/{world.own_shop}/status",
                                 data={"action": "suspend", "reason": "no token"})
    assert response.status_code == 400
    assert admin.get(f"/admin/api/partners/{world.own_shop}").json["status"] == "active"


def test_the_pages_speak_hindi(as_role, world):
    admin = as_role("support")
    admin.get("/admin/lang/hi")
    page = admin.get("/admin/partners").get_data(as_text=True)
    assert "खोजें" in page
