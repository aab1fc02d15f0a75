"""The domain: one sub-package per concept, each with its tables and operations. Importing this
package registers every table. Nothing here imports bot/, flows/ or workers/."""

from models.admin import audit as admin_audit  # noqa: F401
from models.admin import rollup as admin_rollup  # noqa: F401
from models.admin import users as admin_users  # noqa: F401
from models.base import Base
from models.campaigns import tables as campaign_tables  # noqa: F401
from models.codes import review as codes_review  # noqa: F401
from models.codes import tables as codes_tables  # noqa: F401
from models.enrollment import batches, bulk, join  # noqa: F401
from models.invoices import rules as invoice_rules  # noqa: F401
from models.jobs import heartbeats, records  # noqa: F401
from models.learning import certificates, progress  # noqa: F401
from models.ledger import operations, tier_history  # noqa: F401
from models.messaging import contents, conversation, inbox, outbox, ussd  # noqa: F401
from models.partners import partner  # noqa: F401
from models.privacy import consent  # noqa: F401
from models.programs import program  # noqa: F401
from models.redemptions import otp, redemption, vouchers  # noqa: F401
from models.review import queue  # noqa: F401
from models.sales import tables as sales_tables  # noqa: F401
from models.support import tickets  # noqa: F401
from models.webhooks import deliveries as webhook_deliveries  # noqa: F401

metadata = Base.metadata
