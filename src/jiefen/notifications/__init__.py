"""Notification adapters: SMS over HTTP to a gateway, e-mail over SMTP, post (EMS 法院专递) over
HTTP to a postal service; signed delivery receipts come back to a callback (docs/notifications.md)."""

from jiefen.notifications.adapters import (
    CHANNELS,
    Channel,
    DeliveryResult,
    EmailAdapter,
    Message,
    NotificationAdapter,
    SmsGatewayAdapter,
    adapter_for,
    send,
    send_many,
)
from jiefen.notifications.post import PostalAdapter, s10_check_digit
from jiefen.notifications.receipts import sign, verify

__all__ = [
    "CHANNELS",
    "Channel",
    "DeliveryResult",
    "EmailAdapter",
    "Message",
    "NotificationAdapter",
    "PostalAdapter",
    "SmsGatewayAdapter",
    "adapter_for",
    "s10_check_digit",
    "send",
    "send_many",
    "sign",
    "verify",
]
