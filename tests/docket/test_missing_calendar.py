"""A hearing in a year whose holiday arrangement is not entered stops the filing job with a
message the clerk reads; the hearing date is never guessed from weekdays (legal-rules.md §2)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import chinese_calendar
import pytest
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.docket.models import Filing, FilingJob
from jiefen.docket.tasks import run_job
from jiefen.lawdata.models import HolidayYear


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unpublished_hearing_year() -> int:
    """The year the hearings of a filing today fall in, made to have no calendar."""
    year = (timezone.localdate() + timedelta(days=35)).year
    if year <= max(chinese_calendar.constants.holidays).year:
        pytest.skip(f"chinesecalendar covers {year}: no unpublished hearing year today")
    HolidayYear.objects.filter(year__gte=year).delete()
    return year


def test_a_hearing_year_without_calendar_fails_the_job_with_a_chinese_message(
    make_case: Any, staff: Any, series: Series
) -> None:
    year = _unpublished_hearing_year()
    cases = [
        make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
        for _ in range(2)
    ]
    clerk = staff["clerks"][0]
    client = login(clerk)
    response = client.post(f"/docket/series/{series.pk}/file/")
    job = FilingJob.objects.get()
    assert response.status_code == 302
    run_job(job.pk, inline=True)  # what the task worker does

    job.refresh_from_db()
    message = f"{year}年节假日安排尚未录入"
    assert job.status == FilingJob.Status.FAILED
    assert message in job.error and "节假日年度安排" in job.error
    assert message in client.get(f"/docket/jobs/{job.pk}/").content.decode()
    assert message in client.get(f"/docket/jobs/{job.pk}/progress/").json()["error"]
    # Nothing was filed on a guessed date.
    assert not Filing.objects.exists()
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)
    ) == {State.AWAITING_FILING}


def test_once_the_year_is_entered_the_hearing_is_on_a_working_day(
    make_case: Any, staff: Any, series: Series
) -> None:
    from jiefen.docket.actions import file_cases

    filed_on = date(2026, 12, 1)  # hearing 35 days later: 2027-01-05
    HolidayYear.objects.filter(year=2027).delete()
    year = HolidayYear.objects.create(year=2027, complete=True, source="测试数据（非官方安排）")
    year.days.create(day=date(2027, 1, 5), is_holiday=True, name="测试假日")
    case = make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
    file_cases([case.pk], by=staff["clerks"][0], filed_on=filed_on)
    hearing = timezone.localtime(Filing.objects.get(case=case).hearing_at).date()
    assert hearing == date(2027, 1, 6)  # 01-05 is a holiday in this (test) calendar
