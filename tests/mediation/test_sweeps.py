"""The periodic sweeps run on the scheduler, act for the slot's date, and move each case once.

Mediation expiry, payment orders taking effect (民诉法 Art. 227) and missed instalments are
consequences of a day having passed; nobody clicks for them. They are jobs on the schedule of
`jiefen.scheduling.schedule`, enqueued by the scheduler `jiefen worker` runs and executed by the
django-tasks-db worker, as in production.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_concurrent.models import PeriodicDefer
from django_tasks_concurrent.periodic_tasks import registered_periodic_tasks
from django_tasks_concurrent.scheduler import defer_periodic_tasks
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import State
from jiefen.intake.actions import create_batch
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch, BatchStatus
from jiefen.intake.tasks import resume_stale_batches
from jiefen.mediation import actions
from jiefen.mediation.models import MediationCase, Outcome, PaymentOrder, PlanStatus
from jiefen.scheduling import schedule  # noqa: F401  (as `jiefen worker` imports it)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MANAGE = [sys.executable, "-m", "jiefen.manage"]


# --- helpers: cases brought to the point where only time moves them, through the actions ---


def _open(case: Case, org: Organisation, on: date | None = None) -> MediationCase:
    actions.open_mediation([case.pk], org, by=None, as_of=on)
    return MediationCase.objects.select_related("case").get(case=case)


def _signed(m: MediationCase, phone: str, agent: User, last_sms: Callable[[str], str]) -> Any:
    """The borrower accepts the claim and signs with the SMS code; bank and mediator sign."""
    actions.borrower_accept(m)
    m.refresh_from_db()
    code = actions.issue_code(m, "sign")
    assert code in last_sms(phone)
    actions.sign_as_borrower(m.agreement, code=code, ip="10.0.0.9")
    actions.sign_many([m.agreement.pk], by=agent, ip="10.0.0.1")
    actions.sign_many([m.agreement.pk], by=m.case.mediator, ip="10.0.0.2")
    return MediationCase.objects.select_related("case").get(pk=m.pk)


@pytest.fixture
def issued_order(
    screened_case: Callable[..., Case],
    mediation_org: Organisation,
    mediators: list[User],
    agent: User,
    make_user: Callable[..., User],
    court: Organisation,
    last_sms: Callable[[str], str],
) -> Callable[[date], PaymentOrder]:
    """A payment order issued and served on `served_on`, its objection period running."""
    judge = make_user(Role.JUDGE, court)

    def make(served_on: date) -> PaymentOrder:
        case = screened_case()
        m = _signed(_open(case, mediation_org), case.phone, agent, last_sms)  # type: ignore[attr-defined]
        order = actions.apply_payment_order(m, by=agent)
        actions.issue_payment_order(order, by=judge, served_on=served_on)
        order.refresh_from_db()
        return order

    return make


def _slot(cron: str, after: datetime) -> datetime:
    """The first firing of `cron` after `after` (local time), as the scheduler computes it."""
    return croniter(cron, after).get_next(datetime)


def _run_queue() -> None:
    """Run every queued task to the end with django-tasks-db's worker, as `jiefen worker` does."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-sweeps",
        excluded_queue_names=[],
    ).run()


def _sweep_results(task_name: str) -> list[Any]:
    rows = DBTaskResult.objects.filter(task_path=f"jiefen.mediation.tasks.{task_name}")
    assert {r.status for r in rows} <= {"SUCCESSFUL"}, [r.traceback for r in rows]
    return [r.return_value for r in rows.order_by("enqueued_at")]


# --- (a) the registry ---


