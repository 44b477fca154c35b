"""The white paper (金融审判白皮书): figures, typical cases, anonymisation, the command.

The data below is worked out by hand (2026, court 渝0105):
- litigated A, B, C, D (民事判决书) and F (in-court mediation: 民事调解书), filed in 2026:
  claims 50,000 + 30,000 + 20,000 + 80,000 + 60,000 = 240,000 元 → 24.00万元;
  judgments A-D awarded 42,000 + 30,000 + 20,000 + 78,000 = 170,000 → 17.00万元;
  B is the one default judgment of four → 25.00%.
- received: A B C D F, mediated E (agreed) and G (failed), three card cases H → 10 件;
  filed 5, closed 5 (each pronounced), nothing pending at the start → 结案率 100.00%;
  mediation 1 of 2 succeeded → 50.00%.
- service: one SMS to B that took effect, one e-mail to A that failed → 电子送达 50.00%.
- performance periods ended for A B C D F (5); only C's creditor applied → 4/5 = 80.00%.
- C's resumed enforcement received 5,000 元 → 0.50万元.
- end to end (created → close): A 2026-01-05 → 03-05 = 59 days, D 03-02 → 05-16 = 75 days:
  average and median 67 days.
- 2025: one case received → 收案增长900.00% (10 against 1).
- another court's case in 2026 counts only in the platform's paper (11 件).
"""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from jiefen.accounts.models import Role
from jiefen.cases.models import (
    CaseParty,
    CaseType,
    Contact,
    ContactKind,
    ContactSource,
    IdType,
    Party,
    PartyKind,
    PartyRole,
)
from jiefen.enforcement.models import Enforcement, EnforcementState
from jiefen.judgments.models import DecisionKind, Judgment
from jiefen.privacy import blind_index
from jiefen.risk.models import Warning, WarningKind
from jiefen.service.models import AttemptState, Channel
from jiefen.stats.metrics import compute
from jiefen.stats.periods import parse_period
from jiefen.stats.white_paper import render_white_paper
from stats import factories as f

pytestmark = pytest.mark.django_db

PEOPLE = {
    "A": ("张三丰", "500105199001011234", "13912345678"),
    "B": ("李四", "500105199202022345", "13823456789"),
    "C": ("王五", "500105198803033456", "13734567890"),
    "D": ("赵小六", "500105198504044567", "13645678901"),
    "F": ("孙八", "500105199105055678", "13556789012"),
    "E": ("钱七", "500105199306066789", "13467890123"),
}
GUARANTOR = ("周九", "500105197807077890", "13378901234")


def _rename(case: Any, name: str, id_number: str, phone: str) -> None:
    """Give the factory's defendant a real name, ID number, phone and home address."""
    party = case.defendants[0].party
    Party.objects.filter(pk=party.pk).update(
        name=name,
        id_number=id_number,
        id_index=blind_index(id_number),
        domicile="重庆市江北区建新北路一支路12号3单元5-2",
    )
    Contact.objects.create(
        party=party, kind=ContactKind.MOBILE, value=phone, source=ContactSource.CONTRACT
    )


def _close(case: Any, on: str) -> None:
    f.events(case, ("close", on), set_state=False)


