"""A pronounced judgment served on some parties: the starting point of the effect tests.

`pronounced(case, served={party name: date or None}, claimant_on=…)` builds what the
pronouncement (宣判) leaves behind — the case `judged`, the `Judgment` pronounced, one signed
document per defendant / guarantor and its `Service` (purpose "judgment") served on the date
given (None: still being served). It is built directly (the fixture's starting point, not what
is under test); everything after it goes through the public actions of `judgments.actions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from jiefen.accounts.models import User
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.documents.actions import issue_document
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.service.models import Service


def pronounced(
    case: Case,
    *,
    by: User,
    served: Mapping[str, date | None],
    claimant_on: date,
    performance_days: int = 10,
) -> Judgment:
    Case.objects.filter(pk=case.pk).update(state=State.JUDGED)
    judgment = Judgment.objects.create(
        case=case,
        kind=DecisionKind.JUDGMENT,
        state=DecisionState.PRONOUNCED,
        computation={"performance_days": performance_days},
        pronounced_on=claimant_on,
        claimant_served_on=claimant_on,
    )
    for cp in case.case_parties.select_related("party"):
        doc = issue_document(
            case,
            "generic",
            recipient=cp.party,
            context={"title": "民事判决书", "paragraphs": ["判决如下：（测试文书）"]},
            by=by,
            issued_for=f"judgment:{case.pk}",
        )
        day = served.get(cp.party.name)
        Service.objects.create(
            case=case,
            party=cp.party,
            packet=doc,
            purpose="judgment",
            state=Service.State.SERVED if day else Service.State.IN_PROGRESS,
            served_on=day,
        )
    return judgment


def serve(case: Case, name: str, on: date, purpose: str) -> None:
    """The service stage's outcome for one party: its service of `purpose` took effect on `on`."""
    Service.objects.filter(case=case, party__name=name, purpose=purpose).update(
        state=Service.State.SERVED, served_on=on
    )
