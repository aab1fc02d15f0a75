"""Opening balances: a brand's existing program moved onto Saathi (`flask ledger
import-balances`). No tables of its own: each row is one ledger entry keyed by the row."""

from models.opening.balances import Reconciliation, RowResult, import_balances

__all__ = ["Reconciliation", "RowResult", "import_balances"]