@pytest.fixture
def data() -> dict[str, Any]:
    court, bank = f.court_org(), f.institution_org()
    cards = f.institution_org("BANK02", "巴渝银行股份有限公司信用卡中心")
    judge = f.person(Role.JUDGE, court, "王法官")
    mediator = f.person(Role.MEDIATOR, f.mediation_org_for(court), "李调解")
    officer = f.person(Role.ENFORCEMENT_OFFICER, court, "赵执行")

    def litigated(created: str, filed: str, pronounced: str, effective: str, **kw: Any) -> Any:
        return f.litigated_case(
            court,
            bank,
            judge,
            created=created,
            filed_on=filed,
            served=filed,
            heard=pronounced,
            pronounced=pronounced,
            effective=effective,
            **kw,
        )

    a = litigated(
        "2026-01-05",
        "2026-01-10",
        "2026-02-10",
        "2026-03-01",
        claim_total="50000.00",
        awarded_total="42000.00",
    )
    Judgment.objects.filter(case=a).update(
        reduced_for_cap=True, computation={"cap": {"annual_percent": 24, "reduced": True}}
    )
    a.elements = {
        "contract": {"name": "个人消费贷款合同", "signed_on": "2024-03-01"},
        "loan_amount": {"agreed": "50000.00"},
        "rates": {"annual_rate_percent": "36"},
        "overdue_since": "2025-01-20",
    }
    a.save(update_fields=["elements"])
    f.attempt(a, Channel.EMAIL, sent="2026-01-11", state=AttemptState.FAILED)
    _close(a, "2026-03-05")

    b = litigated(
        "2026-02-03",
        "2026-02-08",
        "2026-03-10",
        "2026-04-01",
        default=True,
        claim_total="30000.00",
        awarded_total="30000.00",
    )
    f.attempt(b, Channel.SMS, sent="2026-02-09", effective=True, served_on="2026-02-09")

    c = litigated(
        "2026-01-20",
        "2026-01-25",
        "2026-02-20",
        "2026-03-10",
        claim_total="20000.00",
        awarded_total="20000.00",
    )
    f.application(c, performance_ends="2026-03-25", submitted_on="2026-03-28")
    first = f.enforcement(c, officer, filed_on="2026-03-30")
    Enforcement.objects.filter(pk=first.pk).update(
        state=EnforcementState.TERMINATED_FOR_NOW, closed_on="2026-07-01"
    )
    again = f.enforcement(c, officer, filed_on="2026-09-15", receipts=[("2026-10-08", "5000.00")])
    Enforcement.objects.filter(pk=again.pk).update(resumed_from=first, received="5000.00")

    d = litigated(
        "2026-03-02",
        "2026-03-05",
        "2026-04-10",
        "2026-05-01",
        claim_total="80000.00",
        awarded_total="78000.00",
    )
    guarantor = Party.objects.create(
        kind=PartyKind.NATURAL_PERSON,
        name=GUARANTOR[0],
        id_type=IdType.RESIDENT_ID,
        id_number=GUARANTOR[1],
        id_index=blind_index(GUARANTOR[1]),
    )
    CaseParty.objects.create(case=d, party=guarantor, role=PartyRole.GUARANTOR, position=2)
    Judgment.objects.filter(case=d).update(
        computation={"guarantors": [{"name": GUARANTOR[0], "liability": "joint", "limit": None}]}
    )
    d.elements = {"guarantees": [{"name": GUARANTOR[0], "kind": "joint"}]}
    d.save(update_fields=["elements"])
    _close(d, "2026-05-16")

    # In-court mediation: the largest cap reduction of all, yet never a typical case.
    fm = litigated(
        "2026-03-10",
        "2026-03-12",
        "2026-04-15",
        "2026-04-20",
        claim_total="60000.00",
        awarded_total="30000.00",
    )
    Judgment.objects.filter(case=fm).update(kind=DecisionKind.MEDIATION, reduced_for_cap=True)

    e = f.mediated_case(
        court, bank, mediator, created="2026-04-01", opened="2026-04-02", agreed="2026-04-20"
    )
    g = f.mediated_case(
        court, bank, mediator, created="2026-04-05", opened="2026-04-06", failed="2026-04-25"
    )
    for i, when in enumerate(("2026-05-06", "2026-05-07", "2026-05-08")):
        h = f.case(court, cards, created=when, case_type=CaseType.CREDIT_CARD)
        if i < 2:
            type(h).objects.filter(pk=h.pk).update(over_cap=True)
    f.case(court, bank, created="2025-12-01")
    f.case(f.court_org("渝0112", "重庆市渝北区人民法院"), bank, created="2026-06-01")

    for key, case in (("A", a), ("B", b), ("C", c), ("D", d), ("F", fm), ("E", e)):
        _rename(case, *PEOPLE[key])
    warning = Warning.objects.create(
        kind=WarningKind.CONTACT_CLUSTER,
        fingerprint="contact_cluster:t1",
        subject_key="t1",
        subject_name="共用手机号的借款人群",
        score=Decimal("8.00"),
        summary=(f"{GUARANTOR[0]}与另2名借款人共用手机号{GUARANTOR[2]}，疑似团伙借贷。"),
        opened_on="2026-08-01",
        updated_on="2026-08-01",
    )
    warning.cases.add(d)
    return {"court": court, "cases": {"A": a, "B": b, "C": c, "D": d, "F": fm, "E": e, "G": g}}


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", "", out)


