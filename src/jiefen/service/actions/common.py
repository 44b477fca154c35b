"""What every service action shares: the clock, the law's data, events and audit records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit  # noqa: F401  (re-exported for the actions)
from jiefen.cases.actions import TransitionRefused
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar
from jiefen.law.service import EscalationPolicy
from jiefen.lawdata.selectors import current_parameters
from jiefen.service.models import Channel, EventKind, Service, ServiceAttempt, ServiceEvent

ActionRefused = TransitionRefused


@dataclass(frozen=True)
class Law:
    """The law's data for one run of an action: parameters, holiday calendar, escalation policy."""

    params: Parameters
    calendar: HolidayCalendar
    policy: EscalationPolicy

    @classmethod
    def load(cls) -> Law:
        params = current_parameters()
        return cls(params, HolidayCalendar.from_params(params), escalation_policy())


def escalation_policy() -> EscalationPolicy:
    """The platform's escalation timing (court practice; settings JIEFEN_SERVICE_*)."""
    from datetime import timedelta

    return EscalationPolicy(
        electronic_retries=int(settings.JIEFEN_SERVICE_RETRIES),
        retry_after=timedelta(seconds=int(settings.JIEFEN_SERVICE_RETRY_AFTER)),
        read_wait=timedelta(seconds=int(settings.JIEFEN_SERVICE_READ_WAIT)),
        post_wait=timedelta(seconds=int(settings.JIEFEN_SERVICE_POST_WAIT)),
    )


def now_or(value: datetime | None) -> datetime:
    return value or timezone.now()


def local_day(value: datetime) -> date:
    return timezone.localtime(value).date()


def event(
    service: Service,
    kind: EventKind,
    at: datetime,
    *,
    attempt: ServiceAttempt | None = None,
    by: User | None = None,
    note: str = "",
) -> ServiceEvent:
    """An unsaved event row (the actions insert them in bulk)."""
    return ServiceEvent(
        case_id=service.case_id,
        service=service,
        attempt=attempt,
        kind=kind,
        at=at,
        actor=by,
        note=note,
    )


def save_events(rows: Iterable[ServiceEvent]) -> None:
    ServiceEvent.objects.bulk_create(list(rows), batch_size=1000)


def update_rows(rows: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of already-saved rows with one `UPDATE … WHERE id = ?` run through
    `executemany` — what `bulk_update` does, without its per-row CASE expressions, which cost
    about a millisecond per row and field to build (rule 5: bulk paths are set-based)."""
    if not rows:
        return
    meta = rows[0]._meta
    cols: list[models.Field[Any, Any]] = []
    for name in fields:
        f = meta.get_field(name)
        assert isinstance(f, models.Field) and f.column  # concrete columns only
        cols.append(f)
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(c.column))} = %s" for c in cols)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(str(meta.pk.column))} = %s"
    params = [
        [c.get_db_prep_save(getattr(r, c.attname), connection) for c in cols] + [r.pk] for r in rows
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(params), 1000):
            cursor.executemany(sql, params[i : i + 1000])


def retry_at(attempt: ServiceAttempt, now: datetime, law: Law) -> datetime | None:
    """When a failed e-service attempt is tried again; None once the retries are used up."""
    if attempt.channel not in (Channel.SMS, Channel.EMAIL):
        return None
    if attempt.try_number > law.policy.electronic_retries:
        return None
    return now + law.policy.retry_after
