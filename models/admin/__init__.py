"""Admin accounts, what each may see, the audit log and the operator controls."""

from models.admin.audit import AuditEntry
from models.admin.users import AccountError, AdminRole, AdminUser

__all__ = ["AccountError", "AdminRole", "AdminUser", "AuditEntry"]
