"""Errors of the flows package: each is a bug in a flow's table, never a partner's mistake."""

from __future__ import annotations


class FlowError(ValueError):
    """A flow's table is inconsistent, or a step went where its table does not say it may."""
