"""Flow tables tell the whole dialogue: the engine holds every flow to its table, and the
diagrams in docs/flows/ are the tables as they are."""

from __future__ import annotations

import importlib.util
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import select

import tests.core.testflows  # noqa: F401 - registers the SCRIBBLE and ASTRAY flows
from flows import engine
from flows.engine import END, Flow, Kind, State
from flows.errors import FlowError
from flows.names import FlowName
from models.db import unit_of_work
from models.messaging.conversation import Conversation
from tests.core.testflows import _count

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+919812345678"
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."


class One(StrEnum):
    ONLY = "only"


def _diagrams():
    spec = importlib.util.spec_from_file_location("flow_diagrams",
                                                  ROOT / "scripts" / "flow_diagrams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_committed_flow_diagram_is_generated_from_its_table():
    assert _diagrams().stale() == [], "run `make diagrams` and commit docs/flows/"


def test_every_product_flow_has_a_name_and_a_diagram():
    product = {name for name in engine.FLOWS if not name.startswith("test_")}
    assert product == set(FlowName)
    assert {p.stem for p in (ROOT / "docs" / "flows").glob("*.md")} == product | {"README"}


def test_a_table_leading_to_an_unknown_state_is_refused_at_startup():
    with pytest.raises(FlowError, match="nowhere"):
        Flow(name="broken", states_enum=One, start=One.ONLY,
             states={One.ONLY: State(_count, goes=("nowhere",))})


def test_a_state_that_takes_no_text_needs_the_flows_text_fallback():
    with pytest.raises(FlowError, match="takes no text"):
        Flow(name="broken", states_enum=One, start=One.ONLY,
             states={One.ONLY: State(media=_count, goes=(END,))})


def test_a_state_that_neither_answers_nor_moves_on_is_refused():
    with pytest.raises(FlowError, match="neither takes"):
        Flow(name="broken", states_enum=One, start=One.ONLY, states={One.ONLY: State()})


def test_a_table_leading_to_an_unregistered_flow_is_refused_by_the_startup_check(monkeypatch):
    flow = Flow(name="test_orphan", states_enum=One, start=One.ONLY,
                states={One.ONLY: State(_count, goes=(FlowName.WALLET,))})
    monkeypatch.setitem(engine.FLOWS, "test_orphan", flow)
    monkeypatch.delitem(engine.FLOWS, FlowName.WALLET)
    with pytest.raises(FlowError, match="unregistered flow 'wallet'"):
        engine.check()


def test_the_default_fallbacks_answer_files_and_locations_a_state_does_not_take():
    wallet = engine.FLOWS[FlowName.WALLET]
    assert wallet.state("view").takes == (Kind.TEXT,)
    assert wallet.fallback_for(Kind.MEDIA).to == FlowName.INVOICE  # read as invoice or QR
    assert engine.FLOWS[FlowName.REDEEM].fallback_for(Kind.MEDIA) == engine.FINISH_FIRST
    assert wallet.fallback_for(Kind.LOCATION).again


def _conversation() -> tuple[str, str, dict]:
    with unit_of_work() as session:
        conv = session.scalar(select(Conversation).where(Conversation.phone == PHONE))
        return conv.flow, conv.state, conv.data


def test_a_prompt_that_writes_to_the_conversation_is_refused_and_nothing_is_kept(twilio):
    twilio.chat(PHONE, "hello")
    assert twilio.chat(PHONE, "SCRIBBLE") == [SORRY]
    assert _conversation() == ("menu", "idle", {})


def test_a_step_its_table_does_not_allow_is_refused_and_nothing_is_kept(twilio):
    twilio.chat(PHONE, "ASTRAY")
    assert _conversation()[:2] == ("test_astray", "first")
    assert twilio.chat(PHONE, "go on") == [SORRY]
    assert _conversation()[:2] == ("test_astray", "first")
