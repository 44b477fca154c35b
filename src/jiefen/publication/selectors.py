"""Read-only queries of the publication stage (scoping by role is in `jiefen.cases.access`).

`released()` is what the public sees (中国裁判文书网-style list): released publications of
民事判决书 only — a mediation document, confirmation or withdrawal ruling never, even if a row
somehow existed. The segment helpers cut a text into plain and highlighted runs for the review
page (removals in the original, replacements in the anonymised text).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from jiefen.judgments.models import DecisionKind
from jiefen.law.anonymisation import KIND_LABELS, residues
from jiefen.publication.models import Publication, PublicationState
from jiefen.publication.text import subjects


def released() -> QuerySet[Publication]:
    return (
        Publication.objects.filter(
            state=PublicationState.RELEASED, judgment__kind=DecisionKind.JUDGMENT
        )
        .select_related("judgment__case__court")
        .order_by("-reviewed_at", "-pk")
    )


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str = ""  # "" for plain text, else the replacement's kind
    label: str = ""


def _cut(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    segments: list[Segment] = []
    pos = 0
    for start, end, kind in sorted(spans):
        if start < pos:
            continue
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], kind, KIND_LABELS.get(kind, kind)))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return segments


def original_segments(publication: Publication) -> list[Segment]:
    """The original with each removed span marked."""
    spans = [(r["start"], r["end"], r["kind"]) for r in publication.replacements]
    return _cut(publication.original_text, spans)


def anonymised_segments(publication: Publication) -> list[Segment]:
    """The anonymised text with each replacement marked (plain once a clerk edited it: the
    recorded offsets no longer apply)."""
    if publication.edited_at is not None:
        return [Segment(publication.anonymised_text)]
    spans = [
        (r["at"], r["at"] + len(r["replacement"]), r["kind"])
        for r in publication.replacements
        if r["replacement"]
    ]
    return _cut(publication.anonymised_text, spans)


def remaining(publication: Publication) -> list[str]:
    """Personal data the anonymiser still finds in the text to publish ("第3行第12字：…")."""
    who = subjects(publication.judgment.case)
    return residues(publication.anonymised_text, who.persons, who.organisations)
