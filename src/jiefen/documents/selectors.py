"""Read-only queries over stored documents."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jiefen.accounts.models import User
from jiefen.cases.access import case_for
from jiefen.documents.models import StoredDocument


def document_for(user: User, document_id: int) -> StoredDocument:
    """The document if its case is visible to `user` (same 404 for missing and forbidden)."""
    from django.http import Http404

    doc = StoredDocument.objects.filter(pk=document_id).select_related("case").first()
    if doc is None or doc.case_id is None:
        raise Http404("文书不存在或无权查看")
    case_for(user, doc.case_id)
    return doc


def case_documents(case_id: int) -> QuerySet[StoredDocument]:
    return StoredDocument.objects.filter(case_id=case_id).order_by("recipient_role", "id")


def stats_section() -> dict[str, object]:
    agg = StoredDocument.objects.aggregate(
        documents=Count("id", filter=~Q(kind="packet")),
        signed_documents=Count("id", filter=Q(signed=True) & ~Q(kind="packet")),
        signatures=Count("id", filter=Q(kind="packet") | Q(signed=True, packet=None)),
    )
    return agg
