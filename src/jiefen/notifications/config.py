"""Notification settings from the environment, with demo defaults (all local, nothing leaves the box).

JIEFEN_SMS_GATEWAY_URL   base URL of the SMS gateway (default: the simulator, http://127.0.0.1:8026)
JIEFEN_SMS_API_KEY       sent as `Authorization: Bearer …` (the simulator accepts any value)
JIEFEN_SMS_SENDER        sender signature shown before the text (default 【解纷平台】)
JIEFEN_SMTP_HOST/PORT    SMTP server (default 127.0.0.1:8025, e.g. `python -m aiosmtpd -n`)
JIEFEN_SMTP_USER/PASSWORD, JIEFEN_SMTP_STARTTLS, JIEFEN_MAIL_FROM
JIEFEN_SMTP_SESSIONS     parallel SMTP sessions for a large send (default 4)
JIEFEN_SMS_RECEIPT_URL   where the gateway posts delivery receipts (default: none, no callback)
JIEFEN_POSTAL_URL        base URL of the postal (EMS 法院专递) service (default http://127.0.0.1:8027)
JIEFEN_POSTAL_API_KEY    sent as `Authorization: Bearer …` to the postal service
JIEFEN_POSTAL_RECEIPT_URL where the postal service posts signed/returned receipts (default: none)
JIEFEN_RECEIPT_SECRET    shared HMAC secret of receipts (default demo-receipt-secret)
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
    smtp_sessions: int = 4
    sms_receipt_url: str = ""
    postal_url: str = "http://127.0.0.1:8027"
    postal_api_key: str = "demo-key"
    postal_receipt_url: str = ""
    receipt_secret: str = "demo-receipt-secret"


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
        smtp_sessions=max(1, int(env("JIEFEN_SMTP_SESSIONS", "4"))),
        sms_receipt_url=env("JIEFEN_SMS_RECEIPT_URL", ""),
        postal_url=env("JIEFEN_POSTAL_URL", "http://127.0.0.1:8027").rstrip("/"),
        postal_api_key=env("JIEFEN_POSTAL_API_KEY", "demo-key"),
        postal_receipt_url=env("JIEFEN_POSTAL_RECEIPT_URL", ""),
        receipt_secret=env("JIEFEN_RECEIPT_SECRET", "demo-receipt-secret"),
    )
