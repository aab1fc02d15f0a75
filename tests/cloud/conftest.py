"""Cloud API fixtures: the Graph API stand-in, wired into the test app, and a webhook client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cloud.graphstub import CloudClient, Graph, cloud_config


@pytest.fixture
def graph(app) -> Iterator[Graph]:
    stand_in = Graph()
    with stand_in.stub:
        app.config.update(cloud_config(stand_in))
        yield stand_in


@pytest.fixture
def cloud(app, graph) -> CloudClient:
    return CloudClient(app.test_client())
