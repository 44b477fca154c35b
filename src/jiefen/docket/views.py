"""The clerk's filing page: series waiting for filing, one-click filing, progress, ZIP, Word."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.cases.access import case_for, visible_cases
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Series
from jiefen.docket.actions import start_filing
from jiefen.docket.models import FilingJob
from jiefen.docket.paperwork import cases_for_documents, filing_extra
from jiefen.docket.selectors import can_file, filable_series, recent_jobs
from jiefen.documents.actions import issue_word_copy
from jiefen.documents.context import case_context, claimant_recipient
from jiefen.documents.kinds import KINDS
from jiefen.documents.models import DocumentFormat, StoredDocument
from jiefen.documents.selectors import document_for


def _require_clerk(request: HttpRequest) -> None:
    if not can_file(request.user):  # type: ignore[arg-type]
        raise Http404("页面不存在")


@login_required
def filing_page(request: HttpRequest) -> HttpResponse:
    _require_clerk(request)
    return render(
        request,
        "docket/filing.html",
        {
            "rows": filable_series(request.user),  # type: ignore[arg-type]
            "jobs": recent_jobs(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_POST
def file_series(request: HttpRequest, series_id: int) -> HttpResponse:
    _require_clerk(request)
    user = request.user
    series = get_object_or_404(Series, pk=series_id)
    if user.role != "platform_admin" and series.court_id != user.organisation_id:  # type: ignore[union-attr]
        raise Http404("页面不存在")
    try:
        job = start_filing(
            by=user,  # type: ignore[arg-type]
            series=series,
            preservation=request.POST.get("preservation") == "on",
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("docket:filing")
    return redirect("docket:job", job_id=job.pk)


def _job(request: HttpRequest, job_id: int) -> FilingJob:
    _require_clerk(request)
    job = get_object_or_404(
        FilingJob.objects.select_related("series", "series__institution"), pk=job_id
    )
    if request.user.role != "platform_admin" and job.court_id != request.user.organisation_id:  # type: ignore[union-attr]
        raise Http404("页面不存在")
    return job


@login_required
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    cases = visible_cases(request.user).filter(filing__job=job).order_by("pk")[:200]  # type: ignore[arg-type]
    return render(request, "docket/job.html", {"job": job, "cases": cases})


@login_required
def job_progress(request: HttpRequest, job_id: int) -> JsonResponse:
    job = _job(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "total": job.total,
            "filed": job.filed,
            "documented": job.documented,
            "documents": job.documents,
            "error": job.error,
        }
    )


@login_required
def series_zip(request: HttpRequest, series_id: int) -> HttpResponseBase:
    """Every document of the series' cases visible to the user, with a SHA256SUMS list."""
    series = get_object_or_404(Series, pk=series_id)
    cases = visible_cases(request.user).filter(series=series)  # type: ignore[arg-type]
    docs = (
        StoredDocument.objects.filter(case__in=cases, format=DocumentFormat.PDF)
        .select_related("case")
        .order_by("case_id", "id")
    )
    if not docs.exists():
        raise Http404("该系列案没有可下载的文书")
    buffer = io.BytesIO()
    sums: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for doc in docs.iterator(chunk_size=500):
            name = f"{doc.case.case_number if doc.case else doc.case_id}/{doc.filename}"
            zf.write(doc.absolute_path, name)
            sums.append(f"{doc.sha256}  {name}")
        zf.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
    buffer.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        buffer,
        as_attachment=True,
        content_type="application/zip",
        filename=f"系列案文书-{series.pk}-{stamp}.zip",
    )


@login_required
def word_copy(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """The editable Word copy of a filing document (made from the docx template on request)."""
    doc = document_for(request.user, document_id)  # type: ignore[arg-type]
    kind = KINDS.get(doc.kind)
    if kind is None or not kind.docx or doc.case_id is None:
        raise Http404("该文书没有 Word 模板")
    case = cases_for_documents([doc.case_id])[0]
    case_for(request.user, case.pk)  # type: ignore[arg-type]
    data = case_context(
        case, issued_on=case.filed_on or timezone.localdate(), extra=filing_extra(case, case.filing)
    )
    recipient = next(
        (d for d in data["defendants"] if d["party_id"] == doc.party_id), claimant_recipient(data)
    )
    copy = issue_word_copy(case, doc.kind, data, recipient=recipient, by=request.user)  # type: ignore[arg-type]
    return FileResponse(
        copy.absolute_path.open("rb"),
        as_attachment=True,
        content_type=copy.content_type,
        filename=copy.filename,
    )
