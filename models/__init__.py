"""Tables and the domain operations on them. Importing this package registers every table."""

from models import conversation, inbox, outbox, partner, program, review  # noqa: F401
from models import ledger_tables  # noqa: F401  (ledger)
from models.base import Base

metadata = Base.metadata
