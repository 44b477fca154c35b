"""The referral documents: the sealed 移送函, the rulings on the civil cases and the evidence
bundle. Referrals are built as rows here (the referral actions are tested on their own)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, Party
from jiefen.cases.states import State
from jiefen.documents.actions import DocumentAlreadyIssued
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import TamperedFile, read_verified, sha256
from jiefen.enforcement.models import Enforcement, TitleKind
from jiefen.referrals import documents
from jiefen.referrals.documents import (
    evidence_bundle,
    issue_letter,
    issue_rulings,
    letter_number,
)
from jiefen.referrals.models import (
    Answer,
    Ground,
    Outcome,
    Referral,
    ReferralCase,
    ReferralState,
    Source,
)

from .conftest import loan_facts

PNG_DIR = Path(__file__).resolve().parents[2] / "var" / "referral-png"
STATEMENT = (
    "原告重庆速融商贸有限公司未取得放贷资格，2025年以来以同一格式合同向不特定的个人出借款项，"
    "出借时预先扣除利息，并以新借款偿还旧借款"
)


def pdf_text(doc: StoredDocument) -> str:
    data = read_verified(doc.path, doc.sha256)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # One line of text, without the page footers (— 2 —) that fall inside a paragraph.
    return re.sub(r"—\d+—", "", text.replace("\n", "").replace(" ", ""))


def sealed(doc: StoredDocument) -> None:
    assert doc.signed
    report = validate(read_verified(doc.path, doc.sha256))
    assert report.ok, report
    assert report.signatures[0].signer == "重庆市江北区人民法院电子印章"


def look(doc: StoredDocument, name: str) -> None:
    """Write the pages as PNG for a human to look at (opt-in: JIEFEN_REFERRAL_PNG=1)."""
    if not os.environ.get("JIEFEN_REFERRAL_PNG"):
        return
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(doc.absolute_path), str(PNG_DIR / name)], check=True
    )


@pytest.fixture
def parties(make_party: Callable[..., Party]) -> list[Party]:
    return [make_party(name) for name in ("王小明", "李秀英", "张建国")]


@pytest.fixture
def cases(filed_case: Callable[..., Case], parties: list[Party], court: Organisation) -> list[Case]:
    """Three filed cases of the lender: 50,000 agreed, 45,000 paid out (5,000 withheld)."""
    court.phone = "023-67889900"
    court.address = "重庆市江北区北城天街9号"
    court.court = Organisation.objects.create(
        code="渝01", name="重庆市第一中级人民法院", kind=OrganisationKind.COURT, court_code="渝01"
    )
    court.save()
    made = []
    for i, party in enumerate(parties):
        made.append(
            filed_case(
                defendant=party,
                principal=Decimal("50000.00"),
                interest=Decimal("1500.00"),
                claim_total=Decimal("51500.00"),
                acceptance_fee=Decimal("543.75") if i == 0 else Decimal("525.00"),
                elements=loan_facts(agreed="50000.00", disbursed="45000.00"),
            )
        )
    return made


def refer(
    cases: list[Case], police: Organisation, judge: User, outcome: str = Outcome.DISMISS
) -> Referral:
    referral = Referral.objects.create(
        court=judge.organisation,
        agency=police,
        judge=judge,
        source=Source.JUDGE,
        opened_by=judge,
        grounds=[Ground.WITHHELD_INTEREST, Ground.SERIAL_LOANS, Ground.PROFESSIONAL_LENDER],
        statement=STATEMENT,
        outcome=outcome,
        decided_on=date(2026, 11, 20),
    )
    for case in cases:
        ReferralCase.objects.create(referral=referral, case=case, state_at_referral=case.state)
    return referral


@pytest.fixture
def referral(cases: list[Case], police: Organisation, judge: User) -> Referral:
    return refer(cases, police, judge)


@pytest.fixture
def signals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The risk module's measurements, fixed in its shape (the rules are tested in tests/risk)."""

    def measure(case: Case) -> list[dict[str, Any]]:
        def signal(kind: str, label: str, value: str, flagged: bool = True) -> dict[str, Any]:
            return {
                "signal": kind,
                "label": label,
                "value": value,
                "threshold": "",
                "flagged": flagged,
            }

        return [
            signal(Ground.WITHHELD_INTEREST, "预扣利息", "5,000.00元（实际出借45,000.00元）"),
            signal(Ground.EFFECTIVE_RATE, "实际年利率（约定年利率12.00%）", "35.56%"),
            signal(Ground.SERIAL_LOANS, "前一笔借款", "（2025）渝0105民初1号", flagged=False),
        ]

    monkeypatch.setattr(documents, "case_signals", measure)


