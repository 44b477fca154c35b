"""Read-only queries over stored documents (who sees which document: `cases.access`)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jiefen.accounts.models import User
from jiefen.cases.access import visible_documents
from jiefen.cases.models import Case
from jiefen.documents.models import DocumentFormat, StoredDocument


def case_documents(user: User, case: Case) -> QuerySet[StoredDocument]:
    """The documents of the case page's list: those of the case the user may see."""
    return (
        visible_documents(user, case).exclude(kind="packet").select_related("packet").order_by("id")
    )


def latest_word_copy(user: User, doc: StoredDocument) -> StoredDocument | None:
    """The newest Word copy made of the same kind for the same recipient, if one was made."""
    return (
        visible_documents(user)
        .filter(case=doc.case, kind=doc.kind, format=DocumentFormat.DOCX)
        .filter(party=doc.party, recipient_role=doc.recipient_role)
        .order_by("-id")
        .first()
    )


def stats_section() -> dict[str, object]:
    agg = StoredDocument.objects.aggregate(
        documents=Count("id", filter=~Q(kind="packet")),
        signed_documents=Count("id", filter=Q(signed=True) & ~Q(kind="packet")),
        signatures=Count("id", filter=Q(kind="packet") | Q(signed=True, packet=None)),
    )
    return agg
