"""Read-only queries of the service stage: the desk, the dashboard, a case's timeline, stats.

Every query of a user's data starts from `cases.access` (`visible_services`, `visible_series`),
so the dashboard counts only the user's cases. The numbers are read from the attempts and
services as recorded; nothing here decides a legal effect (that is `actions.settlement`, which
asks `jiefen.law.service`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.access import (
    visible_cases,
    visible_documents,
    visible_series,
    visible_service_jobs,
    visible_services,
)
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.service.addresses import mask
from jiefen.service.models import (
    AttemptState,
    Channel,
    EventKind,
    Purpose,
    Service,
    ServiceAttempt,
    ServiceEvent,
    ServiceJob,
)
from jiefen.service.proof import PROOF_KINDS

DELIVERED = (AttemptState.DELIVERED, AttemptState.READ, AttemptState.SIGNED)
FAILED = (AttemptState.FAILED, AttemptState.RETURNED)


def servable_series(user: User) -> list[dict[str, Any]]:
    """Series of the user's court with filed cases (已立案) still to serve, and what is served."""
    cases = visible_cases(user)
    rows = (
        visible_series(user)
        .annotate(
            filed=Count(
                "cases",
                filter=Q(cases__state=State.FILED, cases__in=cases.values("pk")),
                distinct=True,
            ),
            unopened=Count(
                "cases",
                filter=Q(
                    cases__state=State.FILED,
                    cases__in=cases.values("pk"),
                    cases__services__isnull=True,
                ),
                distinct=True,
            ),
            served=Count(
                "cases",
                filter=Q(cases__state=State.SERVED, cases__in=cases.values("pk")),
                distinct=True,
            ),
        )
        .filter(Q(filed__gt=0) | Q(served__gt=0))
        .select_related("institution")
        .order_by("-unopened", "id")
    )
    return [
        {"series": s, "filed": s.filed, "unopened": s.unopened, "served": s.served} for s in rows
    ]


def recent_jobs(user: User, limit: int = 10) -> list[ServiceJob]:
    qs = visible_service_jobs(user).select_related("series", "series__institution", "requested_by")
    return list(qs[:limit])


def _channel_counts(attempts: QuerySet[ServiceAttempt]) -> dict[str, dict[str, Any]]:
    rows = attempts.values("channel").annotate(
        attempts=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        delivered=Count("pk", filter=Q(delivered_at__isnull=False) | Q(state__in=DELIVERED)),
        read=Count("pk", filter=Q(read_at__isnull=False)),
        failed=Count("pk", filter=Q(state__in=FAILED)),
        effective=Count("pk", filter=Q(effective=True)),
    )
    return {r["channel"]: dict(r) for r in rows}


@dataclass
class Dashboard:
    """The numbers of 送达看板 for one user (their cases only)."""

    channels: list[dict[str, Any]]
    in_progress: int
    served: int
    escalated: int
    notices: list[ServiceAttempt]
    ready_cases: list[Case]
    reschedule: list[Service]
    by_stage: dict[str, int] = field(default_factory=dict)


