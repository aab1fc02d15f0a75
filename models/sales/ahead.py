"""A file's lines checked ahead of the database: while one chunk's transaction runs (the
importer waits on PostgreSQL, and Python's lock is free), a thread of its own reads, checks
and matches the next chunk's lines. What it does needs no database: the row checks
(`lines.validate`), the claim key, a number seen before in the same file, the buyer from the
index built at the start, what the invoice earns by the program's rules. The crediting stays
on the importer's one connection.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from itertools import islice
from queue import Empty, Queue
from typing import NamedTuple

from flask import current_app, has_app_context

from models.invoices.credits import credits_for
from models.invoices.invoice import claim_key
from models.programs.schema import ProgramSpec
from models.sales.crediting import NewInvoice
from models.sales.lines import Invalid, RawLine, Sale, validate
from models.sales.matching import Buyer, BuyerIndex

SWITCH_SECONDS = 0.001


@dataclass(frozen=True)
class Ready:
    """A line checked: the sale (or why it is not one) and what it needs no database for."""
    sale: Sale | Invalid
    key: str | None = None  # "<seller GSTIN>|<number>" of the row's number (the report's key)
    first: int | None = None  # a sale: the earlier row of this file with the same number
    buyer: Buyer | None = None  # a sale's buyer, when it is not a repeat
    credits: int = 0  # what its invoice would earn before the tier multiplier (`credits_for`)
    invoice: NewInvoice | None = None  # the invoice a sale with a buyer would write

    @property
    def claims(self) -> bool:
        """A sale (not a credit note) that claims its key."""
        return isinstance(self.sale, Sale) and not self.sale.is_return and self.first is None


class _Goods(NamedTuple):
    """What `credits_for` reads of an invoice, as `apply_sale` will make it of a sale."""
    total_paise: int
    items: tuple[dict, ...]
    hsn: None = None


def ready_chunks(lines: Iterable[RawLine], size: int, seller_gstin: str, buyers: BuyerIndex,
                 spec: ProgramSpec, program_id: int | None = None, source: str = ""
                 ) -> Iterator[list[Ready]]:
    """`lines` checked, `size` at a time, for the program of `spec`; given the program's id
    and the feed's source, with the invoice each sale with a buyer would write (and its
    row's fixed columns: `NewInvoice.fixed`), made here rather than between statements."""
    seen: dict[str, int] = {}  # keys in this file: the row that had each first
    lines = iter(lines)
    while batch := list(islice(lines, size)):
        ready = [_ready(line, seller_gstin, buyers, spec, seen) for line in batch]
        if program_id is not None:
            ready = [_with_invoice(r, program_id, source, seller_gstin) for r in ready]
        yield ready


def _with_invoice(ready: Ready, program_id: int, source: str, seller_gstin: str) -> Ready:
    if ready.buyer is None:
        return ready
    sale = ready.sale
    invoice = NewInvoice(
        partner_id=ready.buyer.partner_id, program_id=program_id, source=source,
        seller_gstin=seller_gstin, number=sale.number, invoice_date=sale.day,
        total_paise=sale.total_paise, buyer_gstin=sale.buyer_gstin, items=list(sale.items),
        claim=ready.key)
    invoice.fixed  # noqa: B018 (worked out now, by this thread)
    return replace(ready, invoice=invoice)


def _ready(line: RawLine, seller_gstin: str, buyers: BuyerIndex, spec: ProgramSpec,
           seen: dict[str, int]) -> Ready:
    try:
        sale = validate(line)
    except Invalid as exc:
        exc.row, exc.number = line.row, line.number.strip()[:40]
        return Ready(exc, sale_key_of(seller_gstin, exc.number))
    key = sale_key_of(seller_gstin, sale.number)
    if sale.is_return:
        return Ready(sale, key)
    first = seen.setdefault(key, sale.row)
    if first != sale.row:
        return Ready(sale, key, first)
    buyer = buyers.find(sale)
    if buyer is None:
        return Ready(sale, key)
    return Ready(sale, key, buyer=buyer,
                 credits=credits_for(spec, _Goods(sale.total_paise, sale.items)))


def sale_key_of(seller_gstin: str, number: str) -> str | None:
    """The row's key (`crediting.sale_key`), when it has a number."""
    return claim_key(seller_gstin, number) if number else None


@contextmanager
def read_ahead(items: Iterator, depth: int = 1) -> Iterator[Iterator]:
    """`items`, produced by a thread of their own up to `depth` ahead of the caller (in the
    app's context); its exception raised where the caller takes the item it stopped at."""
    app = current_app._get_current_object() if has_app_context() else None
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        with app.app_context() if app is not None else nullcontext():
            try:
                for item in items:
                    queue.put((item, None))
                    if stop.is_set():
                        return
                queue.put((end, None))
            except BaseException as exc:  # handed to the caller, raised there
                queue.put((end, exc))

    def taken() -> Iterator:
        while True:
            item, exc = queue.get()
            if exc is not None:
                raise exc
            if item is end:
                return
            yield item

    thread = threading.Thread(target=produce, name="sales-read-ahead", daemon=True)
    with _short_switches():
        thread.start()
        try:
            yield taken()
        finally:
            stop.set()
            while thread.is_alive():  # unblock its put, should the caller have stopped early
                try:
                    queue.get(timeout=0.05)
                except Empty:
                    continue


# Read-aheads running in this process (imports may overlap: the sales API's pushes in a web
# server's threads), and the switch interval before the first of them
_running = 0
_interval = 0.0
_switching = threading.Lock()


@contextmanager
def _short_switches() -> Iterator[None]:
    """Python's switch interval at most SWITCH_SECONDS while any read-ahead runs: the caller,
    back from a statement, waits this long at most for the reader to let go of Python's
    lock (5 ms by default: a chunk's 20 statements would wait up to 100 ms). The first to
    start shortens it, the last to end puts back what it was."""
    global _running, _interval
    with _switching:
        if not _running:
            _interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_interval, SWITCH_SECONDS))
        _running += 1
    try:
        yield
    finally:
        with _switching:
            _running -= 1
            if not _running:
                sys.setswitchinterval(_interval)
