"""In-court mediation: the 民事调解书, the halved fee, effect only once every party signed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from jiefen.accounts.models import User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.documents.storage import read
from jiefen.judgments.actions.effect import file_appeal, take_effect_due
from jiefen.judgments.actions.mediation import MediationTerms, mediate
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.service.models import Service
from judgments.decision_setup import serve

ON = date(2025, 8, 20)


def _text(doc_path: str) -> str:
    reader = PdfReader(BytesIO(read(doc_path)))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def test_the_mediation_document_states_the_terms_and_the_fee_halved_once(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    # Summary procedure (already halved at filing) + mediation: still one half, never a quarter.
    case = make_heard_case(name="张三", guarantors=[{"name": "周保", "kind": "joint"}])
    terms = MediationTerms(
        amount=Decimal("40000.00"),
        instalments=[
            (date(2025, 9, 30), Decimal("20000.00")),
            (date(2025, 10, 31), Decimal("20000.00")),
        ],
        fee_bearer="defendants",
        text="保证人周保对上述债务承担连带清偿责任。",
    )
    j = mediate(case, terms=terms, by=judge, on=ON)
    assert (j.kind, j.state) == (DecisionKind.MEDIATION, DecisionState.PRONOUNCED)
    assert Case.objects.get(pk=case.pk).state == State.JUDGED
    # 46,234.56 → 0.025 × 46,234.56 − 200 = 955.864 → 956; half 477.932 → 478.
    assert j.computation["acceptance_fee"] == 478.0 and j.computation["fee_defendants"] == 478.0
    assert j.awarded_total == Decimal("40000.00") and j.performance_ends == date(2025, 10, 31)
    text = _text(j.document.path)
    assert "经本院主持调解，双方当事人自愿达成如下协议" in text
    assert "分2期支付" in text and "2025年10月31日前支付20,000.00元" in text
    assert "案件受理费956.00元，减半收取478.00元，由被告负担。" in text
    assert "本调解书经双方当事人签收后，即具有法律效力。" in text
    services = Service.objects.filter(case=case, purpose="mediation")
    assert sorted(s.party.name for s in services) == ["周保", "张三"]


def test_it_takes_effect_only_when_every_party_has_signed_for_it(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(name="张三", guarantors=[{"name": "周保", "kind": "joint"}])
    j = mediate(
        case,
        terms=MediationTerms(amount=Decimal("40000.00"), due_on=date(2025, 9, 30)),
        by=judge,
        on=ON,
    )
    serve(case, "张三", date(2025, 8, 21), "mediation")
    assert take_effect_due(date(2025, 8, 25))["mediation"] == 0
    assert Judgment.objects.get(pk=j.pk).state == DecisionState.PRONOUNCED
    serve(case, "周保", date(2025, 8, 26), "mediation")
    assert take_effect_due(date(2025, 8, 27))["mediation"] == 1
    j = Judgment.objects.get(pk=j.pk)
    assert (j.state, j.effective_on) == (DecisionState.EFFECTIVE, date(2025, 8, 26))
    assert Case.objects.get(pk=case.pk).state == State.EFFECTIVE
    take_effect_due(date(2025, 10, 1))
    assert Judgment.objects.get(pk=j.pk).enforceable  # due 09-30, unpaid


def test_a_mediation_document_cannot_be_appealed(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    case = make_heard_case(name="张三")
    j = mediate(
        case,
        terms=MediationTerms(amount=Decimal("40000.00"), due_on=date(2025, 9, 30)),
        by=judge,
        on=ON,
    )
    with pytest.raises(TransitionRefused, match="民事调解书不得上诉"):
        file_appeal(j, filed_on=ON, by=agent)


def test_terms_that_do_not_add_up_are_refused_naming_the_case(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    case = make_heard_case(name="张三")
    bad = MediationTerms(
        amount=Decimal("40000.00"), instalments=[(date(2025, 9, 30), Decimal("30000.00"))]
    )
    with pytest.raises(TransitionRefused) as refused:
        mediate(case, terms=bad, by=judge, on=ON)
    assert case.case_number in str(refused.value) and "30,000.00元" in str(refused.value)
    with pytest.raises(TransitionRefused):
        mediate(case, terms=MediationTerms(amount=Decimal("1"), due_on=ON), by=agent, on=ON)
    assert not Judgment.objects.filter(case=case).exists()
