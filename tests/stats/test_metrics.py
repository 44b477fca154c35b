"""Fixed-definition metrics (jiefen.stats.metrics) over a hand-built set of cases.

Two courts (A 江北, B 渝北), two banks (A 长江, B 巴渝), judges 王 and 陈, mediator 李. Times are
Beijing time unless said otherwise; the report period is mostly November 2026.

C1  A·bank A·loan·王: created 10-20, filed 10-25, served 10-30, heard 11-10, pronounced 11-20
    (default judgment, awarded 8,000.00); post attempt sent 10-28.
C2  A·bank A·card·王: created 11-01 00:30 (= 10-31 16:30 UTC), filed 11-03, served 11-08, heard
    11-20, pronounced 11-30 23:30 (= 15:30 UTC), awarded 5,000.00, claim 6,000.00; SMS sent
    11-04 effective, e-mail sent 11-30 23:30 not effective, portal sent 12-01 00:30.
C3  A·bank B·loan·陈: created 10-01, filed 10-05, still open.
C4  A·bank A·loan·陈: created 09-01, filed 09-10, withdrawn 11-01 00:30 (= 10-31 16:30 UTC).
C5  B·bank A·李: created 11-02, mediation 11-03 → agreement 11-13; plan due 11-20 and 11-28,
    completed; repaid 1,000.00 on each day.
C6  B·bank B·李: created 10-10, mediation 10-12 → failed 11-05, filed 11-15; SMS sent 11-16 not
    effective, post sent 11-18 served 11-22, one attempt queued (never sent).
C7  A·bank A·王: created 2025-12-01, filed 2025-12-05, pronounced 2026-01-10, effective 01-30,
    performance period ends 11-10; enforcement applied 11-20, filed 11-22 (apply_enforcement),
    receipts 3,000.00 on 11-25 and 500.00 on 12-01, closed 11-28.
C8  A·bank A·王: created 09-15, filed 09-20, mediated in court 10-15 (调解书, effective),
    performance period ends 11-15, no enforcement application.
C10 B·bank A: created 12-01 00:30 (= 11-30 16:30 UTC), nothing else.
Every case claims 10,000.00 unless said otherwise.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, CaseType
from jiefen.judgments.models import DecisionKind, DecisionState
from jiefen.mediation.models import Outcome, PlanStatus
from jiefen.service.models import AttemptState, Channel
from jiefen.stats.metrics import (
    CASE_FIGURES,
    DIMENSIONS,
    DURATION_FIGURES,
    METRICS,
    compute,
    metric_cases,
)
from jiefen.stats.periods import parse_period
from stats import factories as f
from stats.factories import local

pytestmark = pytest.mark.django_db

NOV = parse_period("2026-11")
CHANNELS = ("sms", "email", "portal", "post", "public_notice")


@pytest.fixture
def world() -> dict[str, Any]:
    court_a = f.court_org("渝0105", "重庆市江北区人民法院")
    court_b = f.court_org("渝0112", "重庆市渝北区人民法院")
    bank_a = f.institution_org("BANK01", "长江银行股份有限公司重庆分行")
    bank_b = f.institution_org("BANK02", "巴渝银行股份有限公司信用卡中心")
    wang = f.person(Role.JUDGE, court_a, "王法官")
    chen = f.person(Role.JUDGE, court_a, "陈法官")
    li = f.person(Role.MEDIATOR, f.mediation_org_for(court_b), "李调解")
    officer = f.person(Role.ENFORCEMENT_OFFICER, court_a, "赵执行")
    w: dict[str, Any] = {"court_a": court_a, "court_b": court_b, "bank_a": bank_a}
    w |= {"bank_b": bank_b, "wang": wang, "chen": chen, "li": li}

    c1 = f.litigated_case(
        court_a, bank_a, wang, created="2026-10-20", filed_on="2026-10-25",
        served="2026-10-30", heard="2026-11-10", pronounced="2026-11-20",
        default=True, awarded_total="8000.00",
    )  # fmt: skip
    f.attempt(c1, Channel.POST, sent="2026-10-28")
    c2 = f.litigated_case(
        court_a, bank_a, wang, created=local("2026-11-01", 0, 30), filed_on="2026-11-03",
        served="2026-11-08", heard="2026-11-20", pronounced=local("2026-11-30", 23, 30),
        case_type=CaseType.CREDIT_CARD, claim_total="6000.00", awarded_total="5000.00",
    )  # fmt: skip
    f.attempt(c2, Channel.SMS, sent="2026-11-04", effective=True, served_on="2026-11-04")
    f.attempt(c2, Channel.EMAIL, sent=local("2026-11-30", 23, 30))
    f.attempt(c2, Channel.PORTAL, sent=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    c3 = f.case(court_a, bank_b, created="2026-10-01", filed_on="2026-10-05", judge=chen)
    f.events(c3, ("file", "2026-10-05"))
    c4 = f.case(court_a, bank_a, created="2026-09-01", filed_on="2026-09-10", judge=chen)
    f.events(c4, ("file", "2026-09-10"), ("withdraw", datetime(2026, 10, 31, 16, 30, tzinfo=UTC)))

    c5 = f.mediated_case(
        court_b, bank_a, li, created="2026-11-02", opened="2026-11-03", agreed="2026-11-13"
    )
    p = f.plan(
        c5.mediation,
        due_dates=["2026-11-20", "2026-11-28"],
        total="2000.00",
        status=PlanStatus.COMPLETED,
    )
    f.payment(p, "1000.00", paid_on="2026-11-20")
    f.payment(p, "1000.00", paid_on="2026-11-28")
    c6 = f.mediated_case(
        court_b, bank_b, li, created="2026-10-10", opened="2026-10-12", failed="2026-11-05"
    )
    f.events(c6, ("file", "2026-11-15"))
    Case.objects.filter(pk=c6.pk).update(filed_on="2026-11-15")
    f.attempt(c6, Channel.SMS, sent="2026-11-16")
    f.attempt(c6, Channel.POST, sent="2026-11-18", effective=True, served_on="2026-11-22")
    f.attempt(c6, Channel.POST, sent=None, state=AttemptState.QUEUED)

    c7 = f.case(court_a, bank_a, created="2025-12-01", filed_on="2025-12-05", judge=wang)
    f.events(
        c7,
        ("file", "2025-12-05"),
        ("serve", "2025-12-10"),
        ("schedule_hearing", "2025-12-10"),
        ("hold_hearing", "2026-01-05"),
        ("pronounce_judgment", "2026-01-10"),
        ("take_effect", "2026-01-30"),
        ("apply_enforcement", "2026-11-22"),
        ("close", "2026-11-28"),
    )
    f.judgment(
        c7,
        pronounced_on="2026-01-10",
        effective_on="2026-01-30",
        performance_ends="2026-11-10",
        awarded_total="9500.00",
    )
    f.application(c7, performance_ends="2026-11-10", submitted_on="2026-11-20")
    f.enforcement(
        c7, officer, filed_on="2026-11-22", receipts=[("2026-11-25", "3000.00"), ("2026-12-01", "500.00")]
    )  # fmt: skip
    c8 = f.case(court_a, bank_a, created="2026-09-15", filed_on="2026-09-20", judge=wang)
    f.events(c8, ("file", "2026-09-20"), ("mediate_in_court", "2026-10-15"))
    f.judgment(
        c8,
        pronounced_on=None,
        kind=DecisionKind.MEDIATION,
        effective_on="2026-10-20",
        performance_ends="2026-11-15",
    )
    c10 = f.case(court_b, bank_a, created=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    w |= {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6, "c7": c7, "c8": c8}
    w["c10"] = c10
    return w


def _row(rows: list[dict[str, Any]], key: Any) -> dict[str, Any]:
    return next(r for r in rows if r["key"] == str(key))


def test_november_totals(world: dict[str, Any]) -> None:
    t = compute(NOV)["totals"]
    # C2 (received 11-01 00:30) and C5; C10 (12-01 00:30) is December.
    assert t["received"] == 2
    assert t["filed"] == 2  # C2, C6
    assert t["closed"] == 3  # C1, C2 (11-30 23:30), C4 (withdrawn 11-01 00:30)
    assert t["pending_at_start"] == 3  # C1, C3, C4 (C7 and C8 closed before November)
    assert t["closure_rate"] == 0.6  # 3 / (3 + 2)
    assert (t["mediations_closed"], t["mediations_succeeded"]) == (2, 1)
    assert t["mediation_success_rate"] == 0.5
    assert t["service_attempts"] == {
        "sms": 2,
        "email": 1,
        "portal": 0,
        "post": 1,
        "public_notice": 0,
    }
    assert t["service_successes"] == {
        "sms": 1,
        "email": 0,
        "portal": 0,
        "post": 1,
        "public_notice": 0,
    }
    assert t["service_success_rate"] == {
        "sms": 0.5, "email": 0.0, "portal": None, "post": 1.0, "public_notice": None
    }  # fmt: skip
    assert (t["judgments"], t["default_judgments"], t["default_judgment_rate"]) == (2, 1, 0.5)
    # C7 judgment (applied for enforcement), C8 调解书 (no application), C5 plan (completed).
    assert (t["performance_due"], t["performed_voluntarily"]) == (3, 2)
    assert t["voluntary_performance_rate"] == 0.6667
    assert t["amounts"] == {"claimed": "16000.00", "awarded": "13000.00", "recovered": "5000.00"}
    assert t["days"] == {
        "mediation": {"count": 2, "average": 17.0, "median": 17.0},  # C5 10, C6 24
        "filing": {"count": 2, "average": 19.0, "median": 19.0},  # C2 2, C6 36
        "service": {"count": 1, "average": 5.0, "median": 5.0},  # C2
        "hearing": {"count": 2, "average": 11.5, "median": 11.5},  # C1 11, C2 12
        "judgment": {"count": 2, "average": 10.0, "median": 10.0},  # C1, C2
        "effect": {"count": 0, "average": None, "median": None},
        "enforcement": {"count": 1, "average": 6.0, "median": 6.0},  # C7 11-22 → 11-28
        "end_to_end": {"count": 1, "average": 362.0, "median": 362.0},  # C7 2025-12-01 →
    }


def test_result_shape_and_period_fields(world: dict[str, Any]) -> None:
    result = compute(NOV)
    assert (result["period"], result["from"], result["to"]) == (
        "2026-11",
        "2026-11-01",
        "2026-11-30",
    )
    assert list(result["by"]) == list(DIMENSIONS)
    json.dumps(result)  # JSON-ready as it is
    everything = compute()
    assert (everything["period"], everything["from"], everything["to"]) == (None, None, None)
    assert everything["totals"]["pending_at_start"] == 0
    assert everything["totals"]["received"] == 9
    assert everything["totals"]["closed"] == 5  # C1, C2, C4, C7 (2026-01-10), C8 (10-15)
    assert everything["totals"]["judgments"] == 3  # C1, C2, C7
    months = [r["key"] for r in everything["by"]["month"]]
    assert months[0] == "2025-12" and months[-1] == "2026-12" and len(months) == 13


def test_breakdown_by_court(world: dict[str, Any]) -> None:
    rows = compute(NOV, by=("court",))["by"]["court"]
    assert [r["label"] for r in rows] == ["重庆市江北区人民法院", "重庆市渝北区人民法院"]
    a, b = _row(rows, world["court_a"].pk), _row(rows, world["court_b"].pk)
    assert (a["received"], a["filed"], a["closed"], a["pending_at_start"]) == (1, 1, 3, 3)
    assert a["closure_rate"] == 0.75  # 3 / (3 + 1)
    assert (a["performance_due"], a["performed_voluntarily"]) == (2, 1)
    assert a["amounts"] == {"claimed": "6000.00", "awarded": "13000.00", "recovered": "3000.00"}
    assert (b["received"], b["filed"], b["closed"], b["pending_at_start"]) == (1, 1, 0, 0)
    assert b["closure_rate"] == 0.0
    assert (b["mediations_closed"], b["mediations_succeeded"]) == (2, 1)
    assert b["voluntary_performance_rate"] == 1.0
    assert b["amounts"] == {"claimed": "10000.00", "awarded": "0.00", "recovered": "2000.00"}


def test_breakdown_by_institution_and_case_type(world: dict[str, Any]) -> None:
    by = compute(NOV, by=("institution", "case_type"))["by"]
    inst = by["institution"]
    assert [r["label"] for r in inst] == [
        "巴渝银行股份有限公司信用卡中心",
        "长江银行股份有限公司重庆分行",
    ]
    a, b = _row(inst, world["bank_a"].pk), _row(inst, world["bank_b"].pk)
    assert (a["received"], a["filed"], a["closed"], a["pending_at_start"]) == (2, 1, 3, 2)
    assert a["closure_rate"] == 1.0
    assert (a["performance_due"], a["performed_voluntarily"]) == (3, 2)
    assert (b["received"], b["filed"], b["closed"], b["pending_at_start"]) == (0, 1, 0, 1)
    assert (b["mediations_closed"], b["mediation_success_rate"]) == (1, 0.0)
    types = by["case_type"]
    assert [(r["key"], r["label"]) for r in types] == [
        ("credit_card", "信用卡纠纷"),
        ("financial_loan", "金融借款合同纠纷"),
    ]
    card, loan = types
    assert (card["received"], card["closed"], card["closure_rate"]) == (1, 1, 1.0)
    assert (loan["received"], loan["closed"], loan["pending_at_start"]) == (1, 2, 3)
    assert loan["closure_rate"] == 0.5  # 2 / (3 + 1)


def test_breakdown_by_judge_and_mediator(world: dict[str, Any]) -> None:
    by = compute(NOV, by=("judge", "mediator"))["by"]
    judges = by["judge"]
    assert [(r["key"], r["label"]) for r in judges] == [
        (str(world["wang"].pk), "王法官"),
        (str(world["chen"].pk), "陈法官"),
        ("none", "未分配"),
    ]
    wang, chen, nobody = judges
    assert (wang["closed"], wang["pending_at_start"], wang["filed"]) == (2, 1, 1)
    assert (chen["closed"], chen["pending_at_start"], chen["closure_rate"]) == (1, 2, 0.5)
    assert (nobody["received"], nobody["filed"], nobody["mediations_closed"]) == (1, 1, 2)
    mediators = by["mediator"]
    assert [(r["key"], r["label"]) for r in mediators] == [
        (str(world["li"].pk), "李调解"),
        ("none", "未分配"),
    ]
    assert mediators[0]["mediation_success_rate"] == 0.5
    assert mediators[0]["days"]["mediation"] == {"count": 2, "average": 17.0, "median": 17.0}


def test_month_breakdown_of_a_quarter(world: dict[str, Any]) -> None:
    rows = compute(parse_period("2026-Q4"), by=("month",))["by"]["month"]
    assert [(r["key"], r["label"]) for r in rows] == [
        ("2026-10", "2026年10月"),
        ("2026-11", "2026年11月"),
        ("2026-12", "2026年12月"),
    ]
    oct_, nov, dec = rows
    # October: received C3, C6, C1; filed C3, C1; closed C8; 旧存 at 10-01: C4, C8.
    assert (oct_["received"], oct_["filed"], oct_["closed"], oct_["pending_at_start"]) == (
        3,
        2,
        1,
        2,
    )
    assert oct_["closure_rate"] == 0.25
    assert oct_["service_attempts"]["post"] == 1  # C1's, sent 10-28
    assert (nov["received"], nov["closed"], nov["pending_at_start"]) == (2, 3, 3)
    # December: C10 (12-01 00:30), C2's portal attempt (12-01 00:30), C7's 500.00; 旧存 C3, C6.
    assert (dec["received"], dec["closed"], dec["pending_at_start"]) == (1, 0, 2)
    assert dec["service_attempts"]["portal"] == 1
    assert dec["amounts"]["recovered"] == "500.00"
    assert dec["closure_rate"] == 0.0


def test_boundaries_in_beijing_time(world: dict[str, Any]) -> None:
    october = compute(parse_period("2026-10"), by=())["totals"]
    # C2 was received at 10-31 16:30 UTC, C4 withdrawn at 10-31 16:30 UTC: both November.
    assert october["received"] == 3
    assert october["closed"] == 1  # only C8
    december = compute(parse_period("2026-12"), by=())["totals"]
    assert december["received"] == 1  # C10 at 11-30 16:30 UTC
    assert december["judgments"] == 0  # C2 pronounced 11-30 23:30 is November
    assert december["service_attempts"]["email"] == 0


def test_medians_with_odd_and_even_counts(court: Any, bank: Any) -> None:
    """Filing took 1, 2 and 9 days in May and 20 days for a fourth case filed in June."""
    for filed in ("2026-05-02", "2026-05-03", "2026-05-10", "2026-06-20"):
        c = f.case(court, bank, created="2026-05-01" if filed < "2026-06" else "2026-05-31")
        f.events(c, ("file", filed))
    may = compute(parse_period("2026-05"), by=())["totals"]["days"]["filing"]
    assert may == {"count": 3, "average": 4.0, "median": 2.0}
    year = compute(parse_period("2026"), by=())["totals"]["days"]["filing"]
    assert year == {"count": 4, "average": 8.0, "median": 5.5}  # 1, 2, 9, 20


EXPECTED_NOV = {
    "received": {"c2", "c5"},
    "filed": {"c2", "c6"},
    "claimed": {"c2", "c6"},
    "closed": {"c1", "c2", "c4"},
    "pending_at_start": {"c1", "c3", "c4"},
    "mediations_closed": {"c5", "c6"},
    "mediations_succeeded": {"c5"},
    "judgments": {"c1", "c2"},
    "awarded": {"c1", "c2"},
    "default_judgments": {"c1"},
    "performance_due": {"c5", "c7", "c8"},
    "performed_voluntarily": {"c5", "c8"},
    "recovered": {"c5", "c7"},
    "service_attempts:sms": {"c2", "c6"},
    "service_successes:sms": {"c2"},
    "service_attempts:email": {"c2"},
    "service_successes:email": set(),
    "service_attempts:post": {"c6"},
    "service_successes:post": {"c6"},
    "service_attempts:portal": set(),
    "service_attempts:public_notice": set(),
}


def _ids(world: dict[str, Any], names: set[str]) -> set[int]:
    return {world[n].pk for n in names}


def test_metric_cases_are_the_cases_behind_each_figure(world: dict[str, Any]) -> None:
    totals = compute(NOV, by=())["totals"]
    for name in CASE_FIGURES:
        got = set(metric_cases(name, NOV).values_list("pk", flat=True))
        assert got == _ids(world, EXPECTED_NOV.get(name, set())), name
        figure, _, channel = name.partition(":")
        value = totals[figure][channel] if channel else totals.get(figure)
        if isinstance(value, int):  # in this data every counted row is its own case
            assert len(got) == value, name
    assert metric_cases("service_success:sms", NOV).count() == 1


def test_the_cases_behind_a_duration_are_those_it_counts(world: dict[str, Any]) -> None:
    """Each case has one duration per stage, so the list behind it has the count's length."""
    for period in (NOV, None):
        days = compute(period, by=())["totals"]["days"]
        for name in DURATION_FIGURES:
            stage = name.partition(":")[2]
            assert metric_cases(name, period).count() == days[stage]["count"], (period, name)
    assert metric_cases("days:filing", NOV).count() > 0


