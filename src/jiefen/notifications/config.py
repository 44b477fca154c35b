"""Notification settings from the environment, with demo defaults (all local, nothing leaves the box).

JIEFEN_SMS_GATEWAY_URL   base URL of the SMS gateway (default: the simulator, http://127.0.0.1:8026)
JIEFEN_SMS_API_KEY       sent as `Authorization: Bearer …` (the simulator accepts any value)
JIEFEN_SMS_SENDER        sender signature shown before the text (default 【解纷平台】)
JIEFEN_SMTP_HOST/PORT    SMTP server (default 127.0.0.1:8025, e.g. `python -m aiosmtpd -n`)
JIEFEN_SMTP_USER/PASSWORD, JIEFEN_SMTP_STARTTLS, JIEFEN_MAIL_FROM
JIEFEN_NOTIFY_TIMEOUT    seconds per request (default 5)
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class NotifySettings:
    sms_gateway_url: str
    sms_api_key: str
    sms_sender: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    mail_from: str
    timeout: float


def load() -> NotifySettings:
    env = os.environ.get
    return NotifySettings(
        sms_gateway_url=env("JIEFEN_SMS_GATEWAY_URL", "http://127.0.0.1:8026").rstrip("/"),
        sms_api_key=env("JIEFEN_SMS_API_KEY", "demo-key"),
        sms_sender=env("JIEFEN_SMS_SENDER", "【解纷平台】"),
        smtp_host=env("JIEFEN_SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env("JIEFEN_SMTP_PORT", "8025")),
        smtp_user=env("JIEFEN_SMTP_USER", ""),
        smtp_password=env("JIEFEN_SMTP_PASSWORD", ""),
        smtp_starttls=env("JIEFEN_SMTP_STARTTLS", "").lower() in {"1", "true", "yes"},
        mail_from=env("JIEFEN_MAIL_FROM", "noreply@jiefen.local"),
        timeout=float(env("JIEFEN_NOTIFY_TIMEOUT", "5")),
    )
