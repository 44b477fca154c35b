"""The hearing transcript (庭审笔录, 民诉法 Art. 150): generated, corrected, signed, sealed.

- `generate_transcript(hearing, by=)` writes the 笔录 from the record: case, time and place,
  bench, attendance, the court's announcements, the element table (claim / answer / finding),
  the questions and answers in order, last statements, mediation, closing.
- `edit_transcript(transcript, text, by=)`: the clerk corrects it. Once anyone has signed, an
  edit voids every signature: they signed another text.
- `request_signatures(transcript, by=)`: signers are the judge, the clerk, the claimant's agent
  and each defendant present. Each gets a 6-digit one-time code (only its SHA-256 is kept,
  15 minutes): parties by SMS to their confirmed mobile, staff and the bank's agent on their
  own signing page (`issue_code`).
- `sign_transcript(signature, code, by=)` checks the code in constant time, its expiry and that
  the text is still the one the code was issued for; with the last signature the transcript is
  rendered (typst `transcript.typ`), sealed with the court's certificate and stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, require
from jiefen.cases.models import ContactKind
from jiefen.documents.actions import issue_document
from jiefen.hearings.models import (
    Hearing,
    Transcript,
    TranscriptSignature,
    TranscriptState,
)
from jiefen.hearings.transcript_text import transcript_text
from jiefen.notifications import Message, send
from jiefen.privacy import mask_phone

TranscriptRefused = TransitionRefused
CODE_TTL = timedelta(minutes=15)
ROLE_JUDGE, ROLE_CLERK, ROLE_CLAIMANT = "审判员", "书记员", "原告委托诉讼代理人"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _code_hash(signature: TranscriptSignature, code: str) -> str:
    return _sha(f"transcript-signature:{signature.pk}:{code}")


def _label(hearing: Hearing) -> str:
    return f"（{hearing.case.case_number or hearing.case.contract_number}）"


def _audit(by: User | None, action: str, transcript: Transcript, **payload: object) -> None:
    audit(
        actor_id=by.pk if by else None,
        action=f"hearings.{action}",
        object_type="transcript",
        object_id=transcript.pk,
        payload={"hearing": transcript.hearing_id, **payload},
    )


def generate_transcript(hearing: Hearing, *, by: User | None) -> Transcript:
    """Write (or rewrite) the transcript from the record; refused once it is signed.

    Rewriting replaces the clerk's corrections and voids signatures, like an edit.
    """
    require(by, "hearings.record", hearing.case)
    text = transcript_text(hearing)
    with transaction.atomic():
        row, created = Transcript.objects.select_for_update().get_or_create(
            hearing=hearing, defaults={"generated": text, "text": text}
        )
        if not created:
            if row.state == TranscriptState.SIGNED:
                raise TranscriptRefused(f"{_label(hearing)}笔录已签名，不能重新生成")
            row.generated = row.text = text
            row.state = TranscriptState.DRAFT
            row.save(update_fields=["generated", "text", "state"])
            _void(row)
        _audit(by, "generate_transcript", row, sha256=_sha(text))
    return row


def _void(transcript: Transcript) -> int:
    """Every signature (and outstanding code) of `transcript` no longer counts."""
    return transcript.signatures.update(
        signed_at=None, code_sha256="", code_expires_at=None, text_sha256=""
    )


def edit_transcript(transcript: Transcript, text: str, *, by: User | None) -> Transcript:
    """The clerk's correction of the text; voids signatures already given."""
    hearing = transcript.hearing
    require(by, "hearings.edit_transcript", hearing.case)
    if not text.strip():
        raise TranscriptRefused(f"{_label(hearing)}笔录内容不能为空")
    with transaction.atomic():
        row = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if row.state == TranscriptState.SIGNED:
            raise TranscriptRefused(f"{_label(hearing)}笔录已签名，不能修改")
        signed = row.signatures.filter(signed_at__isnull=False).count()
        row.text = text.replace("\r\n", "\n").strip() + "\n"
        row.edited_by, row.edited_at = by, timezone.now()
        row.state = TranscriptState.DRAFT
        row.save(update_fields=["text", "edited_by", "edited_at", "state"])
        _void(row)
        _audit(by, "edit_transcript", row, sha256=_sha(row.text), voided=signed)
    return row


