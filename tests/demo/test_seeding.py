"""Seeded cases enter through the front door (issue 9, point 10).

The demo's fallback and the filing benchmark used to bulk-insert bare case rows
(`docket/sample.py`): no screening event, no audit record. They now upload a generated batch as
the bank's agent does, so each seeded case has its history and the audit chain names the batch.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import State
from jiefen.demo.intake import import_generated
from jiefen.demo.staff import seed_staff
from jiefen.intake.format import LOAN


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_generated_cases_have_their_screening_event_and_audit_record() -> None:
    seed_staff()
    batch = import_generated("BANK01", LOAN, 12, file_name="seed.csv", seed=6)

    cases = Case.objects.filter(batch=batch)
    assert cases.count() == 12
    assert set(cases.values_list("state", flat=True)) == {State.SCREENING}
    events = CaseEvent.objects.filter(case__in=cases)
    assert sorted(events.values_list("case_id", "transition", "from_state")) == sorted(
        (pk, "screen", State.RECEIVED) for pk in cases.values_list("pk", flat=True)
    )
    agent = batch.uploaded_by
    assert agent is not None and agent.username == "bank01"
    assert AuditRecord.objects.filter(action="intake.batch_created", actor_id=agent.pk).exists()
    screened = AuditRecord.objects.filter(action="case.screen.bulk", object_id=str(batch.pk))
    assert sum(int(r.payload["count"]) for r in screened) == 12
    verified = StringIO()
    call_command("audit_verify", stdout=verified)
    assert "审计链完好" in verified.getvalue()
