"""The only writers of legal-service requests (rule 2): post, answer, follow up, close.

Each action checks the role's ability (`legal_services.post` for the institution's agent,
`legal_services.answer` for the pool lawyer) and the object's scope, runs in one transaction and
writes an audit record. The texts themselves stay out of the audit payload (they may carry the
institution's confidential matters); the thread keeps them, append-only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import MediationOrgKind, OrganisationKind, User
from jiefen.audit.chain import append
from jiefen.cases.access import role_refusal
from jiefen.cases.actions import TransitionRefused
from jiefen.lawdata.selectors import current_calendar
from jiefen.legal_services import rules
from jiefen.legal_services.models import (
    LegalRequest,
    Reply,
    ReplySide,
    RequestKind,
    RequestState,
)
from jiefen.mediation.models import MediatorProfile

SUBJECT_MAX = 200
BODY_MAX = 20000

# One refusal type with the other stages: pages catch it and show its message.
ActionRefused = TransitionRefused


class RequestInvalid(ActionRefused):
    """Bad input on a form: `field` names the field the message is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _require(by: User | None, ability: str) -> User:
    reason = role_refusal(by, ability)
    if reason:
        raise ActionRefused(reason)
    if by is None:  # both abilities are for people; role_refusal already refused the system
        raise ActionRefused("须由经办人员操作")
    return by


def _audit(by: User, action: str, request: LegalRequest, **payload: Any) -> None:
    append(
        actor_id=by.pk,
        action=f"legal_services.{action}",
        object_type="legal_request",
        object_id=request.pk,
        payload={k: None if v is None else str(v) for k, v in payload.items()},
    )