def test_metric_cases_of_one_breakdown_row(world: dict[str, Any]) -> None:
    court_a = ("court", str(world["court_a"].pk))
    assert metric_cases("closed", NOV, key=court_a).count() == 3
    assert set(metric_cases("received", NOV, key=("judge", "none"))) == {world["c5"]}
    assert set(metric_cases("pending_at_start", NOV, key=("case_type", "financial_loan"))) == {
        world["c1"], world["c3"], world["c4"]
    }  # fmt: skip
    q4 = parse_period("2026-Q4")
    assert set(metric_cases("closed", q4, key=("month", "2026-11"))) == {
        world["c1"], world["c2"], world["c4"]
    }  # fmt: skip
    assert set(metric_cases("received", q4, key=("month", "2026-12"))) == {world["c10"]}
    assert not metric_cases("received", NOV, key=("month", "2026-12")).exists()
    assert metric_cases("closed", None).count() == 5
    assert not metric_cases("pending_at_start", None).exists()


def test_metric_cases_refuses_unknown_names_in_chinese(world: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="统计指标「speed」不存在"):
        metric_cases("speed", NOV)
    with pytest.raises(ValueError, match="送达渠道「fax」不存在"):
        metric_cases("service_attempts:fax", NOV)
    with pytest.raises(ValueError, match="分组维度「bank」不存在"):
        metric_cases("received", NOV, key=("bank", "1"))
    with pytest.raises(ValueError, match="分组维度「bank」不存在"):
        compute(NOV, by=("bank",))


