"""Sales vouchers from TallyPrime's XML export (Display > Day Book > Export, XML): streamed
voucher by voucher with defusedxml, which refuses DTDs, entities and external references (an
XML bomb or an XXE file is refused before anything is read from it).

    ENVELOPE/BODY/IMPORTDATA/REQUESTDATA/TALLYMESSAGE/VOUCHER
        VOUCHERTYPENAME  Sales | Credit Note      DATE  YYYYMMDD
        VOUCHERNUMBER    PARTYLEDGERNAME          PARTYGSTIN  PARTYPINCODE  PARTYMOBILE
        ALLINVENTORYENTRIES.LIST (or INVENTORYENTRIES.LIST)
            STOCKITEMNAME  HSN / GSTHSNNAME  ACTUALQTY  AMOUNT
        LEDGERENTRIES.LIST with ISPARTYLEDGER Yes: AMOUNT is the invoice total (negative
            on a sale: the party is debited)
        a credit note's original invoice: BILLALLOCATIONS.LIST NAME (BILLTYPE Agst Ref),
            else REFERENCE
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from models.sales.lines import FileRefused, RawLine

SALE_TYPES = ("sales", "credit note")
_ITEMS = ("ALLINVENTORYENTRIES.LIST", "INVENTORYENTRIES.LIST")
_LEDGERS = ("LEDGERENTRIES.LIST", "ALLLEDGERENTRIES.LIST")


class _NoControlRefs:
    """The file with TallyPrime's references to control characters (`&#4;` marks an empty
    value in its exports) dropped: XML 1.0 forbids them, so a parser would refuse the file.
    Byte-wise, so for UTF-8 (and ASCII) files; a UTF-16 export is read as it is."""

    _REF = re.compile(rb"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-f]));",
                      re.IGNORECASE)

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.held = stream, b""

    def read(self, _size: int = -1) -> bytes:
        while True:
            chunk = self.stream.read(1 << 16)
            data, self.held = self.held + chunk, b""
            cut = data.rfind(b"&")  # a reference cut in two waits for the next read
            if chunk and cut != -1 and b";" not in data[cut:] and len(data) - cut < 12:
                data, self.held = data[:cut], data[cut:]
            if data or not chunk:
                return self._REF.sub(b"", data)


def read(stream: BinaryIO) -> Iterator[RawLine]:
    """Every sales or credit-note voucher in the file, in order; others are skipped."""
    parents: list[Element] = []
    count = 0
    try:
        for event, element in iterparse(_NoControlRefs(stream), events=("start", "end"),
                                        forbid_dtd=True):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            if element.tag != "VOUCHER":
                continue
            count += 1
            line = _line(count, element)
            if parents:
                parents[-1].remove(element)  # memory stays bounded: the voucher is done
            if line is not None:
                yield line
    except DefusedXmlException as exc:
        raise FileRefused(f"the XML file declares a DTD or entities, which are refused "
                          f"({type(exc).__name__})") from None
    except ParseError as exc:
        raise FileRefused(f"the XML file is not well-formed ({exc})") from None


def _text(element: Element, *tags: str) -> str:
    for tag in tags:
        found = element.find(tag)
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return ""


def _line(count: int, voucher: Element) -> RawLine | None:
    kind = _text(voucher, "VOUCHERTYPENAME") or voucher.get("VCHTYPE", "")
    if kind.strip().lower() not in SALE_TYPES:
        return None
    items = [{"name": _text(entry, "STOCKITEMNAME"),
              "hsn": _text(entry, "HSN", "HSNCODE", "GSTHSNNAME"),
              "quantity": _text(entry, "ACTUALQTY", "BILLEDQTY"),
              "amount": _text(entry, "AMOUNT")}
             for tag in _ITEMS for entry in voucher.iter(tag)]
    party = next((entry for tag in _LEDGERS for entry in voucher.iter(tag)
                  if _text(entry, "ISPARTYLEDGER").lower() == "yes"), None)
    total = _text(party, "AMOUNT") if party is not None else ""
    against = next((_text(bill, "NAME") for bill in voucher.iter("BILLALLOCATIONS.LIST")
                    if _text(bill, "BILLTYPE").lower() == "agst ref"), "")
    return RawLine(
        row=count, number=_text(voucher, "VOUCHERNUMBER"), date=_text(voucher, "DATE"),
        date_format="%Y%m%d", amount=total.lstrip("-") or _sum(items), kind=kind,
        against=against or _text(voucher, "REFERENCE"),
        buyer_gstin=_text(voucher, "PARTYGSTIN"), buyer_phone=_text(voucher, "PARTYMOBILE"),
        buyer_name=_text(voucher, "PARTYLEDGERNAME", "BASICBUYERNAME"),
        buyer_pincode=_text(voucher, "PARTYPINCODE"), items=items)


def _sum(items: list[dict]) -> str:
    """The items' total when no party ledger line gives the invoice's."""
    try:
        return f"{sum(abs(float(i['amount'].replace(',', ''))) for i in items if i['amount']):.2f}"
    except ValueError:
        return ""
