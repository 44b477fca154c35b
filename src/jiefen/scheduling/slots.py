"""From a scheduler slot to the legal date a periodic job acts on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import timezone


def slot_date(timestamp: int | None) -> date:
    """The court's local date (TIME_ZONE, Asia/Shanghai) of the slot a job was scheduled for.

    The scheduler passes the slot's Unix timestamp, so a job that waited in the queue past
    midnight still acts for the day it was scheduled on; run by hand (no slot), it acts for today.
    """
    if timestamp is None:
        return timezone.localdate()
    return timezone.localdate(datetime.fromtimestamp(timestamp, UTC))
