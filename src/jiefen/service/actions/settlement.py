"""Deciding the legal effect of the attempts, and what a service date starts.

For each open service, every attempt's effect is computed by `jiefen.law.service` and kept on
the attempt (effective, service date, the reason in words). The service is served on the
earliest date any attempt took effect — never otherwise. For the filing packet the service date
then starts the answer period and the evidence period; a hearing set on or before their end is
flagged for rescheduling. A case whose every party is served the filing packet moves to 已送达
(`serve`, by the system). A later document (summons, judgment, 调解书, 裁定书) only gets its
service date: what it starts (an appeal period, a hearing's notice) is its own stage's business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from jiefen.cases.actions import transition_many
from jiefen.cases.models import CaseParty
from jiefen.cases.states import State
from jiefen.law.errors import LawError
from jiefen.law.service import deadlines_after_service, earliest_effect, hearing_too_early
from jiefen.service.actions.common import Law, event, local_day, now_or, save_events, update_rows
from jiefen.service.actions.progress import refresh_job
from jiefen.service.models import AttemptState, EventKind, Purpose, Service, ServiceAttempt
from jiefen.service.rules import effect_of, procedure_for


def settle(
    service_ids: Sequence[int], *, now: datetime | None = None, law: Law | None = None
) -> list[int]:
    """Recompute the effect of these services' attempts; return the ids of services now served."""
    at = now_or(now)
    law = law or Law.load()
    today = local_day(at)
    served: list[int] = []
    ids = sorted(set(service_ids))
    for i in range(0, len(ids), 500):
        served += _settle_chunk(ids[i : i + 500], at, today, law)
    serve_cases(
        sorted(set(Service.objects.filter(pk__in=served).values_list("case_id", flat=True)))
    )
    jobs = Service.objects.filter(pk__in=served, job__isnull=False).values_list("job_id", flat=True)
    for job_id in sorted(set(jobs)):
        refresh_job(job_id)
    return served


def _settle_chunk(ids: list[int], at: datetime, today: date, law: Law) -> list[int]:
    with transaction.atomic():
        services = list(
            Service.objects.select_for_update(of=("self",), no_key=True)
            .filter(pk__in=ids, state=Service.State.IN_PROGRESS)
            .select_related("case", "case__filing")
            .order_by("pk")
        )
        attempts: dict[int, list[ServiceAttempt]] = defaultdict(list)
        # Locked after their services (the one order every action keeps), so what is read here
        # is what dispatch and receipts committed, and nothing they write is overwritten.
        for a in (
            ServiceAttempt.objects.select_for_update(no_key=True)
            .filter(service_id__in=[s.pk for s in services])
            .order_by("pk")
        ):
            attempts[a.service_id].append(a)
        changed: list[ServiceAttempt] = []
        events = []
        served: list[Service] = []
        for s in services:
            effects = []
            try:
                computed = [
                    (
                        a,
                        effect_of(
                            a,
                            procedure_for(s),
                            calendar=law.calendar,
                            params=law.params,
                            as_of=today,
                        ),
                    )
                    for a in attempts[s.pk]
                ]
            except LawError as exc:  # e.g. the holiday year of a notice period is not entered
                if s.reason != str(exc):
                    Service.objects.filter(pk=s.pk).update(reason=str(exc))
                continue
            for a, e in computed:
                if (a.effective, a.served_on, a.reason) != (e.effective, e.served_on, e.reason):
                    a.effective, a.served_on, a.reason = e.effective, e.served_on, e.reason
                    changed.append(a)
                if e.effective:
                    effects.append((e, a))
            if not effects:
                continue
            best = earliest_effect(e for e, _ in effects)
            winner = next(a for e, a in effects if e.served_on == best.served_on)
            s.state, s.served_on, s.served_by, s.reason = (
                Service.State.SERVED,
                best.served_on,
                winner,
                best.reason,
            )
            _deadlines(s, law)
            served.append(s)
            events.append(event(s, EventKind.SERVED, at, attempt=winner, note=best.reason))
            if s.reschedule_hearing:
                events.append(
                    event(
                        s,
                        EventKind.RESCHEDULE,
                        at,
                        note=f"开庭日期早于答辩期（{s.answer_ends}）或举证期限（{s.evidence_ends}）届满，须另行排期",
                    )
                )
            for a in attempts[s.pk]:
                # Tries not yet sent are withdrawn; one being sent is recorded as sent.
                if a.state == AttemptState.QUEUED:
                    a.state, a.next_attempt_at = AttemptState.CANCELLED, None
                    changed.append(a)
                elif a.next_attempt_at is not None:
                    a.next_attempt_at = None
                    changed.append(a)
        update_rows(
            list({a.pk: a for a in changed}.values()),
            ["effective", "served_on", "reason", "state", "next_attempt_at"],
        )
        update_rows(
            served,
            [
                "state",
                "served_on",
                "served_by",
                "reason",
                "answer_ends",
                "evidence_ends",
                "reschedule_hearing",
                "updated_at",
            ],
        )
        save_events(events)
    return [s.pk for s in served]


def _deadlines(service: Service, law: Law) -> None:
    """The answer and evidence periods run from the service of the filing packet only."""
    filing = getattr(service.case, "filing", None)
    if filing is None or service.served_on is None or service.purpose != Purpose.FILING:
        return
    d = deadlines_after_service(
        service.served_on,
        evidence_days=filing.evidence_days,
        calendar=law.calendar,
        params=law.params,
    )
    service.answer_ends, service.evidence_ends = d.answer_ends, d.evidence_ends
    hearing_at = getattr(filing, "hearing_at", None)
    service.reschedule_hearing = hearing_at is not None and hearing_too_early(
        timezone.localtime(hearing_at).date(), d
    )
    service.updated_at = timezone.now()


def serve_cases(case_ids: Sequence[int]) -> list[int]:
    """Move to 已送达 the filed cases among these whose every party is served the filing packet."""
    if not case_ids:
        return []
    parties: dict[int, int] = defaultdict(int)
    for case_id in CaseParty.objects.filter(case_id__in=list(case_ids)).values_list(
        "case_id", flat=True
    ):
        parties[case_id] += 1
    served: dict[int, list[object]] = defaultdict(list)
    for case_id, served_on in Service.objects.filter(
        case_id__in=list(case_ids),
        state=Service.State.SERVED,
        purpose=Purpose.FILING,
        case__state=State.FILED,
    ).values_list("case_id", "served_on"):
        served[case_id].append(served_on)
    ready = [pk for pk, dates in served.items() if len(dates) >= parties[pk]]
    if not ready:
        return []
    return transition_many(
        sorted(ready), "serve", by=None, note="全部受送达人均已依法送达", job="service"
    ).moved
