"""Notification adapters: SMS over HTTP to a gateway, e-mail over SMTP (see docs/notifications.md)."""

from jiefen.notifications.adapters import (
    DeliveryResult,
    EmailAdapter,
    Message,
    NotificationAdapter,
    SmsGatewayAdapter,
    adapter_for,
    send,
    send_many,
)

__all__ = [
    "DeliveryResult",
    "EmailAdapter",
    "Message",
    "NotificationAdapter",
    "SmsGatewayAdapter",
    "adapter_for",
    "send",
    "send_many",
]
