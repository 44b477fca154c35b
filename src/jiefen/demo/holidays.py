"""Holiday arrangements the demo needs but nobody has entered yet — as labelled demo data.

A year's working days are known only from the State Council's notice (国务院办公厅关于YYYY年部分
节假日安排的通知), published in the autumn before; until a court administrator enters it, every
deadline falling in that year stops with an error (legal-rules.md §2), which is right for a court.
The demo runs on today's date, and its deadlines (the 30-day window for judicial confirmation,
hearings weeks after filing) reach into next year. For each such year with no arrangement at all,
the demo enters one marked 演示数据 in its source, holding only the fixed-date statutory holidays
of 全国年节及纪念日放假办法 Art. 2 (元旦, 劳动节, 国庆节) — the lunar holidays and the make-up
working days need the notice. A year an administrator has entered (complete or not) is never
touched, and the demo prints which years it filled in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
from django.db import transaction
from django.utils import timezone

from jiefen.lawdata.models import HolidayDay, HolidayYear

DEMO_SOURCE = "演示数据：非国务院办公厅节假日安排，仅含元旦、劳动节、国庆节法定假日"
# 全国年节及纪念日放假办法 (2024) Art. 2: the statutory holidays on fixed Gregorian dates.
FIXED_HOLIDAYS = (
    ((1, 1), "元旦"),
    ((5, 1), "劳动节"),
    ((5, 2), "劳动节"),
    ((10, 1), "国庆节"),
    ((10, 2), "国庆节"),
    ((10, 3), "国庆节"),
)


def uncovered_years(through: int) -> list[int]:
    """Years up to `through` that neither chinesecalendar nor the admin site covers."""
    covered = max(chinese_calendar.constants.holidays).year
    entered = set(HolidayYear.objects.values_list("year", flat=True))
    return [y for y in range(covered + 1, through + 1) if y not in entered]


def seed_demo_holidays(out: Any) -> list[int]:
    """Enter a labelled demo arrangement for this year and next where none exists."""
    years = uncovered_years(timezone.localdate().year + 1)
    with transaction.atomic():
        for year in years:
            entry = HolidayYear.objects.create(year=year, complete=True, source=DEMO_SOURCE)
            HolidayDay.objects.bulk_create(
                HolidayDay(year=entry, day=date(year, m, d), is_holiday=True, name=name)
                for (m, d), name in FIXED_HOLIDAYS
            )
    if years:
        out.write(
            f"· 节假日安排：{'、'.join(map(str, years))}年尚无国务院办公厅通知，演示录入仅含固定日期"
            "法定假日的演示安排（正式使用前请在管理后台「节假日年度安排」录入正式通知）"
        )
    return years