def test_every_sweep_is_on_the_schedule_daily_and_as_hourly_catch_up() -> None:
    scheduled = {(e.task_name, e.periodic_id, e.cron) for e in registered_periodic_tasks()}
    for name in (
        "expire_mediations_task",
        "payment_orders_take_effect_task",
        "sweep_missed_instalments_task",
    ):
        path = f"jiefen.mediation.tasks.{name}"
        assert (path, "daily", settings.JIEFEN_SWEEP_DAILY_CRON) in scheduled
        assert (path, "catch-up", settings.JIEFEN_SWEEP_CATCH_UP_CRON) in scheduled
    assert (
        "jiefen.intake.tasks.resume_stale_batches",
        "",
        settings.JIEFEN_INTAKE_RESUME_CRON,
    ) in scheduled
    assert (
        "jiefen.docket.tasks.resume_stale_jobs",
        "",
        settings.JIEFEN_FILING_RESUME_CRON,
    ) in scheduled


# --- (b) the scheduled jobs through the real task backend ---


@pytest.mark.django_db(transaction=True)
def test_scheduled_sweeps_expire_mediation_and_make_orders_effective_once(
    screened_case: Callable[..., Case],
    mediation_org: Organisation,
    mediators: list[User],
    issued_order: Callable[[date], PaymentOrder],
) -> None:
    overdue = _open(screened_case(), mediation_org, on=date(2024, 9, 1))
    running = _open(screened_case(), mediation_org, on=date(2024, 10, 1))
    due = issued_order(date(2024, 9, 20))
    assert due.objection_ends == date(2024, 10, 8)  # 15 days, pushed past National Day
    pending = issued_order(date(2024, 10, 1))
    assert pending.objection_ends is not None and pending.objection_ends > date(2024, 10, 12)
    _run_queue()  # the notices the openings queued

    # The daily slot of 2024-10-12, four days after the objection period ended: the scheduler
    # enqueues the sweeps (once, however often it polls), the worker runs them.
    daily = _slot(settings.JIEFEN_SWEEP_DAILY_CRON, datetime(2024, 10, 12, tzinfo=SHANGHAI))
    assert defer_periodic_tasks(now=daily + timedelta(seconds=5)) >= 3
    assert defer_periodic_tasks(now=daily + timedelta(seconds=9)) == 0
    _run_queue()

    assert Case.objects.get(pk=overdue.case_id).state == State.AWAITING_FILING
    overdue.refresh_from_db()
    assert overdue.outcome == Outcome.TO_FILING and "期限届满" in overdue.failure_reason
    assert Case.objects.get(pk=running.case_id).state == State.IN_MEDIATION
    due.refresh_from_db()
    # Effective the day after the objection period's last day, not the day the sweep ran.
    assert due.effective_on == date(2024, 10, 9)
    assert Case.objects.get(pk=due.mediation.case_id).state == State.PAYMENT_ORDER_EFFECTIVE
    pending.refresh_from_db()
    assert pending.effective_on is None
    assert Case.objects.get(pk=pending.mediation.case_id).state == State.PAYMENT_ORDER_ISSUED
    expiry = CaseEvent.objects.get(case_id=overdue.case_id, transition="fail_mediation")
    assert expiry.actor is None  # the system acted

    # The hourly catch-up reruns every sweep: nothing moves, nothing is recorded twice.
    events, audits = CaseEvent.objects.count(), AuditRecord.objects.count()
    catch_up = _slot(settings.JIEFEN_SWEEP_CATCH_UP_CRON, daily)
    assert defer_periodic_tasks(now=catch_up + timedelta(seconds=5)) >= 3
    _run_queue()
    assert (CaseEvent.objects.count(), AuditRecord.objects.count()) == (events, audits)
    assert _sweep_results("expire_mediations_task") == [1, 0]
    assert _sweep_results("payment_orders_take_effect_task") == [1, 0]
    due.refresh_from_db()
    assert due.effective_on == date(2024, 10, 9)