def test_cases_restriction_to_one_bank(world: dict[str, Any]) -> None:
    """The dashboards pass a bank's cases: every figure and breakdown counts only those."""
    mine = Case.objects.filter(institution=world["bank_b"])  # C3, C6
    result = compute(NOV, mine)
    t = result["totals"]
    assert (t["received"], t["filed"], t["closed"], t["pending_at_start"]) == (0, 1, 0, 1)
    assert (t["mediations_closed"], t["mediations_succeeded"]) == (1, 0)
    assert t["service_attempts"]["sms"] == 1 and t["service_successes"]["post"] == 1
    assert (t["judgments"], t["performance_due"]) == (0, 0)
    assert t["amounts"] == {"claimed": "10000.00", "awarded": "0.00", "recovered": "0.00"}
    assert [r["key"] for r in result["by"]["institution"]] == [str(world["bank_b"].pk)]
    assert [r["key"] for r in result["by"]["court"]] == [
        str(world["court_a"].pk), str(world["court_b"].pk)
    ]  # fmt: skip
    assert set(metric_cases("filed", NOV, mine)) == {world["c6"]}
    assert set(metric_cases("pending_at_start", NOV, mine)) == {world["c3"]}


def test_draft_judgments_and_unsent_attempts_do_not_count(court: Any, bank: Any) -> None:
    c = f.case(court, bank, created="2026-11-02", filed_on="2026-11-03")
    f.judgment(c, pronounced_on="2026-11-20", state=DecisionState.DRAFT)
    f.attempt(c, Channel.SMS, sent=None, state=AttemptState.CANCELLED)
    t = compute(NOV, by=())["totals"]
    assert (t["filed"], t["judgments"], t["service_attempts"]["sms"]) == (1, 0, 0)
    assert not metric_cases("judgments", NOV).exists()


