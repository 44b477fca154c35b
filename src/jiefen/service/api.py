"""Bank systems: how far the service (送达) of one of their cases has come, party by party.

`GET /api/v1/cases/{case_id}/service` reads what `service.selectors.case_services` shows on
the case page: each service (what was served, on whom, in what role), whether it took effect
and on which date and by which channel, and every attempt. Addresses appear only masked, as
recorded on the attempt; a case of another institution is 404 like a missing one.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.api.errors import errors
from jiefen.cases import access
from jiefen.cases.models import PartyRole
from jiefen.service import selectors
from jiefen.service.models import AttemptState, Channel, Purpose, Service, Stage

router = Router(tags=["送达"], auth=BANK_AUTH)


class ServiceAttemptOut(Schema):
    channel: str = Field(description="sms / email / portal / post / public_notice")
    channel_label: str
    try_number: int = Field(description="该渠道第几次")
    state: str
    state_label: str
    address: str = Field(description="送达地址（脱敏）")
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    served_on: date | None = Field(description="该次送达生效之日")
    failure: str = Field(description="失败原因")


class ServiceOut(Schema):
    id: int
    purpose: str = Field(description="filing 起诉材料 / summons / judgment / mediation / ruling")
    purpose_label: str
    party: str = Field(description="受送达人")
    role: str | None = Field(description="诉讼地位：defendant / guarantor")
    role_label: str | None
    state: str = Field(description="in_progress 送达中 / served 已送达")
    state_label: str
    stage: str = Field(description="electronic / post / public_notice")
    stage_label: str
    served_at: date | None = Field(description="送达日期（生效之日）")
    channel: str | None = Field(description="生效的送达渠道")
    attempts: list[ServiceAttemptOut]


@router.get(
    "/cases/{case_id}/service",
    response={200: list[ServiceOut], **errors(404, 422)},
    summary="案件送达情况（按受送达人）",
)
def case_service(request: HttpRequest, case_id: int) -> list[ServiceOut]:
    """每位受送达人的送达：送达内容、状态、送达日期、生效渠道与每次送达尝试。
    其他机构的案件返回 404。"""
    case = access.case_for(request.user, case_id)
    links = list(case.case_parties.all())
    out = []
    for view in selectors.case_services(request.user, case):  # type: ignore[arg-type]
        s = view.service
        link = next((cp for cp in links if cp.party_id == s.party_id), None)
        effective = s.served_by
        out.append(
            ServiceOut(
                id=s.pk,
                purpose=s.purpose,
                purpose_label=Purpose(s.purpose).label,
                party=s.party.name,
                role=link.role if link else None,
                role_label=PartyRole(link.role).label if link else None,
                state=s.state,
                state_label=Service.State(s.state).label,
                stage=s.stage,
                stage_label=Stage(s.stage).label,
                served_at=s.served_on,
                channel=effective.channel if effective else None,
                attempts=[
                    ServiceAttemptOut(
                        channel=a.channel,
                        channel_label=Channel(a.channel).label,
                        try_number=a.try_number,
                        state=a.state,
                        state_label=AttemptState(a.state).label,
                        address=a.address_masked,
                        sent_at=a.sent_at,
                        delivered_at=a.delivered_at,
                        read_at=a.read_at,
                        served_on=a.served_on,
                        failure=a.failure,
                    )
                    for a in view.attempts
                ],
            )
        )
    return out
