"""In Chromium: the bank posts a request, the duty lawyer answers it, the bank closes it with a
rating, and the service file shows the rating."""

from collections.abc import Callable
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, User
from jiefen.legal_services.models import LegalRequest, RequestState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_answer_close_with_rating(
    login_page: Any,
    live_server: Any,
    agent: User,
    bank: Organisation,
    make_lawyer: Callable[..., User],
) -> None:
    lawyer = make_lawyer("周律师", "0123456")

    bank_page = login_page(agent.username)
    bank_page.goto(f"{live_server.url}/legal-services/")
    bank_page.select_option("#id_kind", "contract_review")
    bank_page.fill("#id_subject", "")
    bank_page.fill("#id_body", "请审查信用卡领用合约。")
    bank_page.click("#post-request")
    assert bank_page.locator("#error-subject").inner_text() == "需求标题不能为空"
    assert bank_page.input_value("#id_body") == "请审查信用卡领用合约。"
    bank_page.fill("#id_subject", "领用合约格式条款审查")
    bank_page.click("#post-request")
    bank_page.wait_for_selector("#assignment")
    assert "承办律师：周律师" in bank_page.locator("#assignment").inner_text()
    request = LegalRequest.objects.get()

    lawyer_page = login_page(lawyer.username)
    lawyer_page.goto(f"{live_server.url}/legal-services/")
    lawyer_page.click(f"#requests tr[data-request='{request.pk}'] a")
    lawyer_page.fill("#id_answer", "违约金条款应以加粗方式提示说明。")
    lawyer_page.click("#send-answer")
    lawyer_page.wait_for_selector("#thread [data-side='lawyer']")
    assert lawyer_page.locator("#state").inner_text() == "已答复"

    bank_page.reload()
    assert "违约金条款应以加粗方式提示说明。" in bank_page.locator("#thread").inner_text()
    bank_page.select_option("#id_rating", "4")
    bank_page.click("#close-request")
    bank_page.wait_for_selector("#rating")
    assert bank_page.locator("#rating").inner_text() == "满意度评价：4 分"
    assert bank_page.locator("#state").inner_text() == "已办结"
    assert bank_page.locator("#close-form").count() == 0

    bank_page.click("#file-link")
    assert bank_page.locator("#average-rating b").inner_text() == "4.00"
    request.refresh_from_db()
    assert (request.state, request.rating) == (RequestState.CLOSED, 4)
