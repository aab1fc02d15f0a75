"""POST /api/v1/sales: a distributor's key pushes sales; each gets its own answer; a retried
request is answered from what was stored, and changes nothing."""

from __future__ import annotations

import re

import pytest

from tests.sales.conftest import RECENT, balance
from tests.sales.samples import SELLER, gstin

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


def make_key(app, distributor: str = "CHNELEC") -> str:
    result = app.test_cli_runner().invoke(args=["sales", "api-key", "create", "--distributor",
                                                distributor])
    assert result.exit_code == 0, result.output
    return re.search(r"sk_\S+", result.output).group(0)


def sale(number: str, **values) -> dict:
    return {"number": number, "date": RECENT.isoformat(), "amount": "11,800.00",
            "buyer": {"gstin": gstin(1)},
            "items": [{"name": "Voltix MCB 32A", "hsn": "853620", "quantity": 40}], **values}


def post(client, key: str | None, sales: list) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = client.post("/api/v1/sales", json={"sales": sales}, headers=headers)
    return response.status_code, response.get_json()


def test_a_batch_is_credited_row_by_row_and_a_replay_changes_nothing(app, shops):
    key, client = make_key(app), app.test_client()
    batch = [sale("API/1"), sale("API/2", amount=5900.0, buyer={"phone": shops.phone}),
             sale("API/3", date="2026-13-01"), sale("API/1"),
             sale("API/4", buyer={"gstin": "33ABCDE0001F1ZX"})]
    status, body = post(client, key, batch)
    assert status == 200
    assert [(r["status"], r["outcome"]) for r in body["results"]] == [
        (201, "credited"), (201, "credited"), (422, "rejected"), (409, "already"),
        (422, "rejected")]
    assert body["results"][4]["reason"] == "buyer GSTIN fails its checksum"
    assert body["results"][2]["reason"] == "date '2026-13-01' is not in the format %Y-%m-%d"
    earned = balance(shops.by_gstin, shops.program_id)
    assert earned == body["results"][0]["credits"] == 33
    status, again = post(client, key, batch[:2])
    assert [(r["status"], r["outcome"], r["replayed"], r["credits"]) for r in again["results"]
            ] == [(200, "credited", True, 33), (200, "credited", True, 15)]
    assert balance(shops.by_gstin, shops.program_id) == earned


def test_keys_missing_wrong_or_revoked_are_refused(app, shops):
    key, client = make_key(app), app.test_client()
    assert post(client, None, [sale("API/9")])[0] == 401
    assert post(client, key[:-2] + "xx", [sale("API/9")])[0] == 401
    prefix = key.split("_")[1]
    result = app.test_cli_runner().invoke(args=["sales", "api-key", "revoke", prefix])
    assert result.exit_code == 0, result.output
    status, body = post(client, key, [sale("API/9")])
    assert status == 401 and "valid API key" in body["error"]
    assert balance(shops.by_gstin, shops.program_id) == 0


def test_a_key_pushes_only_its_own_distributors_invoices(app, shops):
    other = make_key(app, "KOLPOWER")
    status, body = post(app.test_client(), other, [sale("API/10", seller_gstin=SELLER)])
    assert status == 200 and body["results"][0]["status"] == 403
    status, body = post(app.test_client(), other, [sale("API/10")])  # its own: KOLPOWER's
    assert body["results"][0]["outcome"] == "credited"
    mine = make_key(app)
    status, body = post(app.test_client(), mine, [sale("API/10")])  # not the same invoice
    assert body["results"][0]["outcome"] == "credited"


def test_bad_bodies_get_a_clear_4xx(app, shops):
    key, client = make_key(app), app.test_client()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    assert client.post("/api/v1/sales", data="{", headers=headers).status_code == 400
    status, body = post(client, key, [sale("API/20"), {"number": 7, "amount": "1"}])
    assert status == 422 and body["error"].endswith("nothing was done")
    assert {p["index"] for p in body["sales"]} == {1}
    assert "sales.1.number: Input should be a valid string" in [p["problem"] for p in body["sales"]]
    assert post(client, key, [sale(f"N{i}") for i in range(501)])[0] == 422
    assert client.get("/api/v1/openapi.json").get_json()["openapi"] == "3.1.0"
    assert balance(shops.by_gstin, shops.program_id) == 0