def _text(field: str, label: str, value: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise RequestInvalid(field, f"{label}不能为空")
    if len(text) > limit:
        raise RequestInvalid(field, f"{label}过长（{len(text)}字，不超过{limit}字）")
    return text


def _kind(value: str) -> str:
    if value not in RequestKind.values:
        allowed = "、".join(str(label) for label in RequestKind.labels)
        shown = value or "（空）"
        raise RequestInvalid("kind", f"需求类别「{shown}」不存在，应为：{allowed}")
    return value


def _own(by: User, request: LegalRequest) -> None:
    """The institution's agent acts only on its own requests."""
    if by.organisation_id is None or request.institution_id != by.organisation_id:
        raise ActionRefused("无权执行此操作：该需求不属于本机构")


def _locked(request: LegalRequest) -> LegalRequest:
    return LegalRequest.objects.select_for_update().get(pk=request.pk)


def _assign(request: LegalRequest, on: date) -> None:
    """Give the request to the duty lawyer (or leave it waiting when nobody may serve).

    The pool's roster rows are locked first, so two requests posted at the same moment see
    each other's load and do not both land on the same lawyer.
    """
    list(
        MediatorProfile.objects.select_for_update(of=("self",))
        .filter(user__organisation__mediation_kind=MediationOrgKind.LAWYER_POOL)
        .values_list("pk", flat=True)
    )
    chosen = rules.choose_lawyer(request.institution_id, on)
    if chosen is None:
        return
    lawyer, day = chosen
    request.lawyer = lawyer
    request.assigned_on = day
    request.answer_due = rules.answer_due(day, current_calendar())
    request.state = RequestState.ASSIGNED


def post_request(
    *, by: User | None, kind: str, subject: str, body: str, on: date | None = None
) -> LegalRequest:
    """发布法律服务需求: the agent's institution asks; the duty lawyer gets it at once.

    `on` is the posting day (Asia/Shanghai; today by default). Raises `RequestInvalid` naming the
    field for an unknown kind, an empty or overlong subject or body.
    """
    user = _require(by, "legal_services.post")
    org = user.organisation
    if org is None or org.kind != OrganisationKind.INSTITUTION:
        raise ActionRefused("只有金融机构的经办人可以发布法律服务需求")
    clean_kind = _kind(kind)
    clean_subject = _text("subject", "需求标题", subject, SUBJECT_MAX)
    clean_body = _text("body", "需求内容", body, BODY_MAX)
    posted_on = on or timezone.localdate()
    with transaction.atomic():
        request = LegalRequest(
            institution=org,
            posted_by=user,
            kind=clean_kind,
            subject=clean_subject,
            body=clean_body,
            posted_on=posted_on,
        )
        _assign(request, posted_on)
        request.save()
        _audit(
            user,
            "post",
            request,
            kind=clean_kind,
            institution=org.code,
            lawyer=request.lawyer_id,
            assigned_on=request.assigned_on,
            answer_due=request.answer_due,
        )
    return request


def answer_request(request: LegalRequest, body: str, *, by: User | None) -> Reply:
    """答复: only the lawyer the request is assigned to; the request becomes answered."""
    user = _require(by, "legal_services.answer")
    text = _text("body", "答复内容", body, BODY_MAX)
    with transaction.atomic():
        locked = _locked(request)
        if locked.lawyer_id != user.pk:
            raise ActionRefused("无权执行此操作：该需求未分派给您")
        if locked.state not in (RequestState.ASSIGNED, RequestState.ANSWERED):
            raise ActionRefused(f"需求{locked.get_state_display()}，不能答复")
        reply = Reply.objects.create(request=locked, author=user, side=ReplySide.LAWYER, body=text)
        locked.state = RequestState.ANSWERED
        if locked.answered_at is None:
            locked.answered_at = reply.created_at
        locked.save(update_fields=["state", "answered_at"])
        _audit(user, "answer", locked, reply=reply.pk)
    _refresh(request, locked)
    return reply


def follow_up(request: LegalRequest, body: str, *, by: User | None) -> Reply:
    """追问: the institution asks again; an answered request goes back to its lawyer with a new
    answer period, a waiting one is routed to the duty lawyer again."""
    user = _require(by, "legal_services.post")
    text = _text("body", "追问内容", body, BODY_MAX)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(request)
        _own(user, locked)
        if locked.state == RequestState.CLOSED:
            raise ActionRefused("需求已办结，如有新问题请重新发布")
        reply = Reply.objects.create(
            request=locked, author=user, side=ReplySide.INSTITUTION, body=text
        )
        if locked.state == RequestState.ANSWERED:
            locked.state = RequestState.ASSIGNED
            locked.answer_due = rules.answer_due(today, current_calendar())
        elif locked.state == RequestState.OPEN:
            _assign(locked, today)
        locked.save(update_fields=["state", "lawyer", "assigned_on", "answer_due"])
        _audit(user, "follow_up", locked, reply=reply.pk, state=locked.state)
    _refresh(request, locked)
    return reply


def close_request(request: LegalRequest, *, by: User | None, rating: int | None = None) -> None:
    """办结: the institution closes its own request, rating the service 1–5 if answered."""
    user = _require(by, "legal_services.post")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise RequestInvalid("rating", f"满意度评价「{rating}」无效，应为1至5分")
    with transaction.atomic():
        locked = _locked(request)
        _own(user, locked)
        if locked.state == RequestState.CLOSED:
            raise ActionRefused("需求已办结")
        if rating is not None and locked.answered_at is None:
            raise RequestInvalid("rating", "尚未获得律师答复的需求不能评价")
        locked.state = RequestState.CLOSED
        locked.closed_at = timezone.now()
        locked.rating = rating
        locked.save(update_fields=["state", "closed_at", "rating"])
        _audit(user, "close", locked, rating=rating)
    _refresh(request, locked)


def _refresh(request: LegalRequest, locked: LegalRequest) -> None:
    """The caller's object shows what the action wrote."""
    for name in ("state", "lawyer_id", "assigned_on", "answer_due", "answered_at"):
        setattr(request, name, getattr(locked, name))
    request.closed_at, request.rating = locked.closed_at, locked.rating
