"""Bank systems: the documents of their cases and the files themselves, with their SHA-256.

`GET /api/v1/cases/{case_id}/documents` lists what the caller may see of a case
(`access.visible_documents`); `GET /api/v1/documents/{document_id}` sends the bytes with
`X-Content-SHA256`. As on the pages, the hash is checked before sending and every download is
audited (who fetched which file): a file that no longer matches its registered SHA-256 is never
sent (409), it is evidence (architecture rule 7).
"""

from __future__ import annotations

import io
from datetime import datetime

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.api.errors import errors
from jiefen.cases import access
from jiefen.documents import selectors
from jiefen.documents.actions import record_download
from jiefen.documents.storage import TamperedFile, read_verified

router = Router(tags=["文书"], auth=BANK_AUTH)

CONTENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/zip",
    "image/jpeg",
    "image/png",
)
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class DocumentOut(Schema):
    id: int
    kind: str = Field(description="文书种类代码")
    title: str = Field(description="标题")
    format: str = Field(description="pdf / docx / zip / jpg / png")
    recipient: str = Field(description="受送达人（案件通用文书为空）")
    signed: bool = Field(description="已加盖法院电子签章（或由签章文书包覆盖）")
    sha256: str = Field(description="登记的 SHA-256（十六进制）")
    size: int = Field(description="字节数")
    created_at: datetime
    url: str = Field(description="下载地址")


@router.get(
    "/cases/{case_id}/documents",
    response={200: list[DocumentOut], **errors(404, 422)},
    summary="案件文书列表（含 SHA-256）",
)
def case_documents(request: HttpRequest, case_id: int) -> list[DocumentOut]:
    """本机构案件的文书：种类、标题、SHA-256、大小与下载地址。其他机构的案件返回 404。"""
    case = access.case_for(request.user, case_id)
    return [
        DocumentOut(
            id=d.pk,
            kind=d.kind,
            title=d.title,
            format=d.format,
            recipient=d.recipient,
            signed=d.signed,
            sha256=d.sha256,
            size=d.size,
            created_at=d.created_at,
            url=reverse("api:document_download", args=[d.pk]),
        )
        for d in selectors.case_documents(request.user, case)  # type: ignore[arg-type]
    ]


@router.get(
    "/documents/{document_id}",
    response=errors(404, 409, 422),
    url_name="document_download",
    summary="下载文书文件（发送前校验 SHA-256）",
    openapi_extra={
        "responses": {
            200: {
                "description": "文书文件；X-Content-SHA256 为其 SHA-256，可据此核验",
                "headers": {
                    "X-Content-SHA256": {
                        "description": "文件的 SHA-256（十六进制）",
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    },
                    "Content-Disposition": {
                        "description": "attachment; filename=…",
                        "schema": {"type": "string"},
                    },
                },
                "content": {kind: _BINARY for kind in CONTENT_TYPES},
            }
        }
    },
)
def download(request: HttpRequest, document_id: int) -> FileResponse:
    """文书文件本身。发送前核对登记的 SHA-256：文件与登记不符（可能被篡改）时返回 409，
    不发送该文件。每次下载都记入审计日志。"""
    doc = access.document_for(request.user, document_id)
    try:
        data = read_verified(doc.path, doc.sha256)
    except TamperedFile as exc:
        raise HttpError(409, f"{exc}，已拒绝发送（文书编号 {doc.pk}）") from None
    except OSError:
        raise HttpError(409, f"文书文件缺失，无法发送（文书编号 {doc.pk}）") from None
    record_download(
        by=request.user,  # type: ignore[arg-type]
        action="document",
        object_type="document",
        object_id=doc.pk,
        sha256=doc.sha256,
        case_ids=[doc.case_id] if doc.case_id else [],
        kind=doc.kind,
        via="api",
    )
    # A file-like object (not an iterator): only then does FileResponse set Content-Disposition.
    response = FileResponse(
        io.BytesIO(data), content_type=doc.content_type, as_attachment=True, filename=doc.filename
    )
    response["X-Content-SHA256"] = doc.sha256
    return response