def test_letter_numbers_are_sequential_per_court_and_year(court: Organisation) -> None:
    assert letter_number(court, date(2026, 3, 1)) == "渝0105法移〔2026〕1号"
    assert letter_number(court, date(2026, 12, 31)) == "渝0105法移〔2026〕2号"
    assert letter_number(court, date(2027, 1, 4)) == "渝0105法移〔2027〕1号"


def test_letter_is_sealed_and_lists_every_case(
    referral: Referral, cases: list[Case], judge: User
) -> None:
    referral.number = letter_number(referral.court, date(2026, 11, 20))
    doc = issue_letter(referral, by=judge, on=date(2026, 11, 20))
    sealed(doc)
    look(doc, "letter")
    assert doc.case is None and doc.kind == "referral_letter" and doc.title == "移送函"
    assert doc.recipient == "重庆市公安局江北区分局" and doc.issued_for == f"referral:{referral.pk}"
    text = pdf_text(doc)
    for needle in (
        "重庆市江北区人民法院",
        "移送函",
        "渝0105法移〔2026〕1号",
        "重庆市公安局江北区分局：",
        # An unlicensed lender's loans are private lending, whatever the batch called them.
        "原告重庆速融商贸有限公司诉被告王小明等3件民间借贷纠纷案件",
        "涉嫌“套路贷”诈骗、非法放贷犯罪",
        "未取得放贷资格",
        "预扣利息（砍头息）：经本院测算，3件案件存在该情形",
        # the withheld interest as jiefen.risk.crime measures it
        "（各案数据见附件1），如（2026）渝0105民初",
        "5,000.00元",
        "实际出借45,000.00元",
        "2.转单平账。",
        # the decision on the civil cases and its basis
        "已对审理中的3件案件裁定驳回起诉",
        "第五条第一款",
        "第一百五十七条第一款第三项",
        # the request to answer in writing
        "《中华人民共和国刑事诉讼法》第一百一十二条",
        "第十二条的规定，将是否立案的结果书面函告本院",
        "附件：1.涉案案件清单（3件）",
        "承办法官：刘法官",
        "023-67889900",
        "二〇二六年十一月二十日",
        "涉案案件清单",
        "证据材料清单",
        "借款50,000.00",
        "诉请51,500.00",
    ):
        assert needle in text, needle
    for case in cases:
        assert case.case_number in text
    for name in ("王小明", "李秀英", "张建国"):
        assert name in text
    with pytest.raises(DocumentAlreadyIssued):
        issue_letter(referral, by=judge)
    assert StoredDocument.objects.filter(kind="referral_letter").count() == 1


def test_letter_needs_a_number_and_a_decision_to_refer(
    referral: Referral, cases: list[Case], police: Organisation, judge: User
) -> None:
    with pytest.raises(TransitionRefused, match="尚未编号"):
        issue_letter(referral, by=judge)
    kept = refer(cases[:1], police, judge, outcome=Outcome.NO_REFERRAL)
    kept.number = "渝0105法移〔2026〕8号"
    with pytest.raises(TransitionRefused, match="不予移送"):
        issue_letter(kept, by=judge)
    assert not StoredDocument.objects.filter(kind="referral_letter").exists()


