"""The sample Rasa project's training data is generated from the embedded NLU's utterances,
and names only intents its domain declares and actions Saathi's server serves."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bot.web.rasa_actions import ACTIONS
from models import yamltext

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "docs" / "rasa"
_spec = importlib.util.spec_from_file_location("rasa_nlu", ROOT / "scripts" / "rasa_nlu.py")
rasa_nlu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rasa_nlu)
NLU = rasa_nlu.NLU


def test_nlu_data_is_current():
    assert NLU.read_text(encoding="utf-8") == rasa_nlu.nlu_yaml(), "run scripts/rasa_nlu.py"


def test_domain_rules_and_actions_agree():
    domain = yamltext.load_shared((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    nlu = yamltext.load_shared(NLU.read_text(encoding="utf-8"))
    rules = yamltext.load_shared((PROJECT / "data" / "rules.yml").read_text(encoding="utf-8"))
    assert {block["intent"] for block in nlu["nlu"]} == set(domain["intents"])
    assert set(domain["actions"]) == set(ACTIONS)
    steps = [step for rule in rules["rules"] for step in rule["steps"]]
    assert {s["intent"] for s in steps if "intent" in s} == {*domain["intents"], "nlu_fallback"}
    assert {s["action"] for s in steps if "action" in s} == set(ACTIONS)
