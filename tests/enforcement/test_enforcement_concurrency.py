"""Several submissions of the same applications at once file each case once, with unique
numbers; several re-inquiry sweeps at once inquire each case once.

Threads with their own connections: on PostgreSQL the application rows are locked (the second
submission waits, then finds them submitted) and the sweep skips the rows another holds (SKIP
LOCKED); on SQLite the IMMEDIATE transactions serialise them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from enforcement.factories import FILED_ON, enforceable_case, officers
from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import CaseEvent
from jiefen.enforcement.actions import prepare_applications, submit_applications
from jiefen.enforcement.actions.closing import reinquiry_sweep
from jiefen.enforcement.models import (
    Application,
    ApplicationState,
    Enforcement,
    EnforcementState,
    Inquiry,
)
from parallel import in_parallel


def _submit_at_once(court: Organisation, bank: Organisation, agent: User) -> None:
    officers(court, 3)
    cases = [enforceable_case(court, bank, officer_count=0) for _ in range(12)]
    prepare_applications(today=FILED_ON)
    ids = list(Application.objects.values_list("pk", flat=True))
    results, errors = in_parallel(lambda: submit_applications(ids, by=agent, on=FILED_ON))
    assert errors == []
    # Exactly one submission filed each application; the others found them submitted.
    assert sorted(pk for r in results for pk in r.filed) == sorted(
        Enforcement.objects.values_list("pk", flat=True)
    )
    assert Enforcement.objects.count() == len(cases)
    numbers = sorted(Enforcement.objects.values_list("number", flat=True))
    assert numbers == sorted(f"（2026）渝0105执{i}号" for i in range(1, len(cases) + 1))
    assert sorted(Enforcement.objects.values_list("case_id", flat=True)) == sorted(
        c.pk for c in cases
    )
    assert CaseEvent.objects.filter(transition="apply_enforcement").count() == len(cases)
    assert set(Application.objects.values_list("state", flat=True)) == {ApplicationState.SUBMITTED}
    refusals = {reason for r in results for reason in r.refused.values()}
    assert refusals <= {"执行申请已于2026年3月2日提交"}


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_sqlite_or_postgres(
    court: Organisation, bank: Organisation, agent: User
) -> None:
    _submit_at_once(court, bank, agent)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_postgres_row_locks(
    court: Organisation, bank: Organisation, agent: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SELECT … FOR UPDATE on the application rows")
    _submit_at_once(court, bank, agent)


@pytest.mark.django_db(transaction=True)
def test_reinquiry_sweeps_at_once_inquire_each_case_once(
    court: Organisation, bank: Organisation, agent: User, registry: Any
) -> None:
    officers(court, 2)
    cases = [enforceable_case(court, bank, officer_count=0) for _ in range(5)]
    prepare_applications(today=FILED_ON)
    submit_applications(
        list(Application.objects.values_list("pk", flat=True)), by=agent, on=FILED_ON
    )
    # Terminated for now on 2026-06-03 (built directly: the state is the starting point here).
    Enforcement.objects.update(
        state=EnforcementState.TERMINATED_FOR_NOW,
        closed_on=date(2026, 6, 3),
        next_inquiry_on=date(2026, 12, 3),
    )
    from jiefen.cases.models import Case
    from jiefen.cases.states import State

    Case.objects.filter(pk__in=[c.pk for c in cases]).update(state=State.TERMINATED_FOR_NOW)
    results, errors = in_parallel(lambda: reinquiry_sweep(today=date(2026, 12, 3)))
    assert errors == []
    assert sum(r["inquired"] for r in results) == len(cases)
    assert Inquiry.objects.filter(reinquiry=True).count() == len(cases)
    assert CaseEvent.objects.filter(transition="reinquire_assets").count() == len(cases)
    assert set(Enforcement.objects.values_list("next_inquiry_on", flat=True)) == {date(2027, 6, 3)}
