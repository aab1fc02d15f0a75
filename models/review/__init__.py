"""One review queue for everything that waits for a person (flagged scans, unsure invoices,
fast certifications, over-budget earns)."""

from models.review.queue import (
    ReviewError,
    ReviewItem,
    decide,
    describe,
    get,
    kinds,
    pending,
    register,
    submit,
    valid_actor,
)

__all__ = ["ReviewError", "ReviewItem", "decide", "describe", "get", "kinds", "pending",
           "register", "submit", "valid_actor"]
