"""Sales rows from a distributor's CSV or XLSX export, read through the column mapping in the
program YAML (`distributors: - sales_columns:`). Both stream: a CSV line by line, a workbook
with openpyxl's read-only mode; neither holds the file in memory.

A CSV must be UTF-8 (with or without BOM) or UTF-16 with a BOM, which is what Excel's "CSV
UTF-8" and "Unicode text" save; anything else is refused before a row is read. Workbook cells
holding formulas are refused row by row (their value is whatever Excel last cached, or
nothing), as are the first sheet's rows past the mapped columns' header.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from models.programs.schema import SalesColumns
from models.sales.lines import FileRefused, RawLine

FIELDS = ("number", "date", "amount", "buyer_gstin", "buyer_phone", "buyer_name",
          "buyer_pincode", "item", "hsn", "quantity", "kind", "against")
_CHUNK = 1 << 20


def csv_encoding(path: Path) -> str:
    """The file's encoding, after decoding all of it in 1 MB chunks (refused if neither)."""
    with path.open("rb") as stream:
        head = stream.read(4)
        encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) \
            else "utf-8-sig"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FileRefused(f"the file is not UTF-8 (byte {offset + exc.start}): save it as "
                              "\"CSV UTF-8\"") from None
    return encoding


def read_csv(path: Path, columns: SalesColumns) -> Iterator[RawLine]:
    with path.open(encoding=csv_encoding(path), newline="") as stream:
        yield from _lines(csv.reader(stream), columns)


def read_xlsx(path: Path, columns: SalesColumns) -> Iterator[RawLine]:
    from openpyxl import load_workbook  # loaded for a workbook only

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(f"not an XLSX workbook ({type(exc).__name__})") from None
    try:
        rows = book.worksheets[0].iter_rows()
        yield from _lines(([_cell(c) for c in row] for row in rows), columns)
    finally:
        book.close()


class _Formula(str):
    """A cell's formula text: the row is refused rather than read."""


def _cell(cell) -> object:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str)
                                                    and value.startswith("=")):
        return _Formula(str(value))
    return value


def _text(value: object, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime(date_format)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _lines(rows: Iterable[list], columns: SalesColumns) -> Iterator[RawLine]:
    rows = iter(rows)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    where = {}
    for name in FIELDS:
        wanted = getattr(columns, name)
        if wanted is None:
            continue
        if wanted.strip().lower() not in header:
            raise FileRefused(f"no column {wanted!r} (for {name}) in the first row")
        where[name] = header.index(wanted.strip().lower())
    for number, row in enumerate(rows, start=1):
        if not any(v not in (None, "") for v in row):
            continue
        values = {name: row[i] if i < len(row) else None for name, i in where.items()}
        formulas = [name for name, v in values.items() if isinstance(v, _Formula)]
        text = {name: v if type(v) is str else _text(v, columns.date_format)  # CSV: all str
                for name, v in values.items()}
        line = RawLine(row=number, date_format=columns.date_format, **{
            k: text.get(k, "") for k in ("number", "date", "amount", "kind", "against",
                                         "buyer_gstin", "buyer_phone", "buyer_name",
                                         "buyer_pincode")})
        if any(text.get(k) for k in ("item", "hsn")):
            line.items = [{"name": text.get("item", ""), "hsn": text.get("hsn", ""),
                           "quantity": text.get("quantity", ""), "amount": ""}]
        if formulas:
            line.refused = f"a formula in the {formulas[0]} cell (type the value instead)"
        yield line
