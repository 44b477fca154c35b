"""The lawdata app: admin-entered rows reach the law rules through current_parameters()."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from jiefen.law import (
    CalendarDataMissing,
    OutOfTableError,
    add_days,
    lpr_on,
    small_claims_threshold,
)
from jiefen.lawdata.models import HolidayDay, HolidayYear, LprFixing, ProvincialWage
from jiefen.lawdata.selectors import current_calendar, current_parameters

D = Decimal


@pytest.mark.django_db
def test_admin_lpr_fixing_extends_the_table() -> None:
    with pytest.raises(OutOfTableError):
        lpr_on(date(2026, 4, 25), params=current_parameters())
    LprFixing.objects.create(
        effective_from=date(2026, 4, 20),
        lpr_1y=D("2.90"),
        lpr_5y=D("3.40"),
        reviewed=date(2026, 4, 30),
    )
    assert lpr_on(date(2026, 4, 25), params=current_parameters()) == D("2.90")


@pytest.mark.django_db
def test_admin_holiday_year_is_used_once_complete() -> None:
    year = HolidayYear.objects.create(year=2027, complete=False, source="国办发明电 (test)")
    HolidayDay.objects.create(year=year, day=date(2027, 1, 1), is_holiday=True, name="元旦")
    with pytest.raises(CalendarDataMissing):
        add_days(date(2026, 12, 17), 15, calendar=current_calendar())
    year.complete = True
    year.save()
    assert add_days(date(2026, 12, 17), 15, calendar=current_calendar()) == date(2027, 1, 4)


@pytest.mark.django_db
def test_admin_wage_figure_sets_the_threshold() -> None:
    ProvincialWage.objects.create(
        province="四川省",
        year=2024,
        amount=D(120_000),
        applies_from=date(2025, 7, 1),
        source="test figure",
        reviewed=date(2025, 7, 1),
    )
    assert small_claims_threshold("川", date(2025, 8, 1), params=current_parameters()) == D(
        "60000.00"
    )


@pytest.mark.django_db
def test_clean_refuses_rows_that_contradict_the_baseline() -> None:
    row = LprFixing(
        effective_from=date(2025, 7, 21),
        lpr_1y=D("3.10"),
        lpr_5y=D("3.50"),
        reviewed=date(2026, 4, 1),
    )
    with pytest.raises(ValidationError, match="contradicts"):
        row.full_clean()
    wage = ProvincialWage(
        province="重庆市",
        year=2024,
        amount=D(1),
        applies_from=date(2025, 7, 1),
        source="x",
        reviewed=date(2025, 7, 1),
    )
    with pytest.raises(ValidationError):
        wage.full_clean()
    year = HolidayYear.objects.create(year=2024, complete=False)
    day = HolidayDay(year=year, day=date(2024, 10, 1), is_holiday=False)
    with pytest.raises(ValidationError, match="published calendar"):
        day.full_clean()
    with pytest.raises(ValidationError, match="source"):
        HolidayYear(year=2028, complete=True).full_clean()


@pytest.mark.django_db
def test_law_management_command(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("law", "fee", "--kind", "acceptance", "--amount", "45000", "--halve")
    assert json.loads(capsys.readouterr().out) == {
        "kind": "acceptance",
        "amount": "45000",
        "exact": "925",
        "full": "925",
        "payable": "463",
    }
    with pytest.raises(CommandError):
        call_command("law", "deadline", "--event-date", "2026-12-20", "--days", "15")


def test_jiefen_law_console_command(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "JIEFEN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jiefen.manage",
            "law",
            "deadline",
            "--event-date",
            "2024-09-20",
            "--days",
            "15",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"deadline": "2024-10-08"}
    failed = subprocess.run(
        [sys.executable, "-m", "jiefen.manage", "law", "fee", "--kind", "x", "--amount", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert failed.returncode == 2
    assert "invalid choice" in failed.stderr


@pytest.mark.django_db
def test_admin_pages_load(admin_client: Any) -> None:
    for name in ("lprfixing", "holidayyear", "provincialwage"):
        assert admin_client.get(f"/admin/lawdata/{name}/").status_code == 200
        assert admin_client.get(f"/admin/lawdata/{name}/add/").status_code == 200
