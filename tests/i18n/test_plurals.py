"""Counts in messages use gettext plural forms: each catalog's Plural-Forms header follows the
language's CLDR rule (Hindi, Gujarati, Kannada and Bengali treat 0 like 1), every plural entry
is translated in all its forms, and a partner reads "1 try left" but "2 tries left"."""

from __future__ import annotations

import re
from gettext import c2py

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALES_DIR
from models.db import unit_of_work
from models.partners.partner import Partner
from tests.redeem.conftest import RETAILER, add_partner, cempro, last_otp, start_upi  # noqa: F401

CATALOG_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]


def _po(lang: str):
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_plural_forms_header_follows_the_languages_cldr_rule(lang):
    catalog = _po(lang)
    rule = Locale.parse(lang).plural_form
    expected = [0 if rule(n) == "one" else 1 for n in range(0, 1001)]
    chosen = [_index(catalog.plural_expr, n) for n in range(0, 1001)]
    assert catalog.num_plurals == 2, f"{lang}: {catalog.plural_forms}"
    wrong = [n for n in range(0, 1001) if chosen[n] != expected[n]]
    assert not wrong, f"{lang}: {catalog.plural_forms} picks the wrong form for n = {wrong[:5]}"


def _index(expr: str, n: int) -> int:
    return c2py(expr)(n)


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_every_plural_entry_is_translated_in_every_form(lang):
    catalog = _po(lang)
    plurals = [m for m in catalog if m.id and m.pluralizable]
    assert plurals, "no message uses plural forms (NP_) yet"
    incomplete = [m.id[0] for m in plurals
                  if len(m.string) != catalog.num_plurals or not all(m.string)]
    assert not incomplete, f"{lang}: plural forms missing for {incomplete[:5]}"


def _without_digits(text: str) -> str:
    return re.sub(r"\d", "#", text)


@pytest.mark.parametrize("lang", ["en", "hi", "ta"])
def test_one_try_left_reads_differently_from_two(twilio, cempro, lang):  # noqa: F811
    partner_id = add_partner(cempro, RETAILER, 2000, upi_vpa="rajesh.kumar@okhdfc")
    with unit_of_work() as session:
        session.get(Partner, partner_id).language = lang
    start_upi(twilio)
    wrong = "000000" if last_otp(RETAILER) != "000000" else "111111"
    two_left = twilio.chat(RETAILER, wrong)[0]
    one_left = twilio.chat(RETAILER, wrong)[0]
    assert "2" in two_left and "1" in one_left
    assert _without_digits(two_left) != _without_digits(one_left), \
        f"{lang}: '{one_left}' uses the same words as '{two_left}'"


# A count placeholder followed by a noun in the plural ("{days} days", "{count} more credits")
# must be a plural entry, or "1 days" is what the partner reads.
COUNTED_NOUN = re.compile(r"\{(count|credits|days|minutes|tries|n|total|limit|balance|step|"
                          r"score|done|parts)\}(?: more)? [a-z]+s\b")


def test_counts_followed_by_a_plural_noun_are_plural_entries():
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    fixed = sorted(m.id for m in template if m.id and not m.pluralizable
                   and COUNTED_NOUN.search(m.id))
    assert not fixed, f"use NP_() for these counts: {fixed}"
