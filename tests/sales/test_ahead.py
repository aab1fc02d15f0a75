"""The importer's read-ahead thread: lines checked while the database works, in order, its
errors raised where the importer takes the next chunk, and stopped with the import."""

from __future__ import annotations

import sys
import threading

import pytest
import yaml

from models.programs.schema import parse
from models.sales.ahead import SWITCH_SECONDS, read_ahead, ready_chunks
from models.sales.lines import FileRefused, RawLine, Sale
from models.sales.matching import BuyerIndex
from tests.sales.conftest import PROGRAMS
from tests.sales.samples import gstin

SELLER = gstin(9)
SPEC = parse(yaml.safe_load((PROGRAMS / "elec.yaml").read_text()))


def line(row: int, number: str) -> RawLine:
    return RawLine(row=row, number=number, date="20-11-2026", amount="5,000.50",
                   buyer_phone="9840111222")


def test_chunks_come_in_order_with_repeats_found_across_chunks():
    buyers = BuyerIndex(phone={"+919840111222": 7})
    lines = [line(1, "A/1"), line(2, "A/2"), line(3, "a/1"), line(4, "")]
    with read_ahead(ready_chunks(lines, 2, SELLER, buyers, SPEC)) as chunks:
        got = list(chunks)
    assert [[r.sale.row for r in chunk] for chunk in got] == [[1, 2], [3, 4]]
    first, _second, repeat, invalid = [r for chunk in got for r in chunk]
    assert (first.buyer.partner_id, first.claims, first.key) == (7, True, f"{SELLER}|A/1")
    assert first.credits == 5  # ₹5,000.50 of no listed item: 1 credit per whole ₹1,000
    assert (repeat.first, repeat.claims, repeat.buyer) == (1, False, None)
    assert not isinstance(invalid.sale, Sale) and invalid.key is None


def test_the_readers_error_is_raised_where_its_chunk_is_taken():
    def lines():
        yield line(1, "A/1")
        yield line(2, "A/2")
        raise FileRefused("the file is not UTF-8")

    taken = []
    with pytest.raises(FileRefused), \
            read_ahead(ready_chunks(lines(), 2, SELLER, BuyerIndex(), SPEC)) as chunks:
        for chunk in chunks:
            taken.append(len(chunk))
    assert taken == [2]


def test_an_import_that_stops_early_stops_the_reader():
    before, interval = set(threading.enumerate()), sys.getswitchinterval()
    endless = (line(n, f"A/{n}") for n in range(1, 10**9))
    with pytest.raises(RuntimeError), \
            read_ahead(ready_chunks(endless, 10, SELLER, BuyerIndex(), SPEC)) as chunks:
        next(chunks)
        raise RuntimeError("the database went away")
    assert set(threading.enumerate()) == before
    assert sys.getswitchinterval() == interval


def test_overlapping_imports_keep_the_short_interval_until_the_last_ends_then_put_it_back():
    """Two imports at once (sales API pushes in a web server's threads): the first to end
    neither restores the interval under the other nor leaves the short one behind."""
    interval = sys.getswitchinterval()
    first, second = read_ahead(iter([1])), read_ahead(iter([2]))
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(min(interval, SWITCH_SECONDS))
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == interval
