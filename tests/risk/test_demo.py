"""The risk step of the demo makes at least one warning of each kind from the demo's data."""

from __future__ import annotations

import io
from typing import Any

import pytest

from jiefen.demo.intake import run_intake_demo
from jiefen.demo.risk import run_risk_demo
from jiefen.demo.staff import seed_staff
from jiefen.risk.models import FeedRecord, Warning, WarningKind, WarningState


@pytest.mark.django_db
def test_risk_demo_makes_every_kind(settings: Any, tmp_path: Any) -> None:
    settings.JIEFEN_VAR_DIR = tmp_path
    seed_staff()
    out = io.StringIO()
    run_intake_demo(out, 60)
    run_risk_demo(out)
    text = out.getvalue()
    counts = {k: Warning.objects.filter(kind=k).count() for k in WarningKind}
    # The fraud kinds need a borrower's report or a police notice: the referral step makes them.
    fraud = {WarningKind.IDENTITY_MISUSE, WarningKind.FRAUD_CONTACT}
    assert all(n >= 1 for k, n in counts.items() if k not in fraud), (counts, text)
    assert all(counts[k] == 0 for k in fraud), counts
    lender = Warning.objects.get(kind=WarningKind.PROFESSIONAL_LENDER)
    assert lender.subject_name == "重庆速融商贸有限公司"
    assert lender.score == 12 and lender.state == WarningState.ASSIGNED
    caps = set(
        Warning.objects.filter(kind=WarningKind.CAP_EXCEEDANCE).values_list(
            "subject_name", flat=True
        )
    )
    # Penalty and compound interest on the cards; the lender's 15% above its private cap of
    # 4 × LPR (民间借贷规定 Art. 25), which intake's screening applies to an unlicensed lender.
    assert caps == {"巴渝银行股份有限公司信用卡中心", "重庆速融商贸有限公司"}
    ring = (
        Warning.objects.filter(
            kind=WarningKind.CONTACT_CLUSTER, cases__institution=lender.institution
        )
        .distinct()
        .get()
    )
    assert ring.subject_name.endswith("等4人") and ring.cases.count() == 4
    assert "共用1个手机号、1个工作单位" in ring.summary
    quasi = set(
        Warning.objects.filter(kind=WarningKind.QUASI_FINANCIAL).values_list(
            "subject_name", flat=True
        )
    )
    assert quasi == {"重庆聚鑫投资管理有限公司", "重庆汇金财富管理有限公司"}
    assert "「发生日期」" in text
    # The lender's 14 loans: 11 with interest withheld, one borrower's 3 serial loans.
    assert lender.cases.count() == 14
    withheld = Warning.objects.get(kind=WarningKind.WITHHELD_INTEREST)
    assert withheld.institution == lender.institution and withheld.cases.count() == 11
    rate = Warning.objects.get(kind=WarningKind.EFFECTIVE_RATE)
    assert rate.institution == lender.institution and rate.cases.count() == 11
    serial = Warning.objects.get(kind=WarningKind.SERIAL_LOANS)
    assert serial.cases.count() == 3
    assert not set(serial.cases.values_list("pk", flat=True)) & set(
        withheld.cases.values_list("pk", flat=True)
    )
    before = FeedRecord.objects.count()
    run_risk_demo(io.StringIO())  # again: nothing new
    assert FeedRecord.objects.count() == before
    assert sum(Warning.objects.filter(kind=k).count() for k in WarningKind) == sum(counts.values())
