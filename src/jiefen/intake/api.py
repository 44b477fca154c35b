"""Bank systems: POST a batch (file or JSON rows) with an Idempotency-Key, poll it, read errors.

The same actions as the upload page: `create_batch` (idempotent by key and by file SHA-256),
then the import runs in the task worker. A repeated POST returns the first batch (200 instead
of 201), also when the two requests race.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.api.errors import Text, errors
from jiefen.cases.access import batch_for
from jiefen.intake import format as fmt
from jiefen.intake.actions import IdempotencyConflict, create_batch, summary
from jiefen.intake.generator import render
from jiefen.intake.models import Batch, Policy
from jiefen.intake.reader import MAX_BYTES, FileRefused
from jiefen.intake.tasks import enqueue_import

router = Router(tags=["批量导入"], auth=BANK_AUTH)

MAX_KEY = 128  # Batch.idempotency_key
MAX_OFFSET = 10 * 200_000  # more error rows than a batch of the maximum size can have


class BatchOut(Schema):
    batch: int
    status: str
    status_label: str
    rows: int
    rows_done: int
    percent: int
    accepted: int
    rejected: int
    duplicates: int
    series: int
    flagged: int
    message: str
    screening_notes: dict[str, str]


class ErrorOut(Schema):
    row: int
    column: str
    reason: str
    value: str
    kind: str


class RowsIn(Schema):
    court: Text
    case_type: str  # financial_loan | credit_card
    policy: str = Policy.REJECT_FAILED_ROWS
    rows: list[dict[str, Any]]


def _out(batch: Batch) -> BatchOut:
    s = summary(batch)
    return BatchOut(
        batch=batch.pk,
        status=batch.status,
        status_label=batch.get_status_display(),
        rows=s["rows"],
        rows_done=batch.rows_done,
        percent=batch.percent,
        accepted=s["accepted"],
        rejected=s["rejected"],
        duplicates=s["duplicates"],
        series=s["series"],
        flagged=s["flagged"],
        message=batch.message,
        screening_notes=batch.screening_notes,
    )


def _agent(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != Role.BANK_AGENT or user.organisation_id is None:
        raise HttpError(403, "只有金融机构经办人可以提交批次")
    return user


def _submit(
    request: HttpRequest, user: User, court_code: str, data: bytes, name: str, policy: str
) -> Status:
    try:
        court = Organisation.objects.get(code=court_code, kind=OrganisationKind.COURT)
    except Organisation.DoesNotExist:
        raise HttpError(422, f"法院代码不存在：{court_code}") from None
    if policy not in Policy.values:
        raise HttpError(422, "policy 应为 reject_failed_rows 或 reject_all")
    institution = Organisation.objects.get(pk=user.organisation_id or 0)
    key = request.headers.get("Idempotency-Key")
    if key and len(key.strip()) > MAX_KEY:
        raise HttpError(422, f"Idempotency-Key 过长（上限 {MAX_KEY} 个字符）")
    try:
        batch, created = create_batch(
            institution, court, data, name, by=user, key=key, policy=policy
        )
    except FileRefused as exc:
        raise HttpError(422, str(exc)) from None
    except IdempotencyConflict as exc:
        raise HttpError(409, str(exc)) from None
    if created:
        enqueue_import(batch.pk)
    return Status(201 if created else 200, _out(batch))


_SUBMIT_RESPONSES = {200: BatchOut, 201: BatchOut, **errors(400, 403, 409, 413, 422)}


@router.post("/batches", response=_SUBMIT_RESPONSES, summary="提交批次文件（CSV/XLSX）")
def post_batch(
    request: HttpRequest,
    court: Form[Text],
    file: File[UploadedFile],
    policy: Form[str] = Policy.REJECT_FAILED_ROWS,
) -> Status:
    """上传批次文件（CSV 或 XLSX，字段见 docs/intake-format.md），导入在后台进行；
    带 Idempotency-Key 重复提交返回原批次（200），新批次为 201。"""
    user = _agent(request)
    if (file.size or 0) > MAX_BYTES:
        raise HttpError(422, f"文件过大，上限为 {MAX_BYTES // 1024 // 1024} MB")
    return _submit(request, user, court, file.read(), file.name or "upload.csv", policy)


@router.post(
    "/batches/rows",
    response=_SUBMIT_RESPONSES,
    summary="以 JSON 提交批次（字段名见 docs/intake-format.md）",
)
def post_rows(request: HttpRequest, body: RowsIn) -> Status:
    """以 JSON 行提交批次，与上传文件相同的校验与幂等规则（Idempotency-Key）。"""
    user = _agent(request)
    if body.case_type not in (fmt.LOAN, fmt.CARD):
        raise HttpError(422, "case_type 应为 financial_loan 或 credit_card")
    if not body.rows:
        raise HttpError(422, "rows 为空：一个批次至少应包含一行数据")
    rows = [{k: "" if v is None else str(v) for k, v in row.items()} for row in body.rows]
    data = render(rows, body.case_type)
    return _submit(request, user, body.court, data, "api.csv", body.policy)


@router.get(
    "/batches/{batch_id}", response={200: BatchOut, **errors(404, 422)}, summary="批次进度与结果"
)
def get_batch(request: HttpRequest, batch_id: int) -> BatchOut:
    """批次的导入进度（percent）与结果：受理、拒收、重复、系列案、筛查标记。"""
    return _out(batch_for(request.user, batch_id))


@router.get(
    "/batches/{batch_id}/errors",
    response={200: list[ErrorOut], **errors(404, 422)},
    summary="批次错误明细",
)
def get_errors(
    request: HttpRequest,
    batch_id: int,
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Field(ge=1, le=10000)] = 1000,
) -> list[ErrorOut]:
    """被拒收或有问题的行：行号、列、原因、原值，按行号排序分页。"""
    batch = batch_for(request.user, batch_id)
    errors = batch.errors.order_by("row", "id")[offset : offset + limit]
    return [
        ErrorOut(row=e.row, column=e.column, reason=e.reason, value=e.value, kind=e.kind)
        for e in errors
    ]
