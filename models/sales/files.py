"""A sales file on disk to the lines it holds, by its kind: `.xml` (TallyPrime), `.csv`,
`.xlsx`; refused whole when too large, of another kind, or unreadable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import current_app

from models.programs.schema import Distributor
from models.sales import tabular, tally
from models.sales.lines import FileRefused, RawLine

SOURCES = {".xml": "tally", ".csv": "csv", ".xlsx": "xlsx"}


def source_of(path: Path) -> str:
    """The file's source kind; refused when too large or of an unknown kind."""
    source = SOURCES.get(path.suffix.lower())
    if source is None:
        raise FileRefused(f"unknown kind of file {path.suffix!r}: send .xml (TallyPrime), "
                          ".csv or .xlsx")
    limit = current_app.config["SALES_FILE_MAX_MB"]
    if path.stat().st_size > limit * 1024 * 1024:
        raise FileRefused(f"the file is larger than {limit} MB: split it")
    return source


def lines(path: Path, source: str, distributor: Distributor) -> Iterator[RawLine]:
    if source == "tally":
        with path.open("rb") as stream:
            yield from tally.read(stream)
        return
    columns = distributor.sales_columns
    if columns is None:
        raise FileRefused(f"distributor {distributor.code} has no sales_columns in the "
                          "program file")
    reader = tabular.read_csv if source == "csv" else tabular.read_xlsx
    yield from reader(path, columns)


def estimate_rows(path: Path, source: str) -> int:
    """About how many rows the file holds, for a progress bar (a quick count of bytes)."""
    if source == "xlsx":
        return 0
    needle = b"<VOUCHER " if source == "tally" else b"\n"
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(needle)
    return count
