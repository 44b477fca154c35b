"""The notification adapter interface and its implementations (SMS, e-mail, post).

Callers build `Message`s and call `send`/`send_many`; which wire is used is the adapter's
business. The SMS adapter speaks a small JSON protocol over HTTP (the local simulator in
`jiefen.notifications.gateway` implements it; a real carrier is one more adapter class). The
e-mail adapter speaks real SMTP; the postal adapter (EMS 法院专递, `jiefen.notifications.post`) posts
mailings to a postal service over HTTP. Delivery receipts come back later, signed, to a callback
URL (`jiefen.notifications.receipts`). Nothing here touches the database: the caller records what the
channel answered (evidence of notice, 在线诉讼规则 Art. 31).
"""

from __future__ import annotations

import json
import math
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Literal, Protocol

from jiefen.notifications.config import NotifySettings, load

Channel = Literal["sms", "email", "post"]
CHANNELS: tuple[Channel, ...] = ("sms", "email", "post")


@dataclass(frozen=True)
class Message:
    """One notice on one channel. `to` is the phone number, e-mail address or postal address;
    `recipient` is the addressee's name (needed on an envelope); `reference` is the caller's own
    id (e.g. the service attempt), echoed in the delivery receipt so it can be matched."""

    channel: Channel
    to: str
    body: str
    subject: str = ""
    recipient: str = ""
    reference: str = ""


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    provider_id: str = ""
    error: str = ""


class NotificationAdapter(Protocol):
    def send_many(self, messages: Sequence[Message]) -> list[DeliveryResult]: ...


def post_json(url: str, payload: dict[str, Any], api_key: str, timeout: float) -> dict[str, Any]:
    """POST JSON with a Bearer key; raises URLError/OSError/ValueError when the wire fails."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {api_key}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


class SmsGatewayAdapter:
    """POST {base}/api/messages with {"messages": [{"to", "text", "reference"}], "callback"?}
    → {"results": [{"id", "status": "accepted"}|{"error"}]}; the delivered/failed outcome
    arrives later as a signed receipt at `JIEFEN_SMS_RECEIPT_URL`."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send_many(self, messages: Sequence[Message]) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        for start in range(0, len(messages), 500):  # the protocol's batch limit
            results.extend(self._post(messages[start : start + 500]))
        return results

    def _post(self, chunk: Sequence[Message]) -> list[DeliveryResult]:
        s = self.settings
        payload: dict[str, Any] = {
            "messages": [
                {"to": m.to, "text": f"{s.sms_sender}{m.body}", "reference": m.reference}
                for m in chunk
            ]
        }
        if s.sms_receipt_url:
            payload["callback"] = s.sms_receipt_url
        try:
            answer = post_json(
                f"{s.sms_gateway_url}/api/messages", payload, s.sms_api_key, s.timeout
            )
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return [DeliveryResult(False, error=f"短信网关不可用：{exc}")] * len(chunk)
        return [
            DeliveryResult(True, provider_id=str(r["id"]))
            if "id" in r
            else DeliveryResult(False, error=str(r.get("error", "未知错误")))
            for r in answer.get("results", [])
        ]


class EmailAdapter:
    """One SMTP session per chunk; each message gets its own Message-ID as the provider id.

    A large send (10,000 notices of a series) is split into up to `JIEFEN_SMTP_SESSIONS`
    sessions run in threads, each with at least `MIN_PER_SESSION` messages; results keep the
    order of the messages.
    """

    MIN_PER_SESSION = 50

    def __init__(self, settings: NotifySettings, sessions: int | None = None) -> None:
        self.settings = settings
        self.sessions = max(1, sessions if sessions is not None else settings.smtp_sessions)

    def send_many(self, messages: Sequence[Message]) -> list[DeliveryResult]:
        n = min(self.sessions, max(1, len(messages) // self.MIN_PER_SESSION))
        if n == 1:
            return self._session(messages)
        size = math.ceil(len(messages) / n)
        chunks = [messages[i : i + size] for i in range(0, len(messages), size)]
        with ThreadPoolExecutor(max_workers=len(chunks), thread_name_prefix="smtp") as pool:
            parts = list(pool.map(self._session, chunks))
        return [r for part in parts for r in part]

    def _session(self, messages: Sequence[Message]) -> list[DeliveryResult]:
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
        except OSError as exc:
            return [DeliveryResult(False, error=f"邮件服务器不可用：{exc}")] * len(messages)
        results: list[DeliveryResult] = []
        with smtp:
            try:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password)
            except (smtplib.SMTPException, OSError) as exc:
                return [DeliveryResult(False, error=f"邮件服务器拒绝登录：{exc}")] * len(messages)
            for m in messages:
                results.append(self._one(smtp, m))
        return results

    def _one(self, smtp: smtplib.SMTP, m: Message) -> DeliveryResult:
        mail = EmailMessage()
        mail["From"] = self.settings.mail_from
        mail["To"] = m.to
        mail["Subject"] = m.subject or "解纷平台通知"
        msg_id = make_msgid(domain="jiefen.local")
        mail["Message-ID"] = msg_id
        mail.set_content(m.body)
        try:
            refused = smtp.send_message(mail)
        except smtplib.SMTPException as exc:
            return DeliveryResult(False, error=str(exc))
        return DeliveryResult(
            not refused, provider_id=msg_id, error="; ".join(refused) if refused else ""
        )


def adapter_for(channel: Channel, settings: NotifySettings | None = None) -> NotificationAdapter:
    s = settings or load()
    if channel == "post":
        from jiefen.notifications.post import PostalAdapter  # post.py imports this module

        return PostalAdapter(s)
    return SmsGatewayAdapter(s) if channel == "sms" else EmailAdapter(s)


def send_many(messages: Sequence[Message]) -> list[DeliveryResult]:
    """Send a mixed list; results come back in the order of `messages`."""
    results: list[DeliveryResult | None] = [None] * len(messages)
    settings = load()
    for channel in CHANNELS:
        idx = [i for i, m in enumerate(messages) if m.channel == channel]
        if idx:
            sent = adapter_for(channel, settings).send_many([messages[i] for i in idx])
            for i, r in zip(idx, sent, strict=True):
                results[i] = r
    return [r or DeliveryResult(False, error="未发送") for r in results]


def send(message: Message) -> DeliveryResult:
    return send_many([message])[0]
