"""Distributors' sales: what their accounting systems export (TallyPrime XML, CSV, XLSX) or
push (the API), credited through the invoice rules (`crediting`, `returns`), with a result per
row (`tables`). Readers: `tally`, `tabular`; checks: `lines`; buyers: `matching`."""

from models.sales import apikeys, pushes
from models.sales.importer import (
    RowReport,
    Summary,
    UnknownSource,
    distributor_program,
    find_distributor,
    run,
)
from models.sales.lines import FileRefused, RawLine
from models.sales.tables import Outcome, SaleRow, SalesApiKey, SalesBatch

__all__ = [
    "FileRefused",
    "Outcome",
    "RawLine",
    "RowReport",
    "SaleRow",
    "SalesApiKey",
    "SalesBatch",
    "Summary",
    "UnknownSource",
    "apikeys",
    "distributor_program",
    "find_distributor",
    "pushes",
    "run",
]
