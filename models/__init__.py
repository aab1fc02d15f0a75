"""Tables and the domain operations on them. Importing this package registers every table."""

from models import conversation, inbox, ledger, outbox, partner, program, review  # noqa: F401
from models.base import Base

metadata = Base.metadata
