"""Notices and one-time codes to borrowers, through the notification adapter.

Notices for many cases are queued as rows in one bulk insert and delivered by a task after the
transaction commits (one gateway request per 500 messages). One-time codes are sent at once,
since the borrower is waiting for them; only an HMAC of the code is stored.

Secrets never rest in a notice body: the stored body carries the one-time code and the case
code masked (`验证码****86`), and only the message handed to the gateway carries them in clear
(a queued notice gets its case code back from the mediation at delivery). The codes sent per
case are capped per hour and per day (settings `JIEFEN_OTP_MAX_PER_HOUR`/`_PER_DAY`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jiefen.cases.models import CaseParty, Contact, ContactKind, PartyRole
from jiefen.mediation.actions.common import ActionRefused, audit
from jiefen.mediation.models import MediationCase, Notice, OneTimeCode
from jiefen.notifications import Message, send_many

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5

TEXTS: dict[str, str] = {
    "opened": "{name}您好：{institution}与您的{case_type}已转入{org}诉前调解（{number}）。"
    "请访问{url}，输入查询码{code}及身份证号后六位，查看诉求并答复。",
    "offer": "{name}您好：调解员就{number}向您提出调解方案：还款总额{total}元，分{instalments}期。"
    "请访问{url}（查询码{code}）查看并答复。",
    "counter": "{name}您好：{institution}对您的还款方案提出了新的方案（{number}），请访问{url}（查询码{code}）查看。",
    "agreed": "{name}您好：{number}调解方案已达成，请访问{url}（查询码{code}）签署调解协议。",
    "login": "您正在登录诉前调解服务，验证码{otp}，10分钟内有效。请勿告知他人。",
    "sign": "您正在签署调解协议（{number}），验证码{otp}，10分钟内有效。签署即表示同意协议全部内容。",
}


def mask(code: str) -> str:
    """A code as it may be stored or shown: all but its last two characters hidden."""
    return "*" * max(len(code) - 2, 4) + code[-2:]


def _clear(n: Notice) -> str:
    """The body to send: the stored body with the mediation's case code unmasked."""
    code = n.mediation.portal_code
    return n.body.replace(mask(code), code) if code else n.body


def portal_url() -> str:
    return f"{settings.JIEFEN_PUBLIC_URL.rstrip('/')}/mediation/portal/"


