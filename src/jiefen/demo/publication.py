"""The publication step of `jiefen demo`: effective judgments prepared for 裁判文书公开.

The daily sweep prepares every effective 民事判决书 with its anonymised text (mediation documents
and rulings are never prepared, 法释〔2016〕19号 Art. 4); the clerk of the first case reviews it
side by side and releases it, so the public list at /publication/public/ shows one anonymised
judgment and the rest wait for review.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from jiefen.judgments.models import Judgment
from jiefen.publication.actions import prepare_publications, release
from jiefen.publication.models import Publication, PublicationState


def run_publication_demo(stdout: Any) -> None:
    last = Judgment.objects.aggregate(last=Max("effective_on"))["last"]
    if last is None:
        stdout.write("裁判文书公开：尚无生效判决")
        return
    prepared = prepare_publications(by=None, as_of=last)
    first = (
        Publication.objects.filter(state=PublicationState.PENDING_REVIEW)
        .select_related("judgment__case__clerk")
        .order_by("judgment__case__case_number")
        .first()
    )
    released = None
    if first is not None and first.judgment.case.clerk is not None:
        released = release(first, by=first.judgment.case.clerk)
    where = f"，已公开 1 份：/publication/public/{released.pk}/" if released else ""
    stdout.write(f"裁判文书公开：生效判决书 {prepared} 份已生成隐名处理文本待书记员审核{where}")
