"""Preview and download of stored documents (access through the case, hash checked on read)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from jiefen.documents.selectors import document_for
from jiefen.documents.storage import sha256


def _serve(request: HttpRequest, document_id: int, *, attachment: bool) -> HttpResponseBase:
    doc = document_for(request.user, document_id)  # type: ignore[arg-type]
    data = doc.absolute_path.read_bytes()
    if sha256(data) != doc.sha256:
        return HttpResponse("文书文件与登记的SHA-256不符，可能已被篡改", status=409)
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
    return _serve(request, document_id, attachment=False)


@login_required
def download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    return _serve(request, document_id, attachment=True)