def test_court_paper_prints_the_hand_computed_figures(data: dict[str, Any]) -> None:
    period = parse_period("2026")
    pdf = render_white_paper(period, data["court"])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    assert sum(len(p.images) for p in reader.pages) >= 6  # the six charts
    assert reader.metadata is not None and reader.metadata.author == "重庆市江北区人民法院"
    text = _text(pdf)
    assert "重庆市江北区人民法院金融审判白皮书" in text and "（2026年度）" in text
    for phrase in (
        "共收到金融纠纷案件10件，立案5件，审结5件，结案率100.00%",
        "立案标的总额24.00万元",
        "判决支持金额17.00万元",
        "到位金额0.50万元",
        "调解成功率50.00%",
        "电子送达成功率50.00%",
        "缺席判决率25.00%",
        "自动履行率80.00%",
        "平均用时67天，中位数67天",
        "收案增长900.00%（上一期1件）",
        "信用卡纠纷3件，占收案总数的30.00%",
        "收案最多的是长江银行股份有限公司重庆分行，7件，占收案总数的70.00%",
    ):
        assert phrase in text, phrase
    for heading in (
        "一、基本情况",
        "二、案件特点与趋势",
        "三、典型案例",
        "四、风险提示",
        "五、结语",
    ):
        assert heading in text
    # The numbers are compute()'s for the court's cases (cross-check of the hand computation).
    totals = compute(period, data["court"].cases_at_court.all())["totals"]
    assert (totals["received"], totals["filed"], totals["closed"]) == (10, 5, 5)


def test_typical_cases_are_chosen_by_rule_and_anonymised(data: dict[str, Any]) -> None:
    text = _text(render_white_paper(parse_period("2026"), data["court"]))
    cases = text[text.rindex("三、典型案例") : text.rindex("四、风险提示")]
    # cap: A (F's mediation document reduced more, but is never published); default: B;
    # enforcement resumed: C; guarantee: D.
    assert "利息等合计超过法定上限部分不予支持" in cases and "调减8,000.00元" in cases
    assert "电子送达后依法缺席判决" in cases and "短信" in cases
    assert "终结本次执行程序后恢复执行" in cases and "执行到位5,000.00元" in cases
    assert "保证人周某承担连带清偿责任" in cases
    for pseudonym in ("张某某", "李某", "王某", "赵某某"):
        assert pseudonym in cases
    for name, id_number, phone in (*PEOPLE.values(), GUARANTOR):
        assert name not in text, name
        assert id_number not in text and phone not in text
    assert "建新北路" not in text
    assert "孙某" not in cases and "钱某" not in cases  # mediated cases are never chosen
    assert "调减30,000.00元" not in cases


def test_risk_tips_come_from_the_data_and_the_warnings(data: dict[str, Any]) -> None:
    text = _text(render_white_paper(parse_period("2026"), data["court"]))
    tips = text[text.rindex("四、风险提示") : text.rindex("五、结语")]
    assert "合计超过法定上限的2件，占收案总数的20.00%" in tips
    assert "关联借款人团伙" in tips and "周某与另2名借款人共用手机号×" in tips


def test_platform_paper_counts_every_court(data: dict[str, Any]) -> None:
    text = _text(render_white_paper(parse_period("2026")))
    assert "金融纠纷多元化解平台金融审判白皮书" in text
    assert "共收到金融纠纷案件11件" in text


def test_empty_period_still_renders_a_paper(data: dict[str, Any]) -> None:
    pdf = render_white_paper(parse_period("2027-03"), data["court"])
    text = _text(pdf)
    assert "（2027年3月）" in text and "共收到金融纠纷案件0件" in text
    assert "本期不发布典型案例" in text


def test_command_writes_the_file(data: dict[str, Any], tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "wp.pdf"
    call_command("white_paper", period="2026", out=str(target), court="渝0105", stdout=out)
    pdf = target.read_bytes()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pdf.startswith(b"%PDF") and f"共{pages}页：{target}" in out.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"period": "2026-13"}, "月份应为 1 至 12"),
        ({"period": "去年"}, "统计期间「去年」有误"),
        ({"period": "2026", "court": "渝9999"}, "法院「渝9999」不存在"),
        ({"period": "2026", "out": "/nonexistent/dir/wp.pdf"}, "无法写入文件"),
    ],
)
def test_command_rejects_bad_input(
    data: dict[str, Any], tmp_path: Path, options: dict[str, str], message: str
) -> None:
    options = {"out": str(tmp_path / "wp.pdf"), **options}
    with pytest.raises(CommandError, match=message):
        call_command("white_paper", **options)
    assert not (tmp_path / "wp.pdf").exists()