def _recipients(case_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """case id → (borrower name, channel, address): the first defendant's mobile, else e-mail."""
    links = list(
        CaseParty.objects.filter(case_id__in=case_ids, role=PartyRole.DEFENDANT)
        .order_by("case_id", "position")
        .values_list("case_id", "party_id", "party__name")
    )
    first: dict[int, tuple[int, str]] = {}
    for case_id, party_id, name in links:
        first.setdefault(case_id, (party_id, name))
    contacts: dict[int, dict[str, str]] = {}
    for c in Contact.objects.filter(
        party_id__in={p for p, _ in first.values()},
        kind__in=[ContactKind.MOBILE, ContactKind.EMAIL],
    ).order_by("-confirmed", "id"):
        contacts.setdefault(c.party_id, {}).setdefault(c.kind, c.value)
    out: dict[int, tuple[str, str, str]] = {}
    for case_id, (party_id, name) in first.items():
        found = contacts.get(party_id, {})
        if ContactKind.MOBILE in found:
            out[case_id] = (name, "sms", found[ContactKind.MOBILE])
        elif ContactKind.EMAIL in found:
            out[case_id] = (name, "email", found[ContactKind.EMAIL])
    return out


def queue_case_notices(
    case_ids: Iterable[int], kind: str, extra: dict[int, dict[str, Any]] | None = None
) -> list[int]:
    """Queue one notice per case (cases without a contact get none) and deliver after commit."""
    ids = list(case_ids)
    if not ids:
        return []
    meds = list(
        MediationCase.objects.filter(case_id__in=ids).select_related(
            "case__institution", "organisation"
        )
    )
    recipients = _recipients(ids)
    url = portal_url()
    notices: list[Notice] = []
    for m in meds:
        if m.case_id not in recipients:
            continue
        name, channel, to = recipients[m.case_id]
        body = TEXTS[kind].format(
            name=name,
            institution=m.case.institution.name,
            case_type=m.case.get_case_type_display(),
            org=m.organisation.name,
            number=m.case.mediation_number,
            code=mask(m.portal_code),
            url=url,
            **(extra or {}).get(m.case_id, {}),
        )
        notices.append(
            Notice(
                mediation=m,
                channel=channel,
                recipient=to,
                body=body,
                subject="诉前调解通知" if channel == "email" else "",
            )
        )
    created = Notice.objects.bulk_create(notices, batch_size=500)
    notice_ids = [n.pk for n in created]
    if notice_ids:
        transaction.on_commit(lambda: _enqueue(notice_ids))
    return notice_ids


def _enqueue(notice_ids: list[int]) -> None:
    from jiefen.mediation.tasks import deliver_notices_task

    deliver_notices_task.enqueue(notice_ids)


def deliver_notices(notice_ids: list[int] | None = None) -> int:
    """Send queued notices (all queued ones if no ids); idempotent: sent ones are not resent."""
    qs = Notice.objects.filter(status="queued")
    if notice_ids is not None:
        qs = qs.filter(pk__in=notice_ids)
    pending = list(qs.select_related("mediation").order_by("id"))
    if not pending:
        return 0
    results = send_many([Message(n.channel, n.recipient, _clear(n), n.subject) for n in pending])  # type: ignore[arg-type]
    now = timezone.now()
    for n, r in zip(pending, results, strict=True):
        n.status = "sent" if r.ok else "failed"
        n.provider_id, n.error = r.provider_id, r.error[:300]
        n.sent_at = now if r.ok else None
    Notice.objects.bulk_update(
        pending, ["status", "provider_id", "error", "sent_at"], batch_size=500
    )
    return sum(1 for r in results if r.ok)


def _hash(mediation_id: int, purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{mediation_id}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def _refuse_over_cap(mediation: MediationCase) -> None:
    """At most N codes per case per hour and per day (each is an SMS to the borrower)."""
    now = timezone.now()
    sent = OneTimeCode.objects.filter(
        mediation=mediation, created_at__gt=now - timedelta(days=1)
    ).aggregate(
        day=Count("id"), hour=Count("id", filter=Q(created_at__gt=now - timedelta(hours=1)))
    )
    if sent["hour"] >= settings.JIEFEN_OTP_MAX_PER_HOUR:
        raise ActionRefused("验证码发送过于频繁，请 1 小时后再试，或联系调解员。")
    if sent["day"] >= settings.JIEFEN_OTP_MAX_PER_DAY:
        raise ActionRefused("今日验证码发送次数已达上限，请明日再试，或联系调解员。")


def issue_code(mediation: MediationCase, purpose: str) -> str:
    """Create a 6-digit one-time code and send it to the borrower now; returns the code
    (the portal never shows it; the demo uses it to play the borrower).

    Refused when the case already had its codes for the hour or the day (nothing is sent).
    """
    recipient = _recipients([mediation.case_id]).get(mediation.case_id)
    if recipient is None:
        raise ActionRefused("未登记借款人的手机号码或电子邮箱，无法发送验证码")
    code = f"{secrets.randbelow(1_000_000):06d}"
    _name, channel, to = recipient
    text = TEXTS[purpose]
    number = mediation.case.mediation_number
    with transaction.atomic():
        # The case row serialises concurrent requests, so the cap holds on several workers.
        MediationCase.objects.select_for_update().filter(pk=mediation.pk).first()
        _refuse_over_cap(mediation)
        OneTimeCode.objects.filter(mediation=mediation, purpose=purpose, used_at=None).update(
            used_at=timezone.now()
        )
        OneTimeCode.objects.create(
            mediation=mediation,
            purpose=purpose,
            code_hash=_hash(mediation.pk, purpose, code),
            expires_at=timezone.now() + CODE_TTL,
        )
        notice = Notice.objects.create(
            mediation=mediation,
            channel=channel,
            recipient=to,
            body=text.format(otp=mask(code), number=number),
        )
    (result,) = send_many([Message(channel, to, text.format(otp=code, number=number))])  # type: ignore[arg-type]
    notice.status = "sent" if result.ok else "failed"
    notice.provider_id, notice.error = result.provider_id, result.error[:300]
    notice.sent_at = timezone.now() if result.ok else None
    notice.save(update_fields=["status", "provider_id", "error", "sent_at"])
    if not result.ok:
        raise ActionRefused(f"验证码发送失败：{notice.error}")
    return code


def record_identification(
    mediation: MediationCase | None, *, ok: bool, ip: str | None, locked: bool = False
) -> None:
    """Audit a borrower's identification on the portal (who proved to be whose case, from where)."""
    action = "portal.identified" if ok else "portal.identify_failed"
    with transaction.atomic():
        audit(None, action, mediation.pk if mediation else "", ip=ip or "", locked=locked)


def verify_code(mediation: MediationCase, purpose: str, code: str) -> bool:
    """True once for the right, unexpired code; five wrong tries burn the code."""
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(
                mediation=mediation, purpose=purpose, used_at=None, expires_at__gt=timezone.now()
            )
            .order_by("-id")
            .first()
        )
        if otp is None:
            return False
        if not hmac.compare_digest(otp.code_hash, _hash(mediation.pk, purpose, code.strip())):
            otp.attempts += 1
            if otp.attempts >= MAX_ATTEMPTS:
                otp.used_at = timezone.now()
            otp.save(update_fields=["attempts", "used_at"])
            return False
        otp.used_at = timezone.now()
        otp.save(update_fields=["used_at"])
        audit(None, f"otp.{purpose}", mediation.pk)
    return True
