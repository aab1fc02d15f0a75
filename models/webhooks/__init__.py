"""Events out: brands' systems subscribe to what happened in their program (tier changed,
certification granted, redemption paid or returned, partner enrolled); each event becomes a
durable delivery row in the same transaction, POSTed signed and retried with back-off."""

from models.webhooks.deliveries import (
    EVENT_TYPES,
    DeliveryStatus,
    Subscription,
    WebhookDelivery,
    add_subscription,
    due,
    queue_event,
    recent,
    record_attempt,
    remove_subscription,
    signature,
    subscriptions,
)

__all__ = [
    "EVENT_TYPES",
    "DeliveryStatus",
    "Subscription",
    "WebhookDelivery",
    "add_subscription",
    "due",
    "queue_event",
    "recent",
    "record_attempt",
    "remove_subscription",
    "signature",
    "subscriptions",
]