def dashboard(user: User, *, today: date | None = None, limit: int = 50) -> Dashboard:
    """送达看板: attempts per channel, services by state, running public notices, what to schedule.

    "可排期开庭" are served cases whose every party is served the filing packet and whose every
    answer period (民诉法 Art. 128: 15 days after service; 30 days by public notice, Art. 95) has
    ended before today. The counts by state cover every service (filing and later documents).
    "须改期" are served services whose hearing falls inside an answer or evidence period.
    """
    day = today or timezone.localdate()
    services = visible_services(user)
    attempts = ServiceAttempt.objects.filter(service__in=services.values("pk"))
    counts = _channel_counts(attempts)
    escalated_by: dict[str, int] = {}
    # An escalation leaves the channel of the service's latest attempt before it.
    for e in (
        ServiceEvent.objects.filter(service__in=services.values("pk"), kind=EventKind.ESCALATED)
        .order_by()
        .values("service_id", "at")
    ):
        last = (
            ServiceAttempt.objects.filter(service_id=e["service_id"], created_at__lte=e["at"])
            .order_by("-pk")
            .values_list("channel", flat=True)
            .first()
        )
        if last:
            escalated_by[last] = escalated_by.get(last, 0) + 1
    channels = []
    for value, label in Channel.choices:
        c = counts.get(value, {})
        channels.append(
            {
                "channel": value,
                "label": label,
                "attempts": c.get("attempts", 0),
                "sent": c.get("sent", 0),
                "delivered": c.get("delivered", 0),
                "read": c.get("read", 0),
                "failed": c.get("failed", 0),
                "effective": c.get("effective", 0),
                "escalated": escalated_by.get(value, 0),
            }
        )
    states = dict(services.values_list("state").annotate(n=Count("pk")).order_by())
    stages = dict(
        services.filter(state=Service.State.IN_PROGRESS)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    notices = list(
        attempts.filter(channel=Channel.PUBLIC_NOTICE, state=AttemptState.PUBLISHED)
        .select_related("service__case", "service__party")
        .order_by("-published_on", "-pk")[:limit]
    )
    filing = Q(services__purpose=Purpose.FILING)
    ready = (
        visible_cases(user)
        .filter(state=State.SERVED, services__purpose=Purpose.FILING)
        .annotate(
            open=Count("services", filter=filing & ~Q(services__state=Service.State.SERVED)),
            unknown=Count("services", filter=filing & Q(services__answer_ends__isnull=True)),
            last_answer=Max("services__answer_ends", filter=filing),
        )
        .filter(open=0, unknown=0, last_answer__lt=day)
        .order_by("last_answer", "pk")
    )
    reschedule = list(
        services.filter(state=Service.State.SERVED, reschedule_hearing=True)
        .select_related("case", "party", "case__filing")
        .order_by("case_id", "pk")[:limit]
    )
    return Dashboard(
        channels=channels,
        in_progress=states.get(Service.State.IN_PROGRESS, 0),
        served=states.get(Service.State.SERVED, 0),
        escalated=services.filter(events__kind=EventKind.ESCALATED).distinct().count(),
        notices=notices,
        ready_cases=list(ready[:limit]),
        reschedule=reschedule,
        by_stage=stages,
    )


@dataclass
class ServiceView:
    """One party's service on the case page: the service, its attempts, events and proofs."""

    service: Service
    attempts: list[ServiceAttempt]
    events: list[ServiceEvent]
    proofs: list[StoredDocument]


def case_services(user: User, case: Case) -> list[ServiceView]:
    """The 送达 section of a case page (the case already came from `access.case_for`)."""
    services = list(
        visible_services(user)
        .filter(case_id=case.pk)
        .select_related("party", "packet", "served_by")
        .order_by("pk")
    )
    if not services:
        return []
    ids = [s.pk for s in services]
    attempts: dict[int, list[ServiceAttempt]] = {s.pk: [] for s in services}
    for a in ServiceAttempt.objects.filter(service_id__in=ids).order_by("pk"):
        attempts[a.service_id].append(a)
    events: dict[int, list[ServiceEvent]] = {s.pk: [] for s in services}
    for e in ServiceEvent.objects.filter(service_id__in=ids).select_related("actor", "attempt"):
        events[e.service_id].append(e)
    proofs: dict[str, list[StoredDocument]] = {}
    for d in visible_documents(user, case).filter(
        kind__in=PROOF_KINDS, issued_for__in=[f"service:{pk}" for pk in ids]
    ):
        proofs.setdefault(d.issued_for, []).append(d)
    return [
        ServiceView(s, attempts[s.pk], events[s.pk], proofs.get(f"service:{s.pk}", []))
        for s in services
    ]


def served_documents(service: Service) -> list[StoredDocument]:
    """What was served: the signed cover notice of the packet, then the documents it covers."""
    members = StoredDocument.objects.filter(packet_id=service.packet_id).order_by("pk")
    return [service.packet, *members]


def inbox(user: User) -> list[tuple[Service, list[StoredDocument]]]:
    """A party's documents served on them (only their own services, through `cases.access`)."""
    services = (
        visible_services(user).select_related("case", "case__court", "packet").order_by("-pk")
    )
    return [(s, served_documents(s)) for s in services]


def confirmed_addresses(user: User) -> list[str]:
    """The addresses the party confirmed themselves, masked (the inbox shows what is on file)."""
    return [
        f"{ContactKind(c.kind).label}：{mask(c.kind, c.value)}"
        + ("（同意电子送达）" if c.e_service_consent else "")
        for c in Contact.objects.filter(
            party_id=user.party_id or 0, source=ContactSource.PARTY, confirmed=True
        ).order_by("-pk")
    ]


def inbox_document(user: User, document_id: int) -> tuple[Service, StoredDocument] | None:
    """The document `document_id` if it was served on the user, with its service."""
    for service, docs in inbox(user):
        for d in docs:
            if d.pk == document_id:
                return service, d
    return None


def public_notices(limit: int = 200) -> list[ServiceAttempt]:
    """The court's public notice board: every published public notice (民诉法 Art. 95)."""
    return list(
        ServiceAttempt.objects.filter(channel=Channel.PUBLIC_NOTICE, state=AttemptState.PUBLISHED)
        .select_related("service__case__court", "service__party")
        .order_by("-published_on", "-pk")[:limit]
    )


def stats_section() -> dict[str, Any]:
    """`jiefen stats --json` "service": attempts, services served and the success rate.

    `success_rate` is served services / services (a float rounded to 4 decimals, like the
    mediation section's; 0.0 when nothing was opened yet); `by_channel` counts the attempts of
    each channel and the services whose effective attempt was on that channel; `escalated` the
    services that left e-service (to post or public notice); `by_purpose` the services opened
    and served for each purpose (every purpose listed, 0 when none).
    """
    services = Service.objects.count()
    served = Service.objects.filter(state=Service.State.SERVED).count()
    tried = dict(ServiceAttempt.objects.values_list("channel").annotate(n=Count("pk")).order_by())
    won = dict(
        Service.objects.filter(state=Service.State.SERVED, served_by__isnull=False)
        .values_list("served_by__channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "attempts": sum(tried.values()),
        "served": served,
        "success_rate": round(served / services, 4) if services else 0.0,
        "by_channel": {
            value: {"attempts": tried.get(value, 0), "served": won.get(value, 0)}
            for value in Channel.values
        },
        "public_notice": tried.get(Channel.PUBLIC_NOTICE, 0),
        "escalated": Service.objects.filter(events__kind=EventKind.ESCALATED).distinct().count(),
        "by_purpose": _by_purpose(),
    }


def _by_purpose() -> dict[str, dict[str, int]]:
    """Services opened and served for each purpose (filing packet, summons, judgment, …)."""
    counts = {value: {"services": 0, "served": 0} for value in Purpose.values}
    for purpose, services, served in (
        Service.objects.values_list("purpose")
        .annotate(n=Count("pk"), s=Count("pk", filter=Q(state=Service.State.SERVED)))
        .order_by()
    ):
        counts[purpose] = {"services": services, "served": served}
    return counts


def served_on(case_ids: Iterable[int], purpose: str) -> dict[tuple[int, int], date | None]:
    """(case id, party id) → the service date of the latest service of `purpose` on that party.

    The latest service (the highest id: a re-issued summons, a corrected judgment served again)
    is the one that counts; None while it has not taken effect. Parties never served for that
    purpose are absent. Periods that run from service (answer, appeal: 民诉法 Art. 171) read
    their start here.
    """
    ids = sorted(set(case_ids))
    result: dict[tuple[int, int], date | None] = {}
    for i in range(0, len(ids), 900):
        for case_id, party_id, day in (
            Service.objects.filter(case_id__in=ids[i : i + 900], purpose=purpose)
            .order_by("pk")
            .values_list("case_id", "party_id", "served_on")
        ):
            result[(case_id, party_id)] = day  # later rows overwrite earlier ones
    return result
