"""Schemathesis fuzzes POST /api/v1/sales from the OpenAPI document the app serves: whatever
it sends, valid or not, the answer is one the document describes, and never a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.sales.test_api import make_key


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_the_sales_api_answers_as_its_document_says(app, shops, mode):
    headers = {"Authorization": f"Bearer {make_key(app)}"}
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[
        "/api/v1/sales"]["POST"]

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=4, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def answers(case) -> None:
        response = case.call_and_validate(headers=headers)  # raises on an undocumented answer
        statuses.append(response.status_code)

    statuses: list[int] = []
    answers()
    assert statuses and max(statuses) < 500, statuses
