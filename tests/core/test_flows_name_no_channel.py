"""DESIGN rule 1: flows know nothing of channels. A flow asks what the partner's channel can
carry (`message.traits`), never which channel it is, so a new channel changes no flow. (A flow
may pass the channel on, untouched: to a job that answers there, or onto a ticket.)"""

import ast
from pathlib import Path

from bot.messages import ANY_CHANNEL, TRAITS, InboundMessage

FLOWS = Path(__file__).resolve().parents[2] / "flows"


def _channel_names_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in TRAITS:
            found.append(f"{path.name}:{node.lineno} {node.value!r}")
        if isinstance(node, ast.Compare) and any(
                isinstance(side, ast.Attribute) and side.attr == "channel"
                for side in (node.left, *node.comparators)):
            found.append(f"{path.name}:{node.lineno} compares .channel")
    return found


def test_no_flow_names_a_channel_or_reads_it():
    named = [hit for path in sorted(FLOWS.glob("*.py")) for hit in _channel_names_in(path)]
    assert named == []


def test_a_channel_without_traits_is_a_full_chat():
    message = InboundMessage(channel="telegram", sender="+919800000001", text="hi",
                             provider_id="t1")
    assert message.traits == ANY_CHANNEL
    assert message.traits.sends_files and message.traits.free_text
    assert not (message.traits.keywords or message.traits.paged or message.traits.short_form)


def test_ussd_takes_no_files_and_no_typed_words():
    ussd = TRAITS["ussd"]
    assert not ussd.sends_files and not ussd.free_text and not ussd.opens_links
