"""The judge's batch signature and the pronouncement: the sealed 民事判决书, its Word copy, the
refusals, the case move and the service of the judgment on every defendant and guarantor."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import docx
import pytest

from jiefen.accounts.models import User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, PartyRole, Procedure
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import read_verified
from jiefen.judgments.actions.drafting import draft
from jiefen.judgments.actions.pronouncement import pronounce
from jiefen.judgments.actions.signing import edit, sign_all
from jiefen.judgments.models import DecisionState, Judgment
from jiefen.judgments.rules import compute
from jiefen.service.models import Service, ServiceAttempt

DELAY = "加倍支付迟延履行期间的债务利息"
APPEAL = "如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状"


def pdf_text(doc: StoredDocument) -> str:
    """The document's text with every line break and space removed (typst wraps lines)."""
    data = read_verified(doc.path, doc.sha256)
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout.decode())


def _drafted(case: Case, judge: User) -> Judgment:
    result = draft([case.pk], by=judge)
    assert result.not_ready == {}, result.not_ready
    return Judgment.objects.get(case=case)


@pytest.fixture
def guaranteed(make_heard_case: Callable[..., Case]) -> Case:
    return make_heard_case(
        name="张三",
        amounts={"penalty_interest": "800.00"},
        guarantors=[{"name": "钱七", "kind": "joint"}],
    )


def test_signed_judgment_is_sealed_and_says_what_a_judgment_must(
    guaranteed: Case, judge: User
) -> None:
    judgment = _drafted(guaranteed, judge)
    result = sign_all([judgment.pk], by=judge)
    assert result.signed == [judgment.pk] and result.refused == {}

    judgment.refresh_from_db()
    assert judgment.state == DecisionState.SIGNED
    assert judgment.signed_by == judge and judgment.signed_at is not None
    assert judgment.document is not None and judgment.document.signed
    sealed = read_verified(judgment.document.path, judgment.document.sha256)
    report = validate(sealed)
    assert report.ok, report
    assert report.signatures[0].signer == "重庆市江北区人民法院电子印章"

    text = pdf_text(judgment.document)
    computed = compute(guaranteed)
    assert "民事判决书" in text and guaranteed.case_number in text
    for order in computed.orders:
        assert re.sub(r"\s+", "", order) in text, order
    assert "对上述第一、二项债务承担连带清偿责任" in text
    assert DELAY in text
    assert re.sub(r"\s+", "", computed.fee_text) in text
    assert APPEAL in text and "上诉于" in text
    assert "本判决为终审判决" not in text
    assert "审判员王明" in text and "书记员李静" in text
    assert "草稿" not in text

    assert judgment.docx is not None
    word = docx.Document(judgment.docx.absolute_path)
    body = "".join(p.text for p in word.paragraphs) + "".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )
    assert guaranteed.case_number in body
    assert DELAY in body


def test_small_claims_judgment_is_final(make_heard_case: Callable[..., Case], judge: User) -> None:
    case = make_heard_case(name="李四", procedure=Procedure.SMALL_CLAIMS)
    judgment = _drafted(case, judge)
    sign_all([judgment.pk], by=judge)
    judgment.refresh_from_db()
    assert judgment.document is not None
    text = pdf_text(judgment.document)
    assert "本判决为终审判决" in text
    assert "如不服本判决" not in text
    assert "小额诉讼程序" in text


def test_another_judge_may_not_sign(guaranteed: Case, judge: User, other_judge: User) -> None:
    judgment = _drafted(guaranteed, judge)
    result = sign_all([judgment.pk], by=other_judge)
    assert result.signed == []
    assert result.refused == {
        judgment.pk: f"案号{guaranteed.case_number}：不是本案承办法官，不能签发"
    }
    judgment.refresh_from_db()
    assert judgment.state == DecisionState.DRAFT and judgment.document is None
    with pytest.raises(TransitionRefused):
        edit(judgment, sections={"reasoning": "另写的理由"}, by=other_judge)


def test_signed_twice_is_refused(guaranteed: Case, judge: User) -> None:
    judgment = _drafted(guaranteed, judge)
    sign_all([judgment.pk], by=judge)
    again = sign_all([judgment.pk], by=judge)
    assert again.signed == []
    assert "无需再签发" in again.refused[judgment.pk]
    assert StoredDocument.objects.filter(case=guaranteed, signed=True).count() == 1


