"""Bad input to the bank's pages and API: a clear Chinese answer naming the field, never a 500,
and nothing is created."""

import base64
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jiefen.audit.models import AuditRecord
from jiefen.intake.generator import render
from jiefen.intake.models import Batch

PASSWORD = "test-pass-123"  # tests/conftest.py

pytestmark = pytest.mark.django_db


def _basic(user: Any) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _nothing_created() -> None:
    assert Batch.objects.count() == 0
    assert not AuditRecord.objects.filter(action__startswith="intake.").exists()


@pytest.mark.parametrize("court", ["abc", "1e5", "-1", "99999999999999999999999", ""])
def test_upload_page_with_a_bad_court(
    client: Client, agent: Any, court: str, rows: Callable[..., Any], intake_dir: Any
) -> None:
    client.force_login(agent)
    file = io.BytesIO(render(rows(n=2), "financial_loan"))
    file.name = "b.csv"
    r = client.post("/intake/", {"file": file, "court": court}, follow=True)
    assert r.status_code == 200 and "受理法院" in r.content.decode()
    _nothing_created()


def test_upload_page_with_a_bad_policy(
    client: Client, agent: Any, court: Any, rows: Callable[..., Any], intake_dir: Any
) -> None:
    client.force_login(agent)
    file = io.BytesIO(render(rows(n=2), "financial_loan"))
    file.name = "b.csv"
    r = client.post("/intake/", {"file": file, "court": court.pk, "policy": "x"}, follow=True)
    assert "错误处理方式" in r.content.decode()
    _nothing_created()


@pytest.mark.parametrize(
    ("query", "field"),
    [("offset=1e20", "offset"), ("offset=abc", "offset"), ("limit=1e20", "limit")],
)
def test_api_bad_pagination(
    client: Client,
    agent: Any,
    run_import: Callable[..., Any],
    rows: Callable[..., Any],
    query: str,
    field: str,
) -> None:
    batch = run_import(rows(n=2))
    r = client.get(f"/api/v1/batches/{batch.pk}/errors?{query}", **_basic(agent))
    assert r.status_code == 422
    assert field in r.json()["detail"] and "整数" in r.json()["detail"]


def test_api_huge_offset_is_an_empty_page(
    client: Client, agent: Any, run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    batch = run_import(rows(n=2))
    r = client.get(f"/api/v1/batches/{batch.pk}/errors?offset={10**20}", **_basic(agent))
    assert r.status_code == 422 and "offset" in r.json()["detail"]


def test_api_oversized_json_body(client: Client, agent: Any, court: Any) -> None:
    body = json.dumps(
        {"court": court.code, "case_type": "credit_card", "rows": [{"x": "y" * 1000}] * 13_000}
    )
    assert len(body) > 12 * 1024 * 1024
    r = client.post("/api/v1/batches/rows", body, content_type="application/json", **_basic(agent))
    assert r.status_code == 413 and r["Content-Type"].startswith("application/json")
    assert "请求体过大" in r.json()["detail"]
    _nothing_created()


def test_api_bad_json(client: Client, agent: Any, court: Any) -> None:
    r = client.post(
        "/api/v1/batches/rows", "{not json", content_type="application/json", **_basic(agent)
    )
    assert (
        r.status_code == 400 and "JSON" in r.json()["detail"] and "无法解析" in r.json()["detail"]
    )
    r = client.post(
        "/api/v1/batches/rows",
        {"court": court.code},
        content_type="application/json",
        **_basic(agent),
    )
    assert (
        r.status_code == 422 and "case_type" in r.json()["detail"] and "必填" in r.json()["detail"]
    )
    _nothing_created()


def test_api_batch_without_rows(client: Client, agent: Any, court: Any) -> None:
    payload = {"court": court.code, "case_type": "credit_card", "rows": []}
    r = client.post(
        "/api/v1/batches/rows", payload, content_type="application/json", **_basic(agent)
    )
    assert r.status_code == 422 and "rows" in r.json()["detail"] and "至少" in r.json()["detail"]
    _nothing_created()


def test_file_with_a_header_and_no_rows(
    client: Client, agent: Any, court: Any, intake_dir: Any
) -> None:
    file = io.BytesIO(render([], "financial_loan"))
    file.name = "empty.csv"
    r = client.post("/api/v1/batches", {"court": court.code, "file": file}, **_basic(agent))
    assert r.status_code == 422 and "没有数据行" in r.json()["detail"]
    _nothing_created()


def test_api_overlong_idempotency_key(
    client: Client, agent: Any, court: Any, rows: Callable[..., Any], intake_dir: Any
) -> None:
    file = io.BytesIO(render(rows(n=1), "financial_loan"))
    file.name = "b.csv"
    r = client.post(
        "/api/v1/batches",
        {"court": court.code, "file": file},
        HTTP_IDEMPOTENCY_KEY="k" * 200,
        **_basic(agent),
    )
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]
    _nothing_created()


def test_api_unknown_court_and_case_type(
    client: Client, agent: Any, court: Any, rows: Callable[..., Any]
) -> None:
    payload = {"court": "abc", "case_type": "credit_card", "rows": rows("credit_card", n=1)}
    r = client.post(
        "/api/v1/batches/rows", payload, content_type="application/json", **_basic(agent)
    )
    assert r.status_code == 422 and "法院代码不存在" in r.json()["detail"]
    payload = {"court": court.code, "case_type": "x", "rows": rows("credit_card", n=1)}
    r = client.post(
        "/api/v1/batches/rows", payload, content_type="application/json", **_basic(agent)
    )
    assert r.status_code == 422 and "case_type" in r.json()["detail"]
    _nothing_created()


def test_bad_batch_ids_and_error_formats(
    client: Client, agent: Any, run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    batch = run_import(rows(n=2))
    r = client.get("/api/v1/batches/abc", **_basic(agent))
    assert r.status_code == 422 and "batch_id：应为整数" in r.content.decode()  # readable UTF-8
    r = client.get(f"/api/v1/batches/{10**20}", **_basic(agent))
    assert r.status_code == 404 and "未找到" in r.content.decode()
    client.force_login(agent)
    assert client.get(f"/intake/batches/{batch.pk}/errors.pdf").status_code == 404
    assert client.get(f"/intake/batches/{batch.pk}/?page=abc").status_code == 200
