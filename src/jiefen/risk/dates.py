"""Day windows of the rules: a case counts as received on the local date (Asia/Shanghai) of
`Case.created_at`, as the statistics count it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def received(first: date, last: date) -> Q:
    """Cases received from `first` to `last`, both days included."""
    return Q(created_at__gte=_start(first), created_at__lt=_start(last + timedelta(days=1)))


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()
