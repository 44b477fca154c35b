"""Online asset inquiry through the registry simulator: requests, answers, ID-only matching."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from enforcement.factories import FILED_ON, enf_officers, make_enforceable, make_open_enforcement
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import CaseEvent
from jiefen.enforcement.actions import collect_answers, freeze, start_inquiries
from jiefen.enforcement.actions.inquiry import mask_id
from jiefen.enforcement.models import Asset, Enforcement, Inquiry, InquiryState

__all__ = ["enf_officers", "make_enforceable", "make_open_enforcement"]

ON = date(2026, 3, 3)


def _holder(id_number: str, name: str = "张三", **asset: Any) -> dict[str, Any]:
    return {
        "id_number": id_number,
        "name": name,
        "assets": [
            {
                "kind": "deposit",
                "registry": "长江银行",
                "identifier": asset.get("identifier", f"6222{id_number[-8:]}"),
                "description": "活期存款",
                "value": asset.get("value", "8000.00"),
            }
        ],
    }


def test_inquiry_matches_on_the_id_number_only(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()
    party = e.case.case_parties.get().party
    stranger = "500105198802025678"
    registry.add_holders([_holder(party.id_number), _holder(stranger, value="90000.00")])
    reference = start_inquiries([e.pk], by=e.officer, on=ON)
    inquiry = Inquiry.objects.get(enforcement=e)
    assert inquiry.request_reference == reference and inquiry.state == InquiryState.PENDING
    assert inquiry.party == party and inquiry.requested_on == ON
    assert CaseEvent.objects.filter(case=e.case, transition="inquire_assets").count() == 1
    assert collect_answers() == 2
    own = Asset.objects.get(enforcement=e, matched=True)
    assert own.value == Decimal("8000.00") and own.mismatch == ""
    other = Asset.objects.get(enforcement=e, matched=False)
    assert other.value == Decimal("90000.00") and other.holder_name == "张三"
    assert other.mismatch == (
        "仅姓名相同，证件号码不一致（登记证件号码500105********5678），不予处置"
    )
    assert Inquiry.objects.get(pk=inquiry.pk).state == InquiryState.ANSWERED
    # A name-only hit is never acted on.
    result = freeze([other.pk], by=e.officer, on=ON)
    assert result.done == []
    assert result.refused == {
        other.pk: f"{e.number}：财产登记证件号码与被执行人不一致，不得采取措施"
    }
    # Collecting again stores nothing twice.
    assert collect_answers() == 0
    assert Asset.objects.filter(enforcement=e).count() == 2


def test_a_final_x_matches_either_case(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement(debtor_kwargs={"id_number": "50010519900101123x"})
    registry.add_holders([_holder("50010519900101123X")])
    start_inquiries([e.pk], by=e.officer, on=ON)
    collect_answers()
    assert Asset.objects.get(enforcement=e).matched is True


def test_mask_keeps_first_six_and_last_four() -> None:
    assert mask_id("500105198802025678") == "500105********5678"
    assert mask_id("91500105MA60XK2P7D") == "915001********2P7D"


def test_inquiring_twice_the_same_day_sends_nothing_new(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement(guarantors=[("周保", "joint")])
    first = start_inquiries([e.pk], by=e.officer, on=ON)
    second = start_inquiries([e.pk], by=e.officer, on=ON)
    assert first == second
    assert Inquiry.objects.filter(enforcement=e).count() == 2  # debtor and joint guarantor


def test_a_pending_answer_waits(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()
    party = e.case.case_parties.get().party
    registry.add_holders([_holder(party.id_number)])
    registry.delay = 60.0
    start_inquiries([e.pk], by=e.officer, on=ON)
    assert collect_answers() == 0
    assert Inquiry.objects.get(enforcement=e).state == InquiryState.PENDING
    assert not Asset.objects.exists()


def test_registry_down(
    make_open_enforcement: Callable[..., Enforcement], registry: Any, settings: Any
) -> None:
    e = make_open_enforcement()
    start_inquiries([e.pk], by=e.officer, on=ON)
    registry.shutdown()
    # The sweep raises nothing and leaves the inquiry pending; an officer's request is refused.
    assert collect_answers() == 0
    assert Inquiry.objects.get(enforcement=e).state == InquiryState.PENDING
    with pytest.raises(TransitionRefused, match="查控系统不可用"):
        start_inquiries([e.pk], by=e.officer, on=date(2026, 3, 4))
    assert Inquiry.objects.filter(enforcement=e).count() == 1


def test_an_officer_inquires_only_their_own_cases(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    mine, theirs = make_open_enforcement(), make_open_enforcement()
    assert mine.officer != theirs.officer
    with pytest.raises(TransitionRefused, match="没有可以查询的执行中的执行案件"):
        start_inquiries([theirs.pk], by=mine.officer, on=ON)
    assert FILED_ON < ON
