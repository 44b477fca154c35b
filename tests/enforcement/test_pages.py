"""The enforcement pages through the Django test client: who may open what (404 for other roles
and other banks, like a missing page), the forms post and say in Chinese what was wrong, the
bulk buttons say how many cases were done and why each refused one was not, and the API.

Debt of the default case (hand-worked): principal 57,500.00 + interest 2,000.00 + costs borne
by the defendant (acceptance fee) 500.00 = 60,000.00; execution fee (办法 Art. 14(一)):
60,000 × 1.5% − 100 = 800.00. A first receipt of 1,000.00 pays the fee 800.00, then costs
200.00; a second of 5,000.00 pays the remaining costs 300.00, interest 2,000.00, principal
2,700.00.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from enforcement import factories
from enforcement.factories import FILED_ON, enforceable_case, officers, open_enforcement
from jiefen.accounts.models import Organisation, Role, User
from jiefen.enforcement.models import (
    Application,
    ApplicationState,
    Enforcement,
    Receipt,
    ReceiptSource,
)

PASSWORD = "test-pass-123"  # tests/conftest.py
# The factories' fixtures, used by name below.
enf_officers = factories.enf_officers
make_enforceable = factories.make_enforceable
make_open_enforcement = factories.make_open_enforcement

DEBT = {"principal": "57500.00", "interest": "2000.00", "fee_defendants": "500.00"}


def _client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _text(response: Any) -> str:
    return str(response.content.decode())


def _refusals(page: str) -> str:
    """The refusal table of the bulk result card."""
    start = page.index('id="refusals"')
    return page[start : page.index("</table>", start)]


@pytest.fixture
def enforcement(make_open_enforcement: Callable[..., Enforcement]) -> Enforcement:
    return make_open_enforcement(**DEBT)


# --- who may open what --------------------------------------------------------------------------


def test_the_desk_and_series_are_the_assigned_officers_only(
    enforcement: Enforcement,
    enf_officers: list[User],
    agent: User,
    make_user: Callable[..., User],
    court: Organisation,
) -> None:
    officer = enforcement.officer
    series_id = enforcement.case.series_id
    page = _text(_client(officer).get("/enforcement/"))
    assert "执行工作台" in page and "个人消费贷款" in page
    assert f'href="/enforcement/series/{series_id}/"' in page

    series = _text(_client(officer).get(f"/enforcement/series/{series_id}/"))
    assert enforcement.number in series and "未查控" in series
    debtor = enforcement.case.case_parties.get().party
    assert debtor.masked_id_number in series and debtor.id_number not in series
    assert "60,000.00" in series  # 申请执行标的

    colleague = next(o for o in enf_officers if o != officer)
    assert enforcement.number not in _text(_client(colleague).get("/enforcement/"))
    for url in (f"/enforcement/series/{series_id}/", f"/enforcement/{enforcement.pk}/"):
        assert _client(colleague).get(url).status_code == 404
    judge = make_user(Role.JUDGE, court)
    for user in (agent, judge):
        assert _client(user).get("/enforcement/").status_code == 404
        assert _client(user).get(f"/enforcement/series/{series_id}/").status_code == 404
    assert _client(officer).get("/enforcement/recoveries/").status_code == 404
    anonymous = Client().get("/enforcement/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_bulk_action_on_another_officers_series_does_nothing(
    enforcement: Enforcement, enf_officers: list[User]
) -> None:
    colleague = next(o for o in enf_officers if o != enforcement.officer)
    url = f"/enforcement/series/{enforcement.case.series_id}/act/"
    response = _client(colleague).post(url, {"action": "restrict", "enforcement": [enforcement.pk]})
    assert response.status_code == 404


def test_the_case_page_is_the_creditors_and_not_another_banks(
    enforcement: Enforcement, agent: User, other_bank: Organisation, make_user: Callable[..., User]
) -> None:
    url = f"/enforcement/{enforcement.pk}/"
    page = _text(_client(agent).get(url))
    assert enforcement.number in page and "60,000.00" in page and "网络查控" in page
    assert 'id="disburse"' not in page  # only the court pays out
    stranger = make_user(Role.BANK_AGENT, other_bank)
    assert _client(stranger).get(url).status_code == 404
    assert _client(stranger).get("/enforcement/recoveries/").status_code == 200
    assert enforcement.number not in _text(_client(stranger).get("/enforcement/recoveries/"))


def test_the_case_page_panel_and_the_nav_link_to_the_enforcement(
    enforcement: Enforcement, agent: User
) -> None:
    officer = _client(enforcement.officer)
    case_page = _text(officer.get(f"/cases/{enforcement.case_id}/"))
    assert "强制执行" in case_page and f'href="/enforcement/{enforcement.pk}/"' in case_page
    assert 'href="/enforcement/">执行工作台' in case_page
    bank_home = _text(_client(agent).get("/"))
    assert 'href="/enforcement/recoveries/">执行回款' in bank_home
    assert "执行工作台" not in bank_home


# --- the officer's forms ------------------------------------------------------------------------


def test_a_voluntary_payment_is_recorded_and_distributed_fee_first(
    enforcement: Enforcement,
) -> None:
    officer = _client(enforcement.officer)
    url = f"/enforcement/{enforcement.pk}/payment/"
    paid = officer.post(
        url,
        {"received_on": FILED_ON.isoformat(), "amount": "1000", "reference": "ZF-001"},
        follow=True,
    )
    page = _text(paid)
    assert "已登记执行款 1,000.00 元（流水号 ZF-001）" in page
    receipt = Receipt.objects.get(enforcement=enforcement)
    assert receipt.source == ReceiptSource.VOLUNTARY
    assert (receipt.to_execution_fee, receipt.to_costs) == (Decimal("800.00"), Decimal("200.00"))
    assert receipt.to_interest == receipt.to_principal == Decimal("0.00")

    officer.post(
        url, {"received_on": FILED_ON.isoformat(), "amount": "5000.00", "reference": "ZF-002"}
    )
    second = Receipt.objects.get(reference="ZF-002")
    assert (second.to_costs, second.to_interest, second.to_principal) == (
        Decimal("300.00"),
        Decimal("2000.00"),
        Decimal("2700.00"),
    )
    ledger = _text(officer.get(f"/enforcement/{enforcement.pk}/"))
    row = ledger[ledger.index('data-reference="ZF-002"') :]
    row = row[: row.index("</tr>")]
    for figure in ("5,000.00", "300.00", "2,000.00", "2,700.00"):
        assert figure in row
    assert 'id="received">6,000.00<' in ledger

    again = _text(officer.post(url, {"amount": "5000.00", "reference": "ZF-002"}, follow=True))
    assert "流水号 ZF-002 已登记过，未重复入账" in again
    assert Receipt.objects.filter(enforcement=enforcement).count() == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"amount": "一千", "reference": "X1"}, "金额应为数字（收到“一千”）"),
        ({"amount": "0", "reference": "X1"}, "金额应大于零"),
        ({"amount": "10.001", "reference": "X1"}, "金额最多保留两位小数"),
        ({"amount": "100"}, "请填写流水号"),
        ({"amount": "100", "reference": "X1", "received_on": "2026-02-30"}, "到账日期应为日期"),
        ({"amount": "100", "reference": "X1", "source": "deduction"}, "来源应为"),
    ],
)
def test_a_bad_payment_form_is_explained_and_records_nothing(
    enforcement: Enforcement, form: dict[str, str], message: str
) -> None:
    page = _text(
        _client(enforcement.officer).post(
            f"/enforcement/{enforcement.pk}/payment/", form, follow=True
        )
    )
    assert message in page
    assert not Receipt.objects.exists()


def test_a_payment_dated_tomorrow_is_refused_with_the_reason(enforcement: Enforcement) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = _text(
        _client(enforcement.officer).post(
            f"/enforcement/{enforcement.pk}/payment/",
            {"amount": "100", "reference": "F-1", "received_on": tomorrow},
            follow=True,
        )
    )
    assert "流水号 F-1 未入账" in page and "晚于今天" in page
    assert not Receipt.objects.exists()


def test_the_settlement_form_names_the_bad_line_and_records_a_good_plan(
    enforcement: Enforcement,
) -> None:
    officer = _client(enforcement.officer)
    url = f"/enforcement/{enforcement.pk}/settlement/"
    bad = _text(
        officer.post(url, {"instalments": "2027-01-31 30000\n2027-13-01 30000"}, follow=True)
    )
    assert "第2行「日期」应为日期" in bad
    swapped = _text(
        officer.post(url, {"instalments": "2027-02-28 100\n2027-01-31 100"}, follow=True)
    )
    assert "第2行「日期」：各期日期应依次在后" in swapped
    assert "请填写和解协议的分期" in _text(officer.post(url, {"instalments": " "}, follow=True))
    good = _text(
        officer.post(url, {"instalments": "2027-01-31 30000\n2027-02-28，30000"}, follow=True)
    )
    assert "已记录执行和解：共2期，和解金额 60,000.00 元" in good
    assert 'id="settlement"' in good and "2027-02-28" in good
    assert 'id="settlement-form"' not in good  # one settlement per case


def test_the_bank_may_not_use_the_officers_forms(enforcement: Enforcement, agent: User) -> None:
    bank = _client(agent)
    page = _text(bank.get(f"/enforcement/{enforcement.pk}/"))
    assert 'id="settlement-form"' not in page
    refused = _text(
        bank.post(
            f"/enforcement/{enforcement.pk}/settlement/",
            {"instalments": "2027-01-31 60000"},
            follow=True,
        )
    )
    assert "无权执行此操作" in refused
    assert "无权执行此操作" in _text(
        bank.post(f"/enforcement/{enforcement.pk}/disburse/", follow=True)
    )
    assert 'id="payment-form"' not in page
    paid = bank.post(
        f"/enforcement/{enforcement.pk}/payment/",
        {"amount": "100", "reference": "B-9"},
        follow=True,
    )
    assert "请在「执行回款」页上传" in _text(paid)
    assert not Receipt.objects.exists()


# --- the bulk buttons ---------------------------------------------------------------------------


def test_a_bulk_button_without_a_selection_or_a_ground_says_so(enforcement: Enforcement) -> None:
    officer = _client(enforcement.officer)
    url = f"/enforcement/series/{enforcement.case.series_id}/act/"
    assert "请先勾选执行案件" in _text(officer.post(url, {"action": "restrict"}, follow=True))
    assert "请先勾选财产，或勾选有相应财产的执行案件" in _text(
        officer.post(url, {"action": "freeze"}, follow=True)
    )
    no_ground = officer.post(url, {"action": "list", "enforcement": [enforcement.pk]}, follow=True)
    assert "请选择纳入失信被执行人名单的依据" in _text(no_ground)
    assert "未知操作" in _text(officer.post(url, {"action": "explode"}, follow=True))


def test_every_refused_case_is_named_with_its_reason(
    court: Organisation, bank: Organisation, agent: User
) -> None:
    """Consumption restriction waits for the execution notice's period: a case filed today is
    refused with its number and the reason, one filed in March is restricted."""
    officers(court, 1)
    early = open_enforcement(enforceable_case(court, bank, officer_count=1, **DEBT), agent)
    fresh = open_enforcement(
        enforceable_case(court, bank, officer_count=1, **DEBT), agent, on=timezone.localdate()
    )
    assert early.officer == fresh.officer
    url = f"/enforcement/series/{early.case.series_id}/act/"
    page = _text(
        _client(early.officer).post(
            url, {"action": "restrict", "enforcement": [early.pk, fresh.pk]}, follow=True
        )
    )
    assert "限制高消费：已处理 1 件，1 件未处理" in page
    refusals = _refusals(page)
    assert fresh.number in refusals and "执行通知书" in refusals
    assert early.number not in refusals
    series = _text(_client(early.officer).get(f"/enforcement/series/{early.case.series_id}/"))
    row = series[series.index(f'data-number="{early.number}"') :]
    assert "限制消费" in row[: row.index("</tr>")]


# --- the bank's recoveries ----------------------------------------------------------------------


def test_the_bank_submits_prepared_applications_and_sees_the_late_one_refused(
    court: Organisation,
    bank: Organisation,
    other_bank: Organisation,
    agent: User,
    make_user: Callable[..., User],
) -> None:
    from jiefen.enforcement.actions import prepare_applications

    today = timezone.localdate()
    officers(court, 1)
    timely = enforceable_case(court, bank, officer_count=1, **DEBT)
    late = enforceable_case(
        court, bank, officer_count=1, performance_ends=today - timedelta(days=2 * 366 + 10), **DEBT
    )
    prepare_applications(today=today)
    assert Application.objects.filter(state=ApplicationState.PREPARED).count() == 2

    stranger = _client(make_user(Role.BANK_AGENT, other_bank))
    assert "暂无待提交的执行申请" in _text(stranger.get("/enforcement/recoveries/"))
    ids = list(Application.objects.values_list("pk", flat=True))
    refused = _text(
        stranger.post("/enforcement/recoveries/submit/", {"application": ids}, follow=True)
    )
    assert "请先勾选要提交的执行申请" in refused
    assert not Enforcement.objects.exists()

    bank_page = _client(agent)
    page = _text(bank_page.get("/enforcement/recoveries/"))
    assert timely.case_number in page and late.case_number in page and "已超过" in page
    done = _text(
        bank_page.post("/enforcement/recoveries/submit/", {"application": ids}, follow=True)
    )
    assert "提交执行申请：已处理 1 件" in done
    refusals = _refusals(done)
    assert late.case_number in refusals and "已超过申请执行期限" in refusals
    assert Enforcement.objects.get().case_id == timely.pk
    series_row = _text(bank_page.get("/enforcement/recoveries/"))
    assert 'id="recovery-series"' in series_row and "60,000.00" in series_row


def test_the_bank_uploads_direct_payments_and_a_bad_file_names_row_and_field(
    enforcement: Enforcement, agent: User, other_bank: Organisation, make_user: Callable[..., User]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(client: Client, text: str) -> str:
        f = SimpleUploadedFile("pay.csv", text.encode("utf-8"), content_type="text/csv")
        return _text(client.post("/enforcement/recoveries/receipts/", {"file": f}, follow=True))

    header = "执行案号,流水号,到账日期,金额,来源\n"
    bank = _client(agent)
    bad = upload(bank, header + f"{enforcement.number},B-1,2026-03-02,一千,主动履行\n")
    assert "第2行「金额」" in bad
    assert not Receipt.objects.exists()

    stranger = upload(
        _client(make_user(Role.BANK_AGENT, other_bank)),
        header + f"{enforcement.number},S-1,2026-03-02,1000,主动履行\n",
    )
    assert "S-1" in _refusals(stranger)
    assert not Receipt.objects.exists()

    good = upload(bank, header + f"{enforcement.number},B-1,2026-03-02,1000.00,主动履行\n")
    assert "上传执行款：已处理 1 笔" in good
    receipt = Receipt.objects.get()
    # Paid to the bank directly: no execution fee is taken from it (the court holds none of it);
    # it pays the costs of 500.00 first, then 500.00 of the general interest.
    assert (receipt.amount, receipt.to_execution_fee, receipt.to_costs, receipt.to_interest) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("500.00"),
        Decimal("500.00"),
    )
    again = upload(bank, header + f"{enforcement.number},B-1,2026-03-02,1000.00,主动履行\n")
    assert "上传执行款：已处理 0 笔" in again and "重复 1 笔未重复入账" in again
    not_utf8 = SimpleUploadedFile("pay.csv", header.encode("gbk"), content_type="text/csv")
    page = _text(bank.post("/enforcement/recoveries/receipts/", {"file": not_utf8}, follow=True))
    assert "不是UTF-8编码的CSV" in page


# --- the API --------------------------------------------------------------------------------------


def _basic(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_the_api_shows_the_bank_its_own_enforcement_only(
    enforcement: Enforcement, agent: User, other_bank: Organisation, make_user: Callable[..., User]
) -> None:
    _client(enforcement.officer).post(
        f"/enforcement/{enforcement.pk}/payment/",
        {"received_on": FILED_ON.isoformat(), "amount": "1000", "reference": "ZF-001"},
    )
    url = f"/api/v1/enforcements/{quote(enforcement.number)}"
    response = Client().get(url, **_basic(agent))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["number"] == enforcement.number
    assert data["case_number"] == enforcement.case.case_number
    assert data["state"] == "open" and data["applied_total"] == "60000.00"
    assert data["received"] == "1000.00" and data["recovered"] == "200.00"
    assert [r["reference"] for r in data["receipts"]] == ["ZF-001"]
    assert data["receipts"][0]["to_execution_fee"] == "800.00"
    assert {m["kind"] for m in data["measures"]} >= {"execution_notice", "report_order"}
    assert Decimal(data["outstanding"]) >= Decimal("59800.00")  # debt left + delay interest

    stranger = make_user(Role.BANK_AGENT, other_bank)
    missing = Client().get(url, **_basic(stranger))
    assert missing.status_code == 404 and "不存在或无权查看" in missing.json()["detail"]
    assert Client().get(url, **_basic(enforcement.officer)).status_code == 404
    unknown = Client().get(
        f"/api/v1/enforcements/{quote('（2026）渝0105执999号')}", **_basic(agent)
    )
    assert unknown.status_code == 404
    assert Client().get(url).status_code == 401


# --- the debtor, the statement, resuming ----------------------------------------------------------


def test_the_debtor_sees_the_ledger_but_not_the_registry_answers(
    enforcement: Enforcement, make_user: Callable[..., User], make_party: Callable[..., Any]
) -> None:
    party = enforcement.case.case_parties.get().party
    own = _text(
        _client(make_user(Role.DEFENDANT, None, party=party)).get(f"/enforcement/{enforcement.pk}/")
    )
    assert enforcement.number in own and 'id="debt"' in own and 'id="receipts"' in own
    assert 'id="inquiries"' not in own and 'id="payment-form"' not in own
    assert 'id="statement"' not in own
    stranger = make_user(Role.DEFENDANT, None, party=make_party(name="路人"))
    assert _client(stranger).get(f"/enforcement/{enforcement.pk}/").status_code == 404


def test_the_creditor_statement_is_a_pdf_for_staff_only(
    enforcement: Enforcement, agent: User, make_user: Callable[..., User]
) -> None:
    url = f"/enforcement/{enforcement.pk}/statement/"
    response = _client(agent).post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue()[:5] == b"%PDF-"
    party = enforcement.case.case_parties.get().party
    debtor = _client(make_user(Role.DEFENDANT, None, party=party))
    assert "无权生成债权人对账单" in _text(debtor.post(url, follow=True))
    assert _client(agent).get(url).status_code == 405  # it writes a document: POST only


def test_the_bank_resumes_a_case_terminated_for_now(
    enforcement: Enforcement, agent: User, registry: Any
) -> None:
    from jiefen.enforcement import actions

    officer = enforcement.officer
    actions.start_inquiries([enforcement.pk], by=officer, on=FILED_ON)
    actions.collect_answers(by=officer)  # nothing found
    on = FILED_ON + timedelta(days=100)
    assert actions.restrict_consumption([enforcement.pk], by=officer, on=on).done
    assert actions.terminate_for_now([enforcement.pk], by=officer, on=on).done

    page = _text(_client(officer).get(f"/enforcement/{enforcement.pk}/"))
    assert "终结本次执行程序" in page and "下次财产复查" in page
    bank = _client(agent)
    assert 'id="resume"' in _text(bank.get(f"/enforcement/{enforcement.pk}/"))
    resumed = bank.post(f"/enforcement/{enforcement.pk}/resume/", follow=True)
    new = Enforcement.objects.get(resumed_from=enforcement)
    assert resumed.redirect_chain[-1][0] == f"/enforcement/{new.pk}/"
    text = _text(resumed)
    assert "恢复执行：已处理 1 件" in text and "执恢" in new.number
    assert f'href="/enforcement/{enforcement.pk}/"' in text  # the case it resumes
    again = _text(bank.post(f"/enforcement/{enforcement.pk}/resume/", follow=True))
    assert "不能恢复执行" in again


def test_the_whole_series_box_acts_on_every_case_of_the_filter(
    court: Organisation, bank: Organisation, agent: User
) -> None:
    officers(court, 1)
    first, second = (
        open_enforcement(enforceable_case(court, bank, officer_count=1, **DEBT), agent)
        for _ in range(2)
    )
    url = f"/enforcement/series/{first.case.series_id}/act/"
    page = _text(
        _client(first.officer).post(
            url, {"action": "restrict", "scope": "all", "state": "open"}, follow=True
        )
    )
    assert "限制高消费：已处理 2 件" in page
    assert 'id="refusals"' not in page
    assert second.number in page
