"""The notification adapter interface and its two implementations.

Callers build `Message`s and call `send`/`send_many`; which wire is used is the adapter's
business. The SMS adapter speaks a small JSON protocol over HTTP (the local simulator in
`jiefen.notifications.gateway` implements it; a real carrier is one more adapter class). The
e-mail adapter speaks real SMTP. Nothing here touches the database: the caller records what the
channel answered (evidence of notice, 在线诉讼规则 Art. 31).
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal, Protocol

from jiefen.notifications.config import NotifySettings, load

Channel = Literal["sms", "email"]


@dataclass(frozen=True)
class Message:
    channel: Channel
    to: str
    body: str
    subject: str = ""


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    provider_id: str = ""
    error: str = ""


class NotificationAdapter(Protocol):
    def send_many(self, messages: Sequence[Message]) -> list[DeliveryResult]: ...


class SmsGatewayAdapter:
    """POST {base}/api/messages with {"messages": [{"to", "text"}]} → {"results": [{"id"}|{"error"}]}."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send_many(self, messages: Sequence[Message]) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        for start in range(0, len(messages), 500):  # the protocol's batch limit
            results.extend(self._post(messages[start : start + 500]))
        return results

    def _post(self, chunk: Sequence[Message]) -> list[DeliveryResult]:
        payload = {
            "messages": [{"to": m.to, "text": f"{self.settings.sms_sender}{m.body}"} for m in chunk]
        }
        request = urllib.request.Request(
            f"{self.settings.sms_gateway_url}/api/messages",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.settings.sms_api_key}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                answer = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return [DeliveryResult(False, error=f"短信网关不可用：{exc}")] * len(chunk)
        return [
            DeliveryResult(True, provider_id=str(r["id"]))
            if "id" in r
            else DeliveryResult(False, error=str(r.get("error", "未知错误")))
            for r in answer.get("results", [])
        ]


class EmailAdapter:
    """One SMTP session per call; each message gets its own Message-ID as the provider id."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send_many(self, messages: Sequence[Message]) -> list[DeliveryResult]:
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
        except OSError as exc:
            return [DeliveryResult(False, error=f"邮件服务器不可用：{exc}")] * len(messages)
        results: list[DeliveryResult] = []
        with smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            for m in messages:
                mail = EmailMessage()
                mail["From"] = s.mail_from
                mail["To"] = m.to
                mail["Subject"] = m.subject or "解纷平台通知"
                msg_id = make_msgid(domain="jiefen.local")
                mail["Message-ID"] = msg_id
                mail.set_content(m.body)
                try:
                    refused = smtp.send_message(mail)
                except smtplib.SMTPException as exc:
                    results.append(DeliveryResult(False, error=str(exc)))
                    continue
                results.append(
                    DeliveryResult(
                        not refused, provider_id=msg_id, error="; ".join(refused) if refused else ""
                    )
                )
        return results


def adapter_for(channel: Channel, settings: NotifySettings | None = None) -> NotificationAdapter:
    s = settings or load()
    return SmsGatewayAdapter(s) if channel == "sms" else EmailAdapter(s)


def send_many(messages: Sequence[Message]) -> list[DeliveryResult]:
    """Send a mixed list; results come back in the order of `messages`."""
    results: list[DeliveryResult | None] = [None] * len(messages)
    settings = load()
    for channel in ("sms", "email"):
        idx = [i for i, m in enumerate(messages) if m.channel == channel]
        if idx:
            sent = adapter_for(channel, settings).send_many([messages[i] for i in idx])
            for i, r in zip(idx, sent, strict=True):
                results[i] = r
    return [r or DeliveryResult(False, error="未发送") for r in results]


def send(message: Message) -> DeliveryResult:
    return send_many([message])[0]
