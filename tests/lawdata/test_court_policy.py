"""A court's law policy: whole-yuan fees or half a yuan, hearing lead, instalment grace."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jiefen.accounts.models import Organisation
from jiefen.law import HalfRounding, ParameterError, TimingPolicy, acceptance_fee
from jiefen.lawdata.models import CourtLawPolicy
from jiefen.lawdata.selectors import court_fee_policy, court_timing_policy, mediation_period_days

D = Decimal


def test_a_court_without_a_policy_row_uses_the_documented_defaults(court: Organisation) -> None:
    assert court_fee_policy(court).half_rounding is HalfRounding.KEEP_HALF_YUAN
    assert court_timing_policy(court) == TimingPolicy(
        hearing_lead_days=35, instalment_grace_days=10
    )


def test_a_whole_yuan_court_charges_the_half_in_whole_yuan(court: Organisation) -> None:
    """2,769 (claim 123,456.78) halved: 1,385 at a whole-yuan court, 1,384.50 elsewhere."""
    court.fee_halve_after_rounding = True
    court.save()
    half = acceptance_fee(D("123456.78"), halve=True, policy=court_fee_policy(court)).payable
    assert half == D("1384.50")
    CourtLawPolicy.objects.create(court=court, fee_half_rounding="whole_yuan")
    court.refresh_from_db()
    half = acceptance_fee(D("123456.78"), halve=True, policy=court_fee_policy(court)).payable
    assert half == D(1385)


def test_the_form_refuses_whole_yuan_with_fen_rounding(court: Organisation) -> None:
    court.fee_rounding = "fen"
    court.save()
    row = CourtLawPolicy(court=court, fee_half_rounding="whole_yuan")
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert "保留到分" in str(info.value.message_dict["fee_half_rounding"])


def test_contradictory_settings_stop_with_a_message_not_a_fee_in_jiao(
    court: Organisation,
) -> None:
    CourtLawPolicy.objects.create(court=court, fee_half_rounding="whole_yuan")
    court.fee_rounding = "fen"  # changed later on the organisation page
    court.save()
    court.refresh_from_db()
    with pytest.raises(ParameterError, match="相互矛盾"):
        court_fee_policy(court)


def test_the_hearing_lead_cannot_cut_the_answer_period(court: Organisation) -> None:
    """5 days to serve + 15 days to answer (民诉法 Art. 128): at least 20 days."""
    with pytest.raises(ValidationError) as info:
        CourtLawPolicy(court=court, hearing_lead_days=19).full_clean()
    assert "不得少于20日" in str(info.value.message_dict["hearing_lead_days"])
    CourtLawPolicy(court=court, hearing_lead_days=20).full_clean()


def test_only_a_court_has_a_court_policy(bank: Organisation) -> None:
    with pytest.raises(ValidationError):
        CourtLawPolicy(court=bank).full_clean()


def test_timing_policy_comes_from_the_row(court: Organisation) -> None:
    CourtLawPolicy.objects.create(court=court, hearing_lead_days=28, instalment_grace_days=5)
    court.refresh_from_db()
    assert court_timing_policy(court) == TimingPolicy(hearing_lead_days=28, instalment_grace_days=5)


@pytest.mark.django_db
def test_mediation_period_is_the_dated_parameter() -> None:
    assert mediation_period_days(date(2025, 7, 1)) == 30  # 特邀调解规定 Art. 19


@pytest.mark.django_db
def test_admin_form_labels_the_choice_in_chinese(admin_client: Any) -> None:
    page = admin_client.get("/admin/lawdata/courtlawpolicy/add/").content.decode()
    assert "应交诉讼费是否取整到元" in page
    assert "一律取整到元" in page
    assert "减半后再取整到元（1385元）" in page
    assert "立案后排期开庭天数" in page