@pytest.mark.django_db(transaction=True)
def test_scheduled_resume_queues_a_batch_whose_worker_died_and_not_a_fresh_one(
    court: Organisation, bank: Organisation
) -> None:
    rows, _ = generate_rows("financial_loan", 5, seed=9)
    stalled, _ = create_batch(bank, court, render(rows, "financial_loan"), "a.csv", by=None)
    fresh, _ = create_batch(bank, court, render(rows[:2], "financial_loan"), "b.csv", by=None)
    # The stalled batch's worker was killed long ago: no progress since.
    old = timezone.now() - timedelta(seconds=settings.JIEFEN_INTAKE_RESUME_AFTER + 60)
    Batch.objects.filter(pk=stalled.pk).update(
        status=BatchStatus.RUNNING, created_at=old, heartbeat_at=old
    )
    assert resume_stale_batches.call() == [stalled.pk]
    _run_queue()
    stalled.refresh_from_db()
    assert stalled.status == BatchStatus.DONE and stalled.accepted == 5
    assert Batch.objects.get(pk=fresh.pk).status == BatchStatus.QUEUED


# --- (c) two sweeps at once ---


def _in_parallel(work: Callable[[], Any], n: int = 2) -> list[Any]:
    """Run `work` in `n` threads released together, each on its own database connection."""
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_expiry_sweeps_at_once_move_each_case_exactly_once(
    screened_case: Callable[..., Case], mediation_org: Organisation, mediators: list[User]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks skipped by a second sweep (SQLite serialises)")
    cases = [screened_case() for _ in range(30)]
    actions.open_mediation([c.pk for c in cases], mediation_org, by=None, as_of=date(2024, 9, 1))
    moved = _in_parallel(lambda: actions.expire_mediations(as_of=date(2024, 10, 12)))
    assert sorted(moved[0] + moved[1]) == sorted(c.pk for c in cases)
    events = CaseEvent.objects.filter(transition="fail_mediation")
    assert events.count() == len(cases) == events.values("case").distinct().count()
    assert AuditRecord.objects.filter(action="mediation.failed").count() == sum(
        1 for ids in moved if ids
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_missed_instalment_sweeps_at_once_act_on_each_plan_exactly_once(
    screened_case: Callable[..., Case],
    mediation_org: Organisation,
    mediators: list[User],
    agent: User,
    last_sms: Callable[[str], str],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks skipped by a second sweep (SQLite serialises)")
    signed = []
    for _ in range(4):
        case = screened_case()
        signed.append(_signed(_open(case, mediation_org), case.phone, agent, last_sms))  # type: ignore[attr-defined]
    plan = signed[0].plan
    last_due = max(i.due_date for i in plan.instalments.all())
    on = last_due + timedelta(days=plan.grace_days + 1)
    results = _in_parallel(lambda: actions.sweep_missed(as_of=on))
    assert sum(r["to_filing"] for r in results) == len(signed)
    for m in signed:
        assert Case.objects.get(pk=m.case_id).state == State.AWAITING_FILING
        m.plan.refresh_from_db()
        assert m.plan.status == PlanStatus.MISSED
    assert CaseEvent.objects.filter(transition="instalments_missed").count() == len(signed)
    assert AuditRecord.objects.filter(action="mediation.instalments.missed").count() == 1


# --- (d) a real worker, started the documented way, fires the schedule ---


@pytest.mark.slow
def test_jiefen_worker_fires_the_scheduled_expiry_by_itself(
    screened_case: Callable[..., Case],
    mediation_org: Organisation,
    mediators: list[User],
    database_url: str,
    tmp_path: Any,
) -> None:
    overdue = _open(screened_case(), mediation_org, on=date(2024, 9, 1))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(tmp_path),
        # The catch-up every second (cron's optional seconds field) instead of hourly.
        "JIEFEN_SWEEP_CATCH_UP_CRON": "* * * * * *",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [*MANAGE, "worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180  # a loaded machine takes long to import everything
        while Case.objects.get(pk=overdue.case_id).state != State.AWAITING_FILING:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
            log.close()
    assert PeriodicDefer.objects.filter(
        task_name="jiefen.mediation.tasks.expire_mediations_task", periodic_id="catch-up"
    ).exists()
    event = CaseEvent.objects.get(case_id=overdue.case_id, transition="fail_mediation")
    assert event.actor is None