def test_letter_of_a_lead_says_the_civil_cases_go_on(
    cases: list[Case], police: Organisation, judge: User
) -> None:
    referral = refer(cases[:1], police, judge, outcome=Outcome.REFER_LEAD)
    referral.number = "渝0105法移〔2026〕9号"
    text = pdf_text(issue_letter(referral, by=judge, on=date(2026, 11, 20)))
    assert f"一案（{cases[0].case_number}）" in text
    assert "不是同一法律关系" in text and "民事案件继续审理" in text
    assert "第六条" in text and "第十条" in text


def test_dismissal_ruling_per_case_refunds_the_fee(
    referral: Referral, cases: list[Case], judge: User, signals: None
) -> None:
    docs = issue_rulings(
        referral, [c.pk for c in cases], "dismissal", by=judge, on=date(2026, 11, 20)
    )
    assert [d.case_id for d in docs] == [c.pk for c in cases]
    first = docs[0]
    sealed(first)
    look(first, "dismissal")
    assert first.kind == "crime_dismissal_ruling" and first.title == "民事裁定书（驳回起诉）"
    assert first.issued_for == f"referral:{referral.pk}:dismissal"
    text = pdf_text(first)
    for needle in (
        "民事裁定书",
        cases[0].case_number,
        "原告：重庆速融商贸有限公司，住所地重庆市江北区五里店街道塔坪路12号。",
        "法定代表人：周立新。",
        "被告：王小明",
        "本院于2026年10月12日立案，依法适用简易程序进行审理",
        "偿还借款本金50,000.00元、利息1,500.00元，合计人民币51,500.00元",
        "未取得放贷资格",
        "经核查，本案预扣利息为5,000.00元（实际出借45,000.00元）；实际年利率（约定年利率12.00%）为35.56%。",
        "存在预扣利息（砍头息）、转单平账、职业放贷的情形",
        "不属于民事纠纷案件",
        "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第五条第一款",
        "《最高人民法院关于在审理经济纠纷案件中涉及经济犯罪嫌疑若干问题的规定》第十一条",
        "《中华人民共和国民事诉讼法》第一百五十七条第一款第三项",
        "裁定如下：",
        "驳回原告重庆速融商贸有限公司的起诉。",
        "案件受理费543.75元，退还原告重庆速融商贸有限公司。",
        "裁定书送达之日起十日内",
        "上诉于重庆市第一中级人民法院",
        "审判员刘法官",
        "二〇二六年十一月二十日",
    ):
        assert needle in text, needle
    assert "前一笔借款" not in text  # measured, not flagged: no ground
    assert "案件受理费525.00元，退还原告" in pdf_text(docs[1])
    assert "王小明" not in pdf_text(docs[1])  # one ruling per case, its own parties


def test_suspension_ruling_is_effective_on_service(
    referral: Referral, cases: list[Case], judge: User
) -> None:
    (doc,) = issue_rulings(referral, [cases[1].pk], "suspension", by=judge, on=date(2026, 11, 21))
    sealed(doc)
    look(doc, "suspension")
    assert doc.title == "民事裁定书（中止诉讼）"
    text = pdf_text(doc)
    for needle in (
        cases[1].case_number,
        "被告：李秀英",
        "移送重庆市公安局江北区分局",
        "基本事实须以相关刑事案件的处理结果为依据",
        "《中华人民共和国民事诉讼法》第一百五十三条第一款第五项",
        "第一百五十七条第一款第六项",
        "若干问题的规定》第七条",
        "本案中止诉讼。",
        "本裁定送达后即发生法律效力。",
    ):
        assert needle in text, needle
    assert "上诉" not in text


