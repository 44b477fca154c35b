"""Read-only queries over cases."""

from django.db.models import Count, QuerySet

from jiefen.accounts.models import Role, User
from jiefen.cases.access import AnyUser, visible_cases
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import State

# What each role's home page lists first: the states in which the case waits for that role.
WORK_STATES: dict[str, tuple[State, ...]] = {
    Role.BANK_AGENT: (State.SCREENING, State.IN_MEDIATION, State.MEDIATED, State.AWAITING_FILING),
    Role.MEDIATOR: (State.IN_MEDIATION, State.MEDIATED),
    Role.JUDGE: (
        State.CONFIRMATION_PENDING,
        State.PAYMENT_ORDER_PENDING,
        State.FILED,
        State.SERVED,
        State.HEARING_SCHEDULED,
        State.HEARD,
    ),
    Role.CLERK: (State.AWAITING_FILING, State.FILED, State.SERVED),
    Role.ENFORCEMENT_OFFICER: (State.IN_ENFORCEMENT,),
    Role.NOTARY: (State.NOTARIZATION_PENDING,),
    Role.DEFENDANT: tuple(State),
    Role.PLATFORM_ADMIN: tuple(State),
}


def work_list(user: User, limit: int = 50) -> QuerySet[Case]:
    states = WORK_STATES.get(user.role, ())
    return (
        visible_cases(user)
        .filter(state__in=states)
        .select_related("institution", "court", "series")
        .order_by("-updated_at")[:limit]
    )


def counts_by_state(user: User) -> list[tuple[str, int]]:
    rows = visible_cases(user).values("state").annotate(n=Count("id")).order_by("state")
    return [(State(r["state"]).label, r["n"]) for r in rows]


def stats_section() -> dict[str, object]:
    by_state = dict(Case.objects.values_list("state").annotate(n=Count("id")).order_by("state"))
    return {"cases_total": sum(by_state.values()), "cases_by_state": by_state}


def api_cases(
    user: AnyUser,
    *,
    state: str | None = None,
    batch: int | None = None,
    series: int | None = None,
    contract_number: str | None = None,
    case_number: str | None = None,
) -> QuerySet[Case]:
    """The cases of the bank API's list, filtered, in a stable order (scope: `visible_cases`)."""
    cases = visible_cases(user)
    if state:
        cases = cases.filter(state=state)
    if batch is not None:
        cases = cases.filter(batch_id=batch)
    if series is not None:
        cases = cases.filter(series_id=series)
    if contract_number:
        cases = cases.filter(contract_number=contract_number)
    if case_number:
        cases = cases.filter(case_number=case_number)
    return cases.order_by("id")


def timeline(case: Case) -> QuerySet[CaseEvent]:
    """The moves of a case the caller already got from `access.case_for`, oldest first."""
    return CaseEvent.objects.filter(case_id=case.pk).order_by("at", "id")
