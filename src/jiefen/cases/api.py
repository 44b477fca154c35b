"""Bank systems: their cases, filtered and paged, and one case with its state and timeline.

`GET /api/v1/cases` lists the cases the caller may see (a token or an agent: its institution's,
`jiefen.cases.access.visible_cases`), `GET /api/v1/cases/{case_id}` one of them; a case of
another institution is 404 exactly like a missing one (access rule 4). Amounts are strings with
two decimals, like the rest of the API.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.api.errors import Id, Text, errors
from jiefen.cases import access, selectors
from jiefen.cases.models import Case
from jiefen.cases.states import State

router = Router(tags=["案件"], auth=BANK_AUTH)

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # far beyond any institution's cases; keeps OFFSET in range


class CaseSummary(Schema):
    id: int
    case_number: str | None = Field(description="案号（立案后才有）")
    contract_number: str = Field(description="合同编号/卡号")
    case_type: str = Field(
        description="案由：financial_loan 金融借款合同纠纷 / credit_card 信用卡纠纷"
    )
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态（中文）")
    claimed_total: str = Field(description="诉请标的总额（元，两位小数）")
    filed_on: date | None = Field(description="立案日期")
    batch: int | None = Field(description="导入批次编号")


class CaseList(Schema):
    count: int = Field(description="符合条件的案件总数（不受 limit/offset 影响）")
    items: list[CaseSummary]


class TimelineEntry(Schema):
    at: datetime
    transition: str = Field(description="事件代码（cases/states.py 的流转名称）")
    label: str = Field(description="事件（中文）")
    from_state: str
    to_state: str


class CaseDetail(CaseSummary):
    mediation_number: str | None = Field(description="诉前调解案号")
    series: int | None = Field(description="系列案编号")
    product: str = Field(description="产品")
    court: str = Field(description="受理法院")
    court_code: str = Field(description="法院代码")
    procedure: str | None = Field(description="程序：ordinary / summary / small_claims")
    judge: str | None = Field(description="承办法官")
    timeline: list[TimelineEntry]


class CaseFilters(Schema):
    state: State | None = Field(None, description="状态代码，如 filed、judged")
    batch: Id | None = Field(None, description="导入批次编号")
    series: Id | None = Field(None, description="系列案编号")
    contract_number: Annotated[Text, Field(max_length=64)] | None = Field(
        None, description="合同编号/卡号（完全一致）"
    )
    case_number: Annotated[Text, Field(max_length=40)] | None = Field(
        None, description="案号（完全一致）"
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _summary(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "case_number": case.case_number,
        "contract_number": case.contract_number,
        "case_type": case.case_type,
        "state": case.state,
        "state_label": State(case.state).label,
        "claimed_total": _money(case.claim_total),
        "filed_on": case.filed_on,
        "batch": case.batch_id,
    }


@router.get(
    "/cases",
    response={200: CaseList, **errors(422)},
    summary="案件列表（可按状态、批次、系列案、合同编号、案号筛选）",
)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> CaseList:
    """本机构的案件，按编号升序分页；`count` 为符合条件的总数。其他机构的案件不会出现。"""
    cases = selectors.api_cases(
        request.user,
        state=filters.state,
        batch=filters.batch,
        series=filters.series,
        contract_number=filters.contract_number,
        case_number=filters.case_number,
    )
    page = list(cases[filters.offset : filters.offset + filters.limit])
    return CaseList(
        count=cases.count(), items=[CaseSummary.model_validate(_summary(c)) for c in page]
    )


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetail, **errors(404, 422)},
    summary="单个案件：状态、法院、承办法官与流转记录",
)
def get_case(request: HttpRequest, case_id: int) -> CaseDetail:
    """一个案件的当前状态与全部流转记录（时间、事件、从何状态到何状态）。
    其他机构的案件与不存在的案件一样返回 404。"""
    case = access.case_for(request.user, case_id)
    timeline = [
        TimelineEntry(
            at=e.at,
            transition=e.transition,
            label=e.transition_label,
            from_state=e.from_state,
            to_state=e.to_state,
        )
        for e in selectors.timeline(case)
    ]
    return CaseDetail.model_validate(
        {
            **_summary(case),
            "mediation_number": case.mediation_number,
            "series": case.series_id,
            "product": case.product,
            "court": case.court.name,
            "court_code": case.court.code,
            "procedure": case.procedure or None,
            "judge": case.judge.display_name if case.judge else None,
            "timeline": timeline,
        }
    )