def test_dismissal_after_the_police_opened_a_case_recites_the_suspension(
    referral: Referral, cases: list[Case], judge: User
) -> None:
    issue_rulings(referral, [cases[2].pk], "suspension", by=judge, on=date(2026, 11, 21))
    Referral.objects.filter(pk=referral.pk).update(
        state=ReferralState.ACCEPTED,
        answer=Answer.ACCEPTED,
        answer_number="渝公江(经)立字〔2026〕88号",
        answered_on=date(2026, 12, 3),
    )
    referral.refresh_from_db()
    (doc,) = issue_rulings(referral, [cases[2].pk], "dismissal", by=judge, on=date(2026, 12, 8))
    text = pdf_text(doc)
    assert "裁定本案中止诉讼，并将涉嫌犯罪的线索、材料移送重庆市公安局江北区分局" in text
    assert "于2026年12月3日决定立案侦查（渝公江(经)立字〔2026〕88号）" in text
    assert "驳回原告重庆速融商贸有限公司的起诉。" in text


def test_a_second_ruling_for_the_same_referral_is_refused(
    referral: Referral, cases: list[Case], judge: User
) -> None:
    issue_rulings(referral, [cases[0].pk], "dismissal", by=judge, on=date(2026, 11, 20))
    with pytest.raises(DocumentAlreadyIssued, match=r"民初\d+号"):
        issue_rulings(
            referral, [cases[1].pk, cases[0].pk], "dismissal", by=judge, on=date(2026, 11, 20)
        )
    # Refused before anything was rendered: the other case got no ruling either.
    assert not StoredDocument.objects.filter(case=cases[1]).exists()
    assert StoredDocument.objects.filter(kind="crime_dismissal_ruling").count() == 1


def test_rulings_only_for_the_referral_s_filed_cases(
    referral: Referral,
    cases: list[Case],
    judge: User,
    filed_case: Callable[..., Case],
    police: Organisation,
) -> None:
    stranger = filed_case()
    with pytest.raises(TransitionRefused, match="不属于本次移送"):
        issue_rulings(referral, [stranger.pk], "dismissal", by=judge, on=date(2026, 11, 20))
    unfiled = filed_case(
        state=State.IN_MEDIATION, case_number=None, mediation_number="（2026）渝0105民诉前调88号"
    )
    pre = refer([unfiled], police, judge)
    with pytest.raises(TransitionRefused, match="尚未立案"):
        issue_rulings(pre, [unfiled.pk], "dismissal", by=judge, on=date(2026, 11, 20))
    with pytest.raises(TransitionRefused, match="没有执行案件"):
        issue_rulings(pre, [unfiled.pk], "enforcement_suspension", by=judge, on=date(2026, 11, 20))


def test_enforcement_suspension_ruling_names_the_enforcement_case(
    cases: list[Case], police: Organisation, judge: User, make_user: Callable[..., User]
) -> None:
    case = cases[0]
    officer = make_user(Role.ENFORCEMENT_OFFICER, judge.organisation, full_name="李执行")
    Case.objects.filter(pk=case.pk).update(state=State.IN_ENFORCEMENT)
    Enforcement.objects.create(
        case=case,
        number="（2026）渝0105执2345号",
        title_kind=TitleKind.JUDGMENT,
        title_reference=f"{case.case_number}民事判决书",
        filed_on=date(2026, 9, 1),
        officer=officer,
        principal=Decimal("50000.00"),
        interest=Decimal("1500.00"),
        costs=Decimal("543.75"),
        delay_from=date(2026, 8, 20),
        applied_total=Decimal("52043.75"),
        debt_outstanding=Decimal("52043.75"),
    )
    case.refresh_from_db()
    referral = refer([case], police, judge)
    (doc,) = issue_rulings(
        referral, [case.pk], "enforcement_suspension", by=judge, on=date(2026, 11, 22)
    )
    sealed(doc)
    look(doc, "enf-suspension")
    assert doc.kind == "enf_suspension_ruling" and doc.title == "执行裁定书（中止执行）"
    text = pdf_text(doc)
    for needle in (
        "执行裁定书",
        "（2026）渝0105执2345号",
        "申请执行人：重庆速融商贸有限公司",
        "法定代表人：周立新。",
        "被执行人：王小明",
        f"本院{case.case_number}民事判决书已经发生法律效力",
        "《中华人民共和国民事诉讼法》第二百六十七条第一款第五项",
        "中止（2026）渝0105执2345号案件的执行。",
        "本裁定送达后立即生效。",
        "执行员李执行",
    ):
        assert needle in text, needle


