"""Read-only queries of hearing scheduling: a case's live hearing, its summons, the calendar.

`summons_served` answers the question the default hearing (缺席审理, 民诉法 Art. 147) and the
earliest hearing day depend on: was THIS hearing's summons served on each defendant and
guarantor, and when. The summons of the hearing booked at filing travels in the filing packet;
a re-issued summons (改期) is served on its own (`Service.purpose` summons). Both are found the
same way: the summons documents issued for the hearing's occasion (`Hearing.summons_for`), and
the service of the packet each belongs to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case, CaseParty
from jiefen.documents.kinds import SUMMONS
from jiefen.documents.models import StoredDocument
from jiefen.hearings.models import (
    LIVE_HEARING,
    LIVE_SESSION,
    Hearing,
    HearingSession,
    HearingState,
)

# A session's live hearings (scheduled or held), for counting its cases.
LIVE_HEARING_OF_SESSION = Q(hearings__state__in=[HearingState.SCHEDULED, HearingState.HELD])


def live_hearing(case: Case) -> Hearing | None:
    """The case's scheduled or held hearing (at most one: a database constraint)."""
    return (
        Hearing.objects.filter(LIVE_HEARING, case=case)
        .select_related("session", "session__courtroom", "session__judge")
        .first()
    )


def live_hearings(case_ids: list[int]) -> dict[int, Hearing]:
    """case id → its live hearing, for a batch (set-based)."""
    result: dict[int, Hearing] = {}
    for i in range(0, len(case_ids), 900):
        for h in Hearing.objects.filter(
            LIVE_HEARING, case_id__in=case_ids[i : i + 900]
        ).select_related("session", "session__courtroom"):
            result[h.case_id] = h
    return result


def summons_served(hearing: Hearing) -> dict[int, date | None]:
    """party id (every defendant and guarantor) → the day its summons for THIS hearing was served.

    None: no summons for this hearing was served on that party (yet). The summons booked at
    filing is a member of the filing packet, whose service counts; a re-issued one is its own
    packet.
    """
    return summons_served_many([hearing])[hearing.pk]


def summons_served_many(hearings: list[Hearing]) -> dict[int, dict[int, date | None]]:
    """hearing id → {party id → served day or None}, for a batch of hearings."""
    from jiefen.service.models import Service

    case_ids = sorted({h.case_id for h in hearings})
    parties: dict[int, list[int]] = defaultdict(list)
    for case_id, party_id in CaseParty.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "party_id"
    ):
        parties[case_id].append(party_id)
    occasions = {(h.case_id, h.summons_for) for h in hearings if h.summons_for}
    packet_of: dict[tuple[int, str, int], int] = {}
    for case_id, occasion, party_id, pk, packet_id in StoredDocument.objects.filter(
        case_id__in=case_ids,
        kind=SUMMONS.code,
        issued_for__in=sorted({o for _, o in occasions}),
        party__isnull=False,
    ).values_list("case_id", "issued_for", "party_id", "pk", "packet_id"):
        if (case_id, occasion) in occasions:
            packet_of[(case_id, occasion, party_id)] = packet_id or pk
    served: dict[int, date | None] = {}
    for packet_id, served_on in (
        Service.objects.filter(packet_id__in=sorted(set(packet_of.values())))
        .order_by("pk")
        .values_list("packet_id", "served_on")
    ):
        served[packet_id] = served_on
    result: dict[int, dict[int, date | None]] = {}
    for h in hearings:
        result[h.pk] = {
            party_id: served.get(packet_of.get((h.case_id, h.summons_for, party_id), 0))
            for party_id in parties[h.case_id]
        }
    return result


def series_sessions(series_id: int) -> QuerySet[HearingSession]:
    """The live (planned or held) sessions of a series, in time order."""
    return (
        HearingSession.objects.filter(LIVE_SESSION, series_id=series_id)
        .select_related("courtroom", "judge", "clerk")
        .annotate(cases=Count("hearings", filter=LIVE_HEARING_OF_SESSION))
        .order_by("day", "period", "courtroom__name")
    )


@dataclass
class CalendarDay:
    day: date
    sessions: list[HearingSession] = field(default_factory=list)


def calendar(court: Organisation, start: date, end: date) -> list[CalendarDay]:
    """The court's live sessions from `start` to `end` (inclusive), by day, with case counts."""
    days: dict[date, CalendarDay] = {}
    sessions = (
        HearingSession.objects.filter(LIVE_SESSION, court=court, day__gte=start, day__lte=end)
        .select_related("courtroom", "judge", "clerk", "series", "series__institution")
        .annotate(cases=Count("hearings", filter=LIVE_HEARING_OF_SESSION))
        .order_by("day", "period", "courtroom__name")
    )
    for s in sessions:
        days.setdefault(s.day, CalendarDay(s.day)).sessions.append(s)
    return list(days.values())
