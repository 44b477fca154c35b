"""The clerk's filing page: series waiting for filing, one-click filing, progress, ZIP, Word."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case
from jiefen.docket.actions import start_filing
from jiefen.docket.models import FilingJob
from jiefen.docket.paperwork import cases_for_documents, filing_extra
from jiefen.docket.selectors import filable_series, recent_jobs
from jiefen.documents.actions import ids_sha256, issue_word_copy, record_download
from jiefen.documents.context import case_context, claimant_recipient
from jiefen.documents.kinds import KINDS
from jiefen.documents.models import DocumentFormat
from jiefen.documents.selectors import latest_word_copy
from jiefen.documents.storage import TamperedFile, read_verified, sha256
from jiefen.documents.views import serve_document


def _clerk(request: HttpRequest) -> User:
    return access.desk(request.user, "filing")


@login_required
def filing_page(request: HttpRequest) -> HttpResponse:
    user = _clerk(request)
    return render(
        request,
        "docket/filing.html",
        {"rows": filable_series(user), "jobs": recent_jobs(user)},
    )


@login_required
@require_POST
def file_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _clerk(request)
    series = access.series_for(user, series_id)
    try:
        job = start_filing(
            by=user,
            series=series,
            preservation=request.POST.get("preservation") == "on",
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("docket:filing")
    return redirect("docket:job", job_id=job.pk)


def _job(request: HttpRequest, job_id: int) -> FilingJob:
    return access.filing_job_for(_clerk(request), job_id)


@login_required
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    cases = access.visible_cases(request.user).filter(filing__job=job).order_by("pk")[:200]
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


def _folder_name(case: Case) -> str:
    """The ZIP folder of a case: its case number, else its mediation number, else its id."""
    name = case.case_number or case.mediation_number or f"未编号案件-{case.pk}"
    return name.replace("/", "_").replace("\\", "_")


@login_required
def series_zip(request: HttpRequest, series_id: int) -> HttpResponseBase:
    """Every PDF of the series the user may see, with a SHA256SUMS list (one audit record)."""
    user = request.user
    series = access.series_for(user, series_id)
    docs = (
        access.visible_documents(user)
        .filter(case__series=series, format=DocumentFormat.PDF)
        .select_related("case")
        .order_by("case_id", "id")
    )
    if not docs.exists():
        raise Http404("该系列案没有可下载的文书")
    buffer = io.BytesIO()
    sums: list[str] = []
    doc_ids: list[int] = []
    case_ids: set[int] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for doc in docs.iterator(chunk_size=500):
            try:
                data = read_verified(doc.path, doc.sha256)
            except TamperedFile as exc:
                return HttpResponse(
                    f"{doc.title}（{doc.pk}）：{exc}",
                    status=409,
                    content_type="text/plain; charset=utf-8",
                )
            name = f"{_folder_name(doc.case)}/{doc.filename}"  # type: ignore[arg-type]
            zf.writestr(name, data)
            sums.append(f"{doc.sha256}  {name}")
            doc_ids.append(doc.pk)
            case_ids.add(doc.case_id)  # type: ignore[arg-type]
        zf.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
    record_download(
        by=user,  # type: ignore[arg-type]
        action="series_zip",
        object_type="series",
        object_id=series.pk,
        sha256=sha256(buffer.getvalue()),
        case_ids=case_ids,
        document_count=len(doc_ids),
        documents_sha256=ids_sha256(doc_ids),
    )
    buffer.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        buffer,
        as_attachment=True,
        content_type="application/zip",
        filename=f"系列案文书-{series.pk}-{stamp}.zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def word_copy(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """The editable Word copy of a filing document: POST makes a new copy from the docx
    template (a write), GET downloads the newest copy already made (never writes)."""
    user = request.user
    doc = access.document_for(user, document_id)
    kind = KINDS.get(doc.kind)
    if kind is None or not kind.docx or doc.case_id is None:
        raise Http404("该文书没有 Word 模板")
    if request.method == "POST":
        case = cases_for_documents([doc.case_id])[0]
        data = case_context(
            case,
            issued_on=case.filed_on or timezone.localdate(),
            extra=filing_extra(case, case.filing),
        )
        recipient = next(
            (d for d in data["defendants"] if d["party_id"] == doc.party_id),
            claimant_recipient(data),
        )
        issue_word_copy(case, doc.kind, data, recipient=recipient, by=user)  # type: ignore[arg-type]
        return redirect("docket:word_copy", document_id=doc.pk)
    copy = latest_word_copy(user, doc)  # type: ignore[arg-type]
    if copy is None:
        raise Http404("尚未生成 Word 副本，请先点击“生成Word”")
    return serve_document(request, copy, attachment=True)