@dataclass(frozen=True)
class Signer:
    name: str
    role: str
    user: User | None = None
    party_id: int | None = None


def signers(hearing: Hearing) -> list[Signer]:
    """Judge, clerk, the claimant's agent (the bank's agent, if it has one) and each party
    present; an absent defendant does not sign (the transcript records the absence)."""
    case = hearing.case
    session = hearing.session
    people: list[Signer] = []
    judge = session.judge
    people.append(Signer(judge.display_name, ROLE_JUDGE, user=judge))
    clerk = session.clerk or case.clerk
    if clerk is not None:
        people.append(Signer(clerk.display_name, ROLE_CLERK, user=clerk))
    agent = (
        User.objects.filter(
            role=Role.BANK_AGENT, organisation_id=case.institution_id, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if agent is not None:
        people.append(Signer(agent.display_name, ROLE_CLAIMANT, user=agent))
    absent = set(hearing.absent_party_ids or [])
    for cp in case.case_parties.select_related("party"):
        if cp.party_id not in absent:
            people.append(Signer(cp.party.name, cp.get_role_display(), party_id=cp.party_id))
    return people


def _new_code(signature: TranscriptSignature, text: str, now: datetime) -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    signature.code_sha256 = _code_hash(signature, code)
    signature.code_expires_at = now + CODE_TTL
    signature.text_sha256 = _sha(text)
    signature.signed_at = None
    return code


def _mobile(party_id: int) -> str:
    from jiefen.cases.models import Contact

    contacts = Contact.objects.filter(party_id=party_id, kind=ContactKind.MOBILE, confirmed=True)
    first = contacts.order_by("pk").first()
    return first.value if first else ""


def request_signatures(transcript: Transcript, *, by: User | None) -> dict[int, str]:
    """Open signing: create the signers' rows, send each party its code by SMS.

    Returns the codes of the signers who are users (staff, the bank's agent) by signature id,
    for the requesting user's own page; each of them may also fetch a fresh one (`issue_code`).
    Parties without a confirmed mobile get no code: the clerk records that in `sent_to`.
    """
    hearing = transcript.hearing
    require(by, "hearings.edit_transcript", hearing.case)
    now = timezone.now()
    codes: dict[int, str] = {}
    sms: list[tuple[TranscriptSignature, str, str]] = []
    with transaction.atomic():
        row = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if row.state == TranscriptState.SIGNED:
            raise TranscriptRefused(f"{_label(hearing)}笔录已签名")
        for s in signers(hearing):
            sig, _ = TranscriptSignature.objects.get_or_create(
                transcript=row,
                name=s.name,
                role=s.role,
                defaults={"user": s.user, "party_id": s.party_id},
            )
            if sig.signed_at and sig.text_sha256 == _sha(row.text):
                continue
            code = _new_code(sig, row.text, now)
            if s.user is not None:
                codes[sig.pk] = code
            else:
                mobile = _mobile(s.party_id or 0)
                sig.sent_to = f"短信 {mask_phone(mobile)}" if mobile else "无已确认手机号码，未发送"
                if mobile:
                    sms.append((sig, mobile, code))
            sig.save()
        row.state = TranscriptState.SIGNING
        row.save(update_fields=["state"])
        _audit(by, "request_signatures", row, sha256=_sha(row.text), sms=len(sms))
    for sig, mobile, code in sms:
        sent = send(
            Message(
                "sms",
                mobile,
                f"您正在签名确认{hearing.case.case_number}庭审笔录，验证码{code}，15分钟内有效。"
                "请勿告知他人。",
                recipient=sig.name,
                reference=f"transcript_signature:{sig.pk}",
            )
        )
        if not sent.ok:  # the clerk sees why and asks for signatures again
            TranscriptSignature.objects.filter(pk=sig.pk).update(
                sent_to=f"短信发送失败（{mask_phone(mobile)}）：{sent.error}"[:60]
            )
    return codes


def issue_code(signature: TranscriptSignature, *, by: User) -> str:
    """A fresh code for a signer who is a signed-in user (judge, clerk, bank agent), shown on
    their own page; nobody obtains another person's code this way."""
    transcript = signature.transcript
    require(by, "hearings.sign_transcript", transcript.hearing.case)
    if signature.user_id != by.pk:
        raise TranscriptRefused("只能为本人获取签名验证码")
    if transcript.state != TranscriptState.SIGNING:
        raise TranscriptRefused(f"{_label(transcript.hearing)}笔录尚未提交签名")
    with transaction.atomic():
        code = _new_code(signature, transcript.text, timezone.now())
        signature.save()
    return code


def _may_sign_for(signature: TranscriptSignature, by: User | None) -> bool:
    if signature.user_id is not None:
        return by is not None and by.pk == signature.user_id
    # A party signs on the portal, or on the court's terminal the clerk or judge operates;
    # the code sent to the party's own phone is what authenticates the signature.
    return by is None or by.party_id == signature.party_id or by.role in (Role.CLERK, Role.JUDGE)


def sign_transcript(
    signature: TranscriptSignature, code: str, *, by: User | None
) -> TranscriptSignature:
    """One signature with its one-time code; the last one seals and stores the transcript."""
    transcript = signature.transcript
    hearing = transcript.hearing
    require(by, "hearings.sign_transcript", hearing.case)
    if not _may_sign_for(signature, by):
        raise TranscriptRefused("无权代替他人签名")
    now = timezone.now()
    with transaction.atomic():
        row = Transcript.objects.select_for_update().get(pk=transcript.pk)
        sig = TranscriptSignature.objects.select_for_update().get(pk=signature.pk)
        if row.state != TranscriptState.SIGNING:
            raise TranscriptRefused(f"{_label(hearing)}笔录当前不在签名阶段")
        if sig.signed_at is not None:
            raise TranscriptRefused(f"{sig.name}已签名")
        given = _code_hash(sig, code.strip())
        if not sig.code_sha256 or not hmac.compare_digest(given, sig.code_sha256):
            raise TranscriptRefused("验证码不正确")
        if sig.code_expires_at is None or sig.code_expires_at < now:
            raise TranscriptRefused("验证码已过期，请重新获取")
        if sig.text_sha256 != _sha(row.text):
            raise TranscriptRefused("笔录已修改，验证码失效，请重新获取后阅读新的笔录再签名")
        sig.signed_at, sig.code_sha256 = now, ""
        sig.save(update_fields=["signed_at", "code_sha256"])
        _audit(by, "sign_transcript", row, signature=sig.pk, sha256=sig.text_sha256)
        if not row.signatures.filter(signed_at__isnull=True).exists():
            _seal(row, by)
    return sig


def _seal(transcript: Transcript, by: User | None) -> None:
    """Render the signed transcript, seal it with the court's certificate, store it."""
    hearing = transcript.hearing
    signatures = [
        {
            "role": s.role,
            "name": s.name,
            "at": timezone.localtime(s.signed_at).strftime("%Y-%m-%d %H:%M"),
        }
        for s in transcript.signatures.order_by("pk")
        if s.signed_at
    ]
    doc = issue_document(
        hearing.case,
        "transcript",
        by=by,
        context={
            "title": "庭审笔录",
            "lines": transcript.text.splitlines(),
            "signatures": signatures,
            "text_sha256": _sha(transcript.text),
        },
        issued_for=f"transcript:{transcript.pk}:{_sha(transcript.text)[:16]}",
    )
    transcript.document = doc
    transcript.state = TranscriptState.SIGNED
    transcript.save(update_fields=["document", "state"])
