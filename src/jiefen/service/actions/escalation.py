"""The periodic sweep of service: retries, fallback to post, public notice, and dates passing.

Every step is read from the attempts' states and times (domain data, not queue state):

1. a failed e-service attempt whose `next_attempt_at` is due is tried again (a new attempt to
   the same address, the next try number);
2. a service still in e-service with nothing live left — every attempt failed with no retry
   left, or delivered to an unconfirmed address and not read within the read wait — falls back
   to post, to the party's own postal address;
3. a service in post whose mailing came back (and did not take effect) or brought no receipt
   within the post wait falls back to public notice; in summary procedure or small claims the
   case is first converted to ordinary procedure (民诉解释 Arts. 140, 258) with the fee notice for
   the difference — for the filing packet only (a judgment of a tried case is published as it
   is; a re-issued summons in such a case waits for the judge's conversion); a 调解书 is never
   published: it takes effect only when the party signs for it (民诉法 Art. 102), so the clerk
   is told instead;
4. every open service is settled again (a public notice period ends, a read arrived);
5. the sealed proofs of services just served are issued (a bounded number per run).

Idempotent and safe with several workers: each service is changed under its row lock, and a
service that moved on is not moved again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from jiefen.cases.models import Case, Procedure
from jiefen.law.service import public_notice_allowed
from jiefen.service.actions.common import (
    ActionRefused,
    Law,
    audit,
    event,
    local_day,
    now_or,
    save_events,
    update_rows,
)
from jiefen.service.actions.dispatch import dispatch
from jiefen.service.actions.opening import attempt_for
from jiefen.service.actions.settlement import settle
from jiefen.service.addresses import Address, addresses_of
from jiefen.service.models import (
    ELECTRONIC_CHANNELS,
    AttemptState,
    Channel,
    EventKind,
    Purpose,
    Service,
    ServiceAttempt,
    Stage,
)

WAITING = (AttemptState.SENT, AttemptState.DELIVERED, AttemptState.READ)


def sweep(now: datetime | None = None, *, law: Law | None = None) -> dict[str, int]:
    """One pass of the service sweep; returns what it did, by step."""
    at = now_or(now)
    law = law or Law.load()
    done = {"retried": retry_due(at), "escalated_post": 0, "public_notice": 0}
    moved = escalate(at, law)
    done["escalated_post"], done["public_notice"] = moved
    done["sent"] = dispatch(at, law=law)
    done["served"] = len(settle(waiting_for_a_date(), now=at, law=law))
    from jiefen.service.proof import issue_missing_proofs  # proof builds on these actions

    done["proofs"] = issue_missing_proofs()
    return done


def retry_due(at: datetime) -> int:
    """Queue the next try of each failed e-service attempt whose retry time has come."""
    with transaction.atomic():
        due = list(
            ServiceAttempt.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
            .order_by("pk")
            .filter(
                state=AttemptState.FAILED,
                next_attempt_at__lte=at,
                service__state=Service.State.IN_PROGRESS,
            )
            .select_related("service")
        )
        retries = []
        for a in due:
            address = Address(
                a.channel,
                a.address,
                a.address_masked,
                a.address_source,
                a.address_confirmed,
                a.consent_basis,
                a.contact_id,
            )
            retries.append(attempt_for(a.service, address, at, try_number=a.try_number + 1))
            a.next_attempt_at = None
        update_rows(due, ["next_attempt_at"])
        ServiceAttempt.objects.bulk_create(retries, batch_size=500)
        save_events(
            event(
                r.service,
                EventKind.RETRY,
                at,
                attempt=r,
                note=f"第{r.try_number}次发送（{r.get_channel_display()}）",
            )
            for r in retries
        )
    return len(retries)


def _stuck_electronic(attempts: list[ServiceAttempt], at: datetime, law: Law) -> bool:
    for a in attempts:
        if a.channel not in ELECTRONIC_CHANNELS:
            continue
        if a.state in (AttemptState.QUEUED, AttemptState.SENDING):
            return False
        if a.state == AttemptState.FAILED and a.next_attempt_at is not None:
            return False
        if a.state in WAITING and a.sent_at and a.sent_at > at - law.policy.read_wait:
            return False
    return True


def _stuck_post(attempts: list[ServiceAttempt], at: datetime, law: Law) -> bool:
    posts = [a for a in attempts if a.channel == Channel.POST]
    for a in posts:
        if a.state in (AttemptState.QUEUED, AttemptState.SENDING, AttemptState.SIGNED):
            return False
        if a.state == AttemptState.SENT and a.sent_at and a.sent_at > at - law.policy.post_wait:
            return False
        if a.state == AttemptState.RETURNED and a.effective:
            return False
    return True


def waiting_for_a_date() -> list[int]:
    """Open services whose effect can change with the date alone.

    Receipts, reads and sends settle their services at once; what is left for the sweep is a
    public notice running its period, an effect dated after the day it was recorded (a receipt
    signed "tomorrow"), and a service whose law data was missing (a holiday year entered since).
    """
    return list(
        Service.objects.filter(state=Service.State.IN_PROGRESS)
        .filter(
            Q(attempts__channel=Channel.PUBLIC_NOTICE)
            | Q(attempts__effective=False, attempts__served_on__isnull=False)
            | ~Q(reason="")
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def escalate(at: datetime, law: Law) -> tuple[int, int]:
    """Move stuck services to the next channel; return (to post, to public notice).

    Services with a try still to send or a retry scheduled are not stuck and are not read.
    """
    live = ServiceAttempt.objects.filter(
        Q(state__in=(AttemptState.QUEUED, AttemptState.SENDING))
        | Q(state=AttemptState.FAILED, next_attempt_at__isnull=False)
    )
    candidates = list(
        Service.objects.filter(state=Service.State.IN_PROGRESS)
        .exclude(stage=Stage.PUBLIC_NOTICE, attempts__channel=Channel.PUBLIC_NOTICE)
        .exclude(pk__in=live.values("service_id"))
        .values_list("pk", flat=True)
        .distinct()
    )
    to_post = to_notice = 0
    for i in range(0, len(candidates), 200):
        p, n = _escalate_chunk(candidates[i : i + 200], at, law)
        to_post, to_notice = to_post + p, to_notice + n
    return to_post, to_notice


def _escalate_chunk(ids: list[int], at: datetime, law: Law) -> tuple[int, int]:
    with transaction.atomic():
        services = list(
            Service.objects.select_for_update(of=("self",), no_key=True)
            .filter(pk__in=ids, state=Service.State.IN_PROGRESS)
            .select_related("case", "case__court", "case__institution", "party")
            .order_by("pk")
        )
        attempts: dict[int, list[ServiceAttempt]] = defaultdict(list)
        for a in ServiceAttempt.objects.filter(service_id__in=[s.pk for s in services]):
            attempts[a.service_id].append(a)
        book = addresses_of({s.party_id: s.party for s in services}.values())
        new: list[ServiceAttempt] = []
        events = []
        notices: list[Service] = []
        to_post = 0
        for s in services:
            mine = attempts[s.pk]
            if any(a.effective for a in mine):
                continue  # about to be settled as served
            if s.stage == Stage.ELECTRONIC and _stuck_electronic(mine, at, law):
                posts = book[s.party_id].on("post")
                if posts:
                    s.stage = Stage.POST
                    new.append(attempt_for(s, posts[0], at))
                    events.append(
                        event(
                            s,
                            EventKind.ESCALATED,
                            at,
                            attempt=new[-1],
                            note="电子送达未能生效，转为邮寄送达",
                        )
                    )
                    to_post += 1
                    continue
                s.stage = Stage.PUBLIC_NOTICE
                events.append(
                    event(
                        s,
                        EventKind.ESCALATED,
                        at,
                        note="电子送达未能生效且无邮寄地址，转为公告送达",
                    )
                )
            elif s.stage == Stage.POST and _stuck_post(mine, at, law):
                s.stage = Stage.PUBLIC_NOTICE
                events.append(
                    event(s, EventKind.ESCALATED, at, note="邮寄送达未能送达，转为公告送达")
                )
            if s.stage == Stage.PUBLIC_NOTICE and not any(
                a.channel == Channel.PUBLIC_NOTICE for a in mine
            ):
                notices.append(s)
        for s in services:
            s.updated_at = at
        update_rows(services, ["stage", "updated_at"])
        ServiceAttempt.objects.bulk_create(new, batch_size=500)
        save_events(events)
        for s in notices:
            _publish(s, at, law)
    return to_post, len(notices)


MEDIATION_NOT_PUBLISHED = (
    "调解书须经当事人签收方生效，不适用公告送达（民诉法第一百条、第一百零二条），请另行安排直接送达"
)
SUMMONS_NOT_PUBLISHED = (
    "适用简易程序或小额诉讼程序的案件不适用公告送达，须由法官裁定转为普通程序后方可公告送达传票"
    "（民诉解释第一百四十条）"
)


def _hold(service: Service, at: datetime, note: str) -> None:
    """Tell the clerk once why this document is not published."""
    if not service.events.filter(kind=EventKind.ESCALATED, note=note).exists():
        save_events([event(service, EventKind.ESCALATED, at, note=note)])


def _publish(service: Service, at: datetime, law: Law) -> None:
    """Queue the public notice; convert the case to ordinary procedure first where required."""
    case = Case.objects.select_related("court", "institution").get(pk=service.case_id)
    if service.purpose == Purpose.MEDIATION:
        _hold(service, at, MEDIATION_NOT_PUBLISHED)
        return
    if service.purpose == Purpose.SUMMONS and not public_notice_allowed(case.procedure):
        _hold(service, at, SUMMONS_NOT_PUBLISHED)  # converting a scheduled case is the judge's
        return
    if service.purpose == Purpose.FILING and not public_notice_allowed(case.procedure):
        from jiefen.docket.conversion import convert_to_ordinary

        try:
            conversion = convert_to_ordinary(
                case,
                by=None,
                reason=f"被告{service.party.name}下落不明，须公告送达，不适用简易程序（民诉解释第一百四十条）",
                on=local_day(at),
            )
        except ActionRefused as exc:
            # e.g. a hearing was already scheduled: the judge converts; no notice until then.
            note = f"须转为普通程序后方可公告送达：{exc}"
            if not service.events.filter(kind=EventKind.ESCALATED, note=note).exists():
                save_events([event(service, EventKind.ESCALATED, at, note=note)])
            return
        if conversion is not None:
            note = (
                f"由{Procedure(conversion.from_procedure).label}转为普通程序，"
                f"原告应补交案件受理费{conversion.fee_difference}元"
            )
            save_events([event(service, EventKind.PROCEDURE_CONVERTED, at, note=note)])
    attempt = ServiceAttempt.objects.create(
        service=service,
        channel=Channel.PUBLIC_NOTICE,
        state=AttemptState.QUEUED,
        address=f"{case.court.name}公告栏（诉讼服务网）",
        address_masked=f"{case.court.name}公告栏",
        address_source="人民法院公告",
        address_confirmed=False,
        next_attempt_at=at,
    )
    audit(
        actor_id=None,
        action="service.public_notice",
        object_type="service",
        object_id=service.pk,
        payload={"case": case.pk, "attempt": attempt.pk},
    )