def test_agreement_later_missed_is_not_a_success(court: Any, bank: Any) -> None:
    """An agreement whose instalments were missed went to filing: ended, but no success."""
    c = f.case(court, bank, created="2026-10-01")
    f.mediation(
        c,
        f.mediation_org_for(court),
        opened_on="2026-10-02",
        outcome=Outcome.TO_FILING,
        agreed_on="2026-10-20",
        closed_on="2026-11-25",
    )
    nov = compute(NOV, by=())["totals"]
    assert (nov["mediations_closed"], nov["mediations_succeeded"]) == (1, 0)
    assert compute(parse_period("2026-10"), by=())["totals"]["mediations_closed"] == 0


def test_every_metric_has_a_chinese_definition() -> None:
    for name in ("received", "closure_rate", "voluntary_performance_rate", "days", "recovered"):
        m = METRICS[name]
        assert m.name == name and m.label_zh and m.formula_zh and m.period_rule_zh
    assert METRICS["closure_rate"].formula_zh == "审结数 ÷（旧存数 + 立案数）"


def _stats(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("stats", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_stats_command_adds_metrics_and_keeps_the_old_sections(world: dict[str, Any]) -> None:
    numbers = _stats()
    assert numbers["cases_total"] == 9
    for section in ("mediation", "filing", "service", "judgments", "enforcement"):
        assert section in numbers
    assert numbers["metrics"]["period"] is None
    assert numbers["metrics"]["totals"]["received"] == 9
    assert set(numbers["risk"]) >= {"warnings", "open", "by_kind"}


def test_stats_command_period(world: dict[str, Any]) -> None:
    metrics = _stats("--period", "2026-11")["metrics"]
    assert (metrics["period"], metrics["from"], metrics["to"]) == (
        "2026-11",
        "2026-11-01",
        "2026-11-30",
    )
    assert metrics["totals"]["closed"] == 3
    assert metrics["totals"]["amounts"]["recovered"] == "5000.00"


def test_stats_command_bad_period() -> None:
    with pytest.raises(CommandError, match="统计期间「2026-13」有误：月份应为 1 至 12"):
        _stats("--period", "2026-13")
