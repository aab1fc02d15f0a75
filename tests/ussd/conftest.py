"""A stand-in for Africa's Talking's gateway: dial, press keys, read CON/END screens."""

from __future__ import annotations

import uuid

import pytest

from tests.redeem.conftest import cempro, retailer  # noqa: F401 - fixtures used here too

KEY = "test-ussd-key"
PATH = f"/webhooks/ussd/africastalking/{KEY}"


class Dial:
    """One USSD session: every input so far, joined by `*` as the gateway sends them."""

    def __init__(self, client, phone: str, service_code: str = "*123#",
                 seen: list[str] | None = None) -> None:
        self.client, self.phone, self.service_code = client, phone, service_code
        self.seen = seen if seen is not None else []
        self.session_id = "ATUid_" + uuid.uuid4().hex
        self.inputs: list[str] = []
        self.screens: list[str] = []
        self.last = self._post("")

    @property
    def text(self) -> str:
        return "*".join(self.inputs)

    def form(self, text: str) -> dict:
        return {"sessionId": self.session_id, "serviceCode": self.service_code,
                "phoneNumber": self.phone, "networkCode": "40445", "text": text}

    def _post(self, text: str) -> str:
        response = self.client.post(PATH, data=self.form(text))
        response.close()  # runs in-process jobs, as a real server does
        assert response.status_code == 200, response.data
        body = response.get_data(as_text=True)
        assert body.startswith(("CON ", "END ")), body
        self.screens.append(body)
        self.seen.append(body)
        return body

    def press(self, key: str) -> str:
        """Type `key` and send: the gateway posts every input so far."""
        self.inputs.append(key)
        self.last = self._post(self.text)
        return self.last

    def again(self) -> str:
        """The gateway delivers the last request once more."""
        return self._post(self.text)

    @property
    def closed(self) -> bool:
        return self.last.startswith("END ")


class Gateway:
    def __init__(self, client) -> None:
        self.client = client
        self.seen: list[str] = []  # every screen of every dial

    def dial(self, phone: str, service_code: str = "*123#") -> Dial:
        return Dial(self.client, phone, service_code, self.seen)

    def post(self, data: dict, path: str = PATH, **kwargs):
        response = self.client.post(path, data=data, **kwargs)
        response.close()
        return response


@pytest.fixture
def gateway(app) -> Gateway:
    app.config["USSD_KEY"] = KEY
    return Gateway(app.test_client())
