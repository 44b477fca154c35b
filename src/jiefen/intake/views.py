"""Bank portal pages of the intake stage: upload, batch progress, errors, series, downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiefen.accounts import selectors as directory
from jiefen.accounts.models import Organisation, User
from jiefen.cases import access
from jiefen.cases.access import batch_for, visible_batches
from jiefen.documents.actions import record_download
from jiefen.documents.storage import sha256
from jiefen.intake import format as fmt
from jiefen.intake.actions import IdempotencyConflict, create_batch
from jiefen.intake.models import Policy
from jiefen.intake.reader import MAX_BYTES, FileRefused
from jiefen.intake.report import errors_csv, errors_xlsx, template_xlsx
from jiefen.intake.selectors import batch_series
from jiefen.intake.tasks import enqueue_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    user = access.desk(request.user, "intake")
    can_upload = (
        access.role_refusal(user, "intake.submit_batch") is None
        and user.organisation_id is not None
    )
    if request.method == "POST":
        if not can_upload:
            raise Http404("无权上传")
        return _upload(request, user)
    return render(
        request,
        "intake/batch_list.html",
        {
            "batches": visible_batches(user)[:50],
            "courts": directory.courts(),
            "policies": Policy.choices,
            "can_upload": can_upload,
            "max_mb": MAX_BYTES // 1024 // 1024,
        },
    )


def _court(value: str) -> Organisation | None:
    """The court picked in the form; None for anything that is not a court's id."""
    if not value.isdigit() or len(value) > 18:
        return None
    return directory.court(int(value))


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    messages.error(request, f"文件未被接收：{reason}")
    return redirect("intake:batches")


def _upload(request: HttpRequest, user: User) -> HttpResponse:
    upload = request.FILES.get("file")
    court = _court(request.POST.get("court", "").strip())
    policy = request.POST.get("policy") or Policy.REJECT_FAILED_ROWS
    if upload is None:
        return _refused(request, "请选择要上传的文件")
    if court is None:
        return _refused(request, "受理法院无效，请从列表中选择受理法院")
    if policy not in Policy.values:
        return _refused(request, "错误处理方式无效，请从列表中选择")
    if (upload.size or 0) > MAX_BYTES:
        messages.error(request, f"文件过大，上限为 {MAX_BYTES // 1024 // 1024} MB")
        return redirect("intake:batches")
    institution = Organisation.objects.get(pk=user.organisation_id or 0)
    try:
        batch, created = create_batch(
            institution, court, upload.read(), upload.name or "upload", by=user, policy=policy
        )
    except (FileRefused, IdempotencyConflict) as exc:
        messages.error(request, f"文件未被接收：{exc}")
        return redirect("intake:batches")
    if created:
        enqueue_import(batch.pk)
        messages.success(request, f"已接收文件，批次 {batch.pk} 正在导入")
    else:
        messages.info(request, f"该文件已提交过，这是原来的批次 {batch.pk}，未重复导入")
    return redirect("intake:batch", batch_id=batch.pk)


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batch_for(_user(request), batch_id)
    errors = Paginator(batch.errors.order_by("row", "id"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/batch_detail.html",
        {
            "batch": batch,
            "errors": errors,
            "series": batch_series(batch) if batch.accepted else [],
        },
    )


@login_required
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The progress fragment the batch page polls while the worker runs."""
    batch = batch_for(_user(request), batch_id)
    response = render(request, "intake/progress.html", {"batch": batch})
    if batch.finished:
        response["X-Batch-Finished"] = "1"
    return response


@login_required
def batch_errors(request: HttpRequest, batch_id: int, fmt_name: str) -> HttpResponse:
    if fmt_name not in ("csv", "xlsx"):
        raise Http404("错误明细只提供 CSV 或 XLSX 格式")
    batch = batch_for(_user(request), batch_id)
    if fmt_name == "xlsx":
        response = HttpResponse(errors_xlsx(batch), content_type=XLSX)
    else:
        response = HttpResponse(errors_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.{fmt_name}"'
    record_download(
        by=_user(request),
        action="batch_errors",
        object_type="batch",
        object_id=batch.pk,
        sha256=sha256(response.content),
        format=fmt_name,
    )
    return response


@login_required
def template(request: HttpRequest, case_type: str) -> HttpResponse:
    if case_type not in (fmt.LOAN, fmt.CARD):
        raise Http404("无此模板")
    response = HttpResponse(template_xlsx(case_type), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="jiefen-{case_type}-template.xlsx"'
    return response