def _sealed_referral(referral: Referral, cases: list[Case], judge: User) -> Referral:
    referral.number = "渝0105法移〔2026〕4号"
    letter = issue_letter(referral, by=judge, on=date(2026, 11, 20))
    issue_rulings(referral, [c.pk for c in cases], "dismissal", by=judge, on=date(2026, 11, 20))
    Referral.objects.filter(pk=referral.pk).update(
        number=referral.number, letter=letter, state=ReferralState.SENT, sent_on=date(2026, 11, 20)
    )
    referral.refresh_from_db()
    return referral


def test_bundle_holds_the_letter_and_each_case_s_files_with_their_hashes(
    referral: Referral, cases: list[Case], judge: User
) -> None:
    referral = _sealed_referral(referral, cases, judge)
    name, data = evidence_bundle(referral, judge)
    assert name == "移送材料-渝0105法移〔2026〕4号.zip"
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    assert names[0] == "00-移送函-渝0105法移〔2026〕4号.pdf"
    assert names[-1] == "清单.csv"
    for case in cases:
        assert any(n.startswith(f"{case.case_number}/") for n in names), case.case_number
    rows = list(csv.reader(io.StringIO(z.read("清单.csv").decode("utf-8-sig"))))
    assert rows[0] == ["文件", "标题", "SHA-256", "字节数"]
    assert len(rows) - 1 == len(names) - 1 == 4  # the letter and three rulings
    for file, _title, digest, size in rows[1:]:
        body = z.read(file)
        assert sha256(body) == digest and len(body) == int(size)
    titles = {title for _, title, _, _ in rows[1:]}
    assert titles == {"移送函", "民事裁定书（驳回起诉）"}
    assert validate(z.read(names[0])).ok


def test_bundle_holds_only_what_the_user_may_see(
    referral: Referral, cases: list[Case], judge: User, other_judge: User
) -> None:
    referral = _sealed_referral(referral, cases, judge)
    _, data = evidence_bundle(referral, other_judge)  # not the judge of these cases
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["00-移送函-渝0105法移〔2026〕4号.pdf", "清单.csv"]


def test_a_tampered_file_makes_the_bundle_fail(
    referral: Referral, cases: list[Case], judge: User
) -> None:
    referral = _sealed_referral(referral, cases, judge)
    ruling = StoredDocument.objects.filter(case=cases[1], kind="crime_dismissal_ruling").get()
    path = ruling.absolute_path
    path.chmod(0o600)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% altered"))
    with pytest.raises(TamperedFile):
        evidence_bundle(referral, judge)


def test_a_licensed_lenders_loan_is_ruled_without_the_private_lending_provisions(
    filed_case: Callable[..., Case], bank: Organisation, police: Organisation, judge: User
) -> None:
    """A bank's loan is not private lending (民间借贷规定 Art. 1): the dismissal names the
    financial-loan dispute and rests on 法释〔1998〕7号 Art. 11 and 民诉法 Art. 157 alone."""
    case = filed_case(institution=bank, series=None)
    referral = refer([case], police, judge)
    (doc,) = issue_rulings(referral, [case.pk], "dismissal", by=judge, on=date(2026, 11, 20))
    text = pdf_text(doc)
    assert f"原告{bank.name}与被告" in text and "金融借款合同纠纷一案" in text
    assert "《最高人民法院关于在审理经济纠纷案件中涉及经济犯罪嫌疑若干问题的规定》第十一条" in text
    assert "《中华人民共和国民事诉讼法》第一百五十七条第一款第三项" in text
    assert "民间借贷" not in text
