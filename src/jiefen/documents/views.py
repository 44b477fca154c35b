"""Preview and download of stored documents: access through `cases.access`, the SHA-256
checked on every read, and one audit record per download (who saw which file)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from jiefen.cases.access import document_for
from jiefen.documents.actions import record_download
from jiefen.documents.models import StoredDocument
from jiefen.documents.storage import TamperedFile, read_verified


def serve_document(
    request: HttpRequest, doc: StoredDocument, *, attachment: bool, **details: Any
) -> HttpResponseBase:
    """Send a document the caller already got from `cases.access` (hash checked, audited;
    `details` go into the audit record, e.g. which portal session fetched it)."""
    try:
        data = read_verified(doc.path, doc.sha256)
    except TamperedFile as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    record_download(
        by=request.user,  # type: ignore[arg-type]
        action="document" if attachment else "preview",
        object_type="document",
        object_id=doc.pk,
        sha256=doc.sha256,
        case_ids=[doc.case_id] if doc.case_id else [],
        kind=doc.kind,
        **details,
    )
    # A file-like object (not an iterator): only then does FileResponse set Content-Disposition.
    response = FileResponse(
        io.BytesIO(data),
        content_type=doc.content_type,
        as_attachment=attachment,
        filename=doc.filename,
    )
    response["X-Content-SHA256"] = doc.sha256
    return response


@login_required
def preview(request: HttpRequest, document_id: int) -> HttpResponseBase:
    return serve_document(request, document_for(request.user, document_id), attachment=False)


@login_required
def download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    return serve_document(request, document_for(request.user, document_id), attachment=True)