def test_edited_section_shows_in_the_preview_and_the_signed_judgment(
    guaranteed: Case, judge: User
) -> None:
    judgment = _drafted(guaranteed, judge)
    first_preview = judgment.draft_document
    assert first_preview is not None
    wording = "本院另查明，被告张三曾向原告申请延期还款未获同意。"
    edit(judgment, sections={"reasoning": wording}, by=judge)

    judgment.refresh_from_db()
    assert judgment.draft_document is not None
    assert judgment.draft_document.pk != first_preview.pk
    assert wording in pdf_text(judgment.draft_document)
    assert not judgment.draft_document.signed
    assert not validate(
        read_verified(judgment.draft_document.path, judgment.draft_document.sha256)
    ).ok
    assert wording not in pdf_text(first_preview)

    sign_all([judgment.pk], by=judge)
    judgment.refresh_from_db()
    assert judgment.document is not None
    assert wording in pdf_text(judgment.document)
    with pytest.raises(TransitionRefused, match="已签发的文书不能修改"):
        edit(judgment, sections={"reasoning": "签发后再改"}, by=judge)


def test_fee_decided_otherwise_recomputes_the_draft(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(
        name="王五",
        disputed={
            "principal": {"text": "本院认定欠付本金40,000.00元", "amounts": {"principal": "40000"}}
        },
    )
    judgment = _drafted(case, judge)
    assert judgment.computation["fee_plaintiff"] > 0
    edit(judgment, sections={}, fee_bearing="defendants", by=judge)
    judgment.refresh_from_db()
    assert judgment.computation["fee_plaintiff"] == 0
    assert judgment.computation["fee_defendants"] == judgment.computation["acceptance_fee"]


def test_pronounce_moves_the_case_and_serves_every_defendant_and_guarantor(
    guaranteed: Case, make_heard_case: Callable[..., Case], judge: User, other_judge: User
) -> None:
    plain = make_heard_case(name="李四")
    judgments = [_drafted(guaranteed, judge), _drafted(plain, judge)]
    ids = [j.pk for j in judgments]
    refused = pronounce(ids, by=judge)
    assert refused.pronounced == []
    assert all("签发后方可宣判" in r for r in refused.refused.values())

    sign_all(ids, by=judge)
    elsewhere = pronounce(ids, by=other_judge)
    assert elsewhere.pronounced == [] and set(elsewhere.refused) == set(ids)
    assert all(r.startswith("案号（2025）") for r in elsewhere.refused.values())
    assert not Service.objects.exists()
    day = date(2025, 9, 1)
    result = pronounce(ids, by=judge, on=day)
    assert sorted(result.pronounced) == sorted(ids) and result.refused == {}

    for j in judgments:
        j.refresh_from_db()
        j.case.refresh_from_db()
        assert j.case.state == State.JUDGED
        assert j.state == DecisionState.PRONOUNCED
        assert j.pronounced_on == day and j.claimant_served_on == day
    services = Service.objects.filter(purpose="judgment").select_related("party", "packet")
    served = sorted((s.case_id, s.party.name) for s in services)
    assert served == sorted([(guaranteed.pk, "张三"), (guaranteed.pk, "钱七"), (plain.pk, "李四")])
    roles = dict(guaranteed.case_parties.values_list("party__name", "role"))
    assert roles["钱七"] == PartyRole.GUARANTOR
    sealed = {j.case_id: j.document for j in judgments}
    for s in services:
        original = sealed[s.case_id]
        assert original is not None
        # Each recipient's copy is its own document, the same sealed bytes.
        assert s.packet.pk != original.pk and s.packet.party_id == s.party_id
        assert s.packet.sha256 == original.sha256 and s.packet.signed
        assert ServiceAttempt.objects.filter(service=s).exists()

    again = pronounce(ids, by=judge)
    assert again.pronounced == []
    assert Service.objects.filter(purpose="judgment").count() == 3
    assert Decimal(str(judgments[1].computation["awarded_total"])) == Decimal("46234.56")
