"""The risk API: feeds pushed as JSON records (per-record errors, good records kept, a repeated
push changes nothing) and the warnings list; only a platform administrator may call either
(401 without credentials, 403 for every other role)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case
from jiefen.risk.models import FeedRecord

from .test_pages import FIRM, FIRM_USCC, LENDER, PASSWORD, seed

pytestmark = pytest.mark.django_db


def _basic(user: User) -> dict[str, Any]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.PLATFORM_ADMIN)


def _post(payload: Any, user: User | None) -> Any:
    headers: dict[str, Any] = _basic(user) if user else {}
    return Client().post(
        "/api/v1/risk/feeds",
        data=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        **headers,
    )


GOOD = {
    "source": "complaint",
    "external_id": "TS-1",
    "firm_name": FIRM,
    "uscc": FIRM_USCC,
    "division_code": 500112,  # a number, as some systems send it
    "occurred_on": "2026-11-02",
    "detail": "承诺保本高收益后无法兑付",
}
BAD = {
    "source": "rumour",
    "external_id": "TS-2",
    "firm_name": FIRM,
    "occurred_on": "2026-13-01",
    "amount": "-5",
}


def test_admin_pushes_records_bad_ones_named_good_ones_kept(admin: User) -> None:
    r = _post({"records": [GOOD, BAD, {"source": "penalty"}]}, admin)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["rows"], body["accepted"], body["unchanged"]) == (3, 1, 0)
    errors = {(e["row"], e["field"]): e for e in body["errors"]}
    assert (
        errors[(2, "source")]["reason"]
        == "应为 penalty/complaint/registration（行政处罚/投诉/工商登记）"
    )
    assert (
        errors[(2, "occurred_on")]["message"]
        == "第2行「发生日期」：「2026-13-01」不是YYYY-MM-DD格式的日期"
    )
    assert errors[(2, "amount")]["reason"] == "「-5」不是非负金额"
    assert {f for row, f in errors if row == 3} == {"external_id", "firm_name", "occurred_on"}
    stored = FeedRecord.objects.get()
    assert (stored.external_id, stored.division_code, stored.source) == (
        "TS-1",
        "500112",
        "complaint",
    )

    again = _post({"records": [GOOD]}, admin).json()
    assert (again["accepted"], again["unchanged"], again["errors"]) == (0, 1, [])
    assert FeedRecord.objects.count() == 1


def test_only_an_administrator_may_push(
    make_user: Callable[..., User], bank: Organisation, court: Organisation
) -> None:
    assert _post({"records": [GOOD]}, None).status_code == 401
    for user in (make_user(Role.BANK_AGENT, bank), make_user(Role.COURT_PRESIDENT, court)):
        r = _post({"records": [GOOD]}, user)
        assert r.status_code == 403
        assert r.json()["detail"] == "只有平台管理员可以调用风险预警接口"
    assert FeedRecord.objects.count() == 0


def test_a_payload_of_the_wrong_shape_is_refused_whole(admin: User) -> None:
    r = _post({"records": "TS-1"}, admin)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "payload.records"
    r = _post({"records": [{"occurred_on": ["2026-11-02"]}]}, admin)
    assert r.status_code == 422 and "payload.records.0.occurred_on" in r.json()["detail"]
    r = Client().post(
        "/api/v1/risk/feeds", data="not json", content_type="application/json", **_basic(admin)
    )
    assert r.status_code in (400, 422) and "JSON" in r.json()["detail"]
    assert FeedRecord.objects.count() == 0


def test_warnings_list(
    admin: User,
    make_user: Callable[..., User],
    bank: Organisation,
    make_org: Callable[..., Organisation],
    claim: Callable[..., Case],
) -> None:
    seed(make_org, claim)
    c = Client()
    r = c.get("/api/v1/risk/warnings", **_basic(admin))
    assert r.status_code == 200
    rows = r.json()
    assert [(w["kind"], w["subject"], w["score"], w["state"]) for w in rows] == [
        ("quasi_financial", FIRM, "20.00", "open"),
        ("professional_lender", LENDER, "10.00", "open"),
    ]
    assert rows[1]["cases"] == 10 and rows[1]["state_label"] == "待处置"
    assert "10名不同借款人" in rows[1]["summary"]
    only = c.get("/api/v1/risk/warnings?kind=professional_lender", **_basic(admin)).json()
    assert [w["subject"] for w in only] == [LENDER]
    assert c.get("/api/v1/risk/warnings?kind=nonsense", **_basic(admin)).status_code == 422
    assert c.get("/api/v1/risk/warnings").status_code == 401
    agent = make_user(Role.BANK_AGENT, bank)
    assert c.get("/api/v1/risk/warnings", **_basic(agent)).status_code == 403


def test_endpoints_are_in_the_openapi_schema(admin: User) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/risk/feeds" in schema["paths"]
    assert "/api/v1/risk/warnings" in schema["paths"]
