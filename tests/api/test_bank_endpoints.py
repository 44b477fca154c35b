"""The bank API as a bank's system uses it, with a per-institution token (Authorization: Bearer).

What a bank cares about: it finds its cases (filters, paging, the total), follows one case
through its moves, downloads the signed documents with a hash it can check (and never gets a
tampered file), sees how service went, pushes payments without ever counting one twice — and
never sees anything of another institution (the same 404 as for what does not exist).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from jiefen.cases.models import Case
from jiefen.cases.states import State


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _get(client: Client, token: str, url: str, **params: Any) -> Any:
    return client.get(f"/api/v1{url}", params, **_bearer(token))


def _post(client: Client, token: str, url: str, body: Any) -> Any:
    return client.post(f"/api/v1{url}", body, content_type="application/json", **_bearer(token))


def test_the_list_is_the_institutions_own_filtered_and_paged(
    client: Client,
    token: str,
    make_case: Callable[..., Case],
    other_bank: Any,
    series: Any,
) -> None:
    mine = [
        make_case(series=series, state=State.SCREENING, contract_number=f"HT-A-{i}")
        for i in range(3)
    ]
    make_case(state=State.IN_MEDIATION, contract_number="HT-B-1")
    make_case(institution=other_bank, contract_number="HT-A-0")  # same number, other bank

    everything = _get(client, token, "/cases").json()
    assert everything["count"] == 4
    assert {c["contract_number"] for c in everything["items"]} == {
        "HT-A-0",
        "HT-A-1",
        "HT-A-2",
        "HT-B-1",
    }
    first = everything["items"][0]
    assert first == {
        "id": mine[0].pk,
        "case_number": None,
        "contract_number": "HT-A-0",
        "case_type": "financial_loan",
        "state": "screening",
        "state_label": "诉前筛查",
        "claimed_total": "46234.56",
        "filed_on": None,
        "batch": None,
    }

    screening = _get(client, token, "/cases", state="screening").json()
    assert screening["count"] == 3
    page = _get(client, token, "/cases", state="screening", limit=2, offset=2).json()
    assert page["count"] == 3 and [c["id"] for c in page["items"]] == [mine[2].pk]
    assert _get(client, token, "/cases", series=series.pk).json()["count"] == 3
    one = _get(client, token, "/cases", contract_number="HT-A-0").json()
    assert [c["id"] for c in one["items"]] == [mine[0].pk]  # never the other bank's HT-A-0

    refused = _get(client, token, "/cases", limit=501)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "limit", "reason": "不能大于 500"}]
    assert _get(client, token, "/cases", state="nonsense").status_code == 422


def test_one_case_with_its_court_judge_and_timeline(
    client: Client, token: str, filed_case: Case
) -> None:
    r = _get(client, token, f"/cases/{filed_case.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["case_number"] == filed_case.case_number
    assert body["state"] == "filed" and body["state_label"] == "已立案"
    assert body["filed_on"] == timezone.localdate().isoformat()
    assert body["court"] == "重庆市江北区人民法院" and body["court_code"] == "渝0105"
    assert body["judge"] == "王法官"
    assert body["timeline"][-1]["transition"] == "file"
    assert body["timeline"][-1]["label"] == "立案"
    assert body["timeline"][-1]["from_state"] == "awaiting_filing"
    assert body["timeline"][-1]["to_state"] == "filed"
    assert _get(client, token, "/cases", case_number=filed_case.case_number).json()["count"] == 1


def test_documents_are_listed_and_downloaded_with_their_sha256(
    client: Client, token: str, filed_case: Case
) -> None:
    docs = _get(client, token, f"/cases/{filed_case.pk}/documents").json()
    assert docs and all(len(d["sha256"]) == 64 for d in docs)
    summons = next(d for d in docs if d["kind"] == "summons")
    r = client.get(summons["url"], **_bearer(token))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    data = b"".join(r.streaming_content)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == r["X-Content-SHA256"] == summons["sha256"]
    assert len(data) == summons["size"]
    assert r["Content-Disposition"].startswith("attachment;")


def test_a_tampered_file_is_refused_and_never_sent(
    client: Client, token: str, filed_case: Case
) -> None:
    from jiefen.documents.models import StoredDocument

    doc = StoredDocument.objects.filter(case=filed_case, kind="summons").get()
    path = settings.JIEFEN_VAR_DIR / doc.path
    path.write_bytes(path.read_bytes().replace(b"%PDF", b"%PDX", 1))
    r = _get(client, token, f"/documents/{doc.pk}")
    assert r.status_code == 409 and r["Content-Type"].startswith("application/json")
    assert "篡改" in r.json()["detail"]
    assert b"%PDX" not in r.content


def test_service_status_party_by_party(client: Client, token: str, served_case: Case) -> None:
    services = _get(client, token, f"/cases/{served_case.pk}/service").json()
    filing = next(s for s in services if s["purpose"] == "filing")
    assert filing["party"] == "张三"
    assert (filing["role"], filing["role_label"]) == ("defendant", "被告")
    assert filing["state"] == "served" and filing["state_label"] == "已送达"
    assert filing["served_at"] == timezone.localdate().isoformat()
    assert filing["channel"] == "sms"
    sms = next(a for a in filing["attempts"] if a["channel"] == "sms")
    assert sms["state"] == "delivered" and sms["delivered_at"]
    assert "13800138000" not in str(services)  # addresses only masked


def test_instalment_payments_count_once_per_reference(
    client: Client, token: str, instalment_case: Case
) -> None:
    from jiefen.mediation.models import Payment

    body = {
        "payments": [
            {
                "contract_number": instalment_case.contract_number,
                "reference": "BANK-2026-0001",
                "amount": "1000.00",
                "paid_on": "2026-01-05",
            }
        ]
    }
    first = _post(client, token, "/payments/instalments", body)
    assert first.json() == {"recorded": 1, "duplicates": 0, "unmatched": [], "completed_plans": 0}
    again = _post(client, token, "/payments/instalments", body)
    assert again.json() == {"recorded": 0, "duplicates": 1, "unmatched": [], "completed_plans": 0}
    old_alias = _post(client, token, "/mediation/payments", body)
    assert old_alias.json()["duplicates"] == 1
    plan = instalment_case.mediation.plan
    assert plan.paid == Decimal("1000.00")
    assert Payment.objects.filter(reference="BANK-2026-0001").count() == 1
    refused = _post(
        client,
        token,
        "/payments/instalments",
        {"payments": [{**body["payments"][0], "amount": "0"}]},
    )
    assert refused.status_code == 422 and "amount" in refused.json()["detail"]


def test_enforcement_receipts_count_once_per_reference(
    client: Client, token: str, other_token: str, open_enforcement: Any
) -> None:
    from jiefen.enforcement.models import Receipt

    receipt = {
        "number": open_enforcement.number,
        "reference": "ZL-2026-01",
        "amount": "2000.00",
        "received_on": "2026-02-01",
    }
    first = _post(client, token, "/payments/enforcement", {"receipts": [receipt]}).json()
    assert (first["recorded"], first["duplicates"], first["refused"]) == (1, 0, [])
    again = _post(client, token, "/payments/enforcement", {"receipts": [receipt]}).json()
    assert (again["recorded"], again["duplicates"]) == (0, 1)
    stored = Receipt.objects.get(enforcement=open_enforcement)
    assert (stored.amount, stored.source) == (Decimal("2000.00"), "voluntary")

    # Another institution cannot report money on it: refused like an unknown number.
    foreign = _post(
        client, other_token, "/payments/enforcement", {"receipts": [{**receipt, "reference": "X"}]}
    ).json()
    assert foreign["recorded"] == 0 and "不存在或无权" in foreign["refused"][0]["reason"]
    assert Receipt.objects.filter(enforcement=open_enforcement).count() == 1


def test_another_institution_gets_404_like_a_missing_object(
    client: Client, token: str, other_token: str, served_case: Case
) -> None:
    from jiefen.documents.models import StoredDocument

    doc = StoredDocument.objects.filter(case=served_case).first()
    assert doc is not None
    # The bank's own filed case has no elements to compute a judgment from: a declared 409.
    own = _get(client, token, f"/judgments/{served_case.case_number}")
    assert own.status_code == 409 and "无法计算" in own.json()["detail"]
    for url, missing in [
        (f"/cases/{served_case.pk}", "/cases/999999"),
        (f"/cases/{served_case.pk}/documents", "/cases/999999/documents"),
        (f"/cases/{served_case.pk}/service", "/cases/999999/service"),
        (f"/documents/{doc.pk}", "/documents/999999"),
        (f"/judgments/{served_case.case_number}", "/judgments/（2099）渝0105民初1号"),
    ]:
        assert _get(client, token, url).status_code == 200 or url.startswith("/judgments")
        foreign, absent = _get(client, other_token, url), _get(client, other_token, missing)
        assert foreign.status_code == absent.status_code == 404, url
        if not url.startswith("/judgments"):
            assert foreign.json() == absent.json(), url
    assert _get(client, other_token, "/cases").json() == {"count": 0, "items": []}


def test_without_a_valid_token_every_answer_is_a_declared_chinese_error(
    client: Client, token: str
) -> None:
    r = client.get("/api/v1/cases")
    assert r.status_code == 401 and "API 令牌" in r.json()["detail"]
    r = _get(client, "jf_not-a-real-token", "/cases")
    assert r.status_code == 401 and r.json()["detail"] == "API 令牌无效、已吊销或已过期"
    r = _get(client, token, "/cases/abc")
    assert r.status_code == 422
    assert r.json() == {
        "detail": "case_id：应为整数",
        "errors": [{"field": "case_id", "reason": "应为整数"}],
    }


def test_text_no_database_can_hold_is_refused_not_a_server_error(
    client: Client, token: str
) -> None:
    """PostgreSQL refuses NUL bytes in text; such a filter or path is the caller's error (422)."""
    r = _get(client, token, "/cases", contract_number="HT\x001")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "contract_number"
    assert "控制字符" in r.json()["errors"][0]["reason"]
    assert _get(client, token, "/judgments/%00").status_code == 422
    assert _get(client, token, "/enforcements/a%00b").status_code == 422
    body = {
        "payments": [
            {"contract_number": "\x00", "reference": "R", "amount": "1", "paid_on": "2026-01-01"}
        ]
    }
    assert _post(client, token, "/payments/instalments", body).status_code == 422


def _models(annotation: Any, found: dict[str, set[type]]) -> None:
    """Every pydantic model reachable from `annotation`, by class name."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.get(annotation.__name__, set()):
            return
        found.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found)
    for arg in typing.get_args(annotation):
        _models(arg, found)


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI names each schema by its class name: two classes of one name (say two
    `AttemptOut`) would silently publish one shape for both, and a bank's generated client
    would be wrong for the other."""
    from jiefen.api import api

    found: dict[str, set[type]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models(model, found)
    ninja_wrappers = {"NinjaResponseSchema", "BodyParams", "QueryParams", "PathParams"}
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in found.items()
        if len(classes) > 1 and name not in ninja_wrappers and not name.endswith("Params")
    }
    assert not clashes
