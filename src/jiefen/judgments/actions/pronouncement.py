"""Batch pronouncement (宣判) of signed judgments, and their service on the parties.

民诉法 Art. 151: a judgment pronounced on a set date is handed to the parties at once. Here
the cases move `pronounce_judgment` together (`transition_many`: one event each, one audit
record); the claimant is served on the platform the same day (the address it gave with the
complaint, `claimant_served_on`); every defendant and guarantor gets their own copy of the
sealed PDF — one `StoredDocument` per recipient, the same bytes and SHA-256 as the signed
original — served through the service stage (`service.actions.serve_documents`, purpose
"judgment"). Each party's appeal period then runs from its own service date (helper J2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.actions import require, transition_many
from jiefen.cases.models import CaseParty
from jiefen.documents.models import RecipientRole, StoredDocument
from jiefen.documents.storage import read_verified, store
from jiefen.judgments.actions.drafting import case_label, document_row
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.service.actions import serve_documents


@dataclass
class PronounceResult:
    pronounced: list[int] = field(default_factory=list)  # Judgment ids
    refused: dict[int, str] = field(default_factory=dict)  # judgment id → "案号…：reason"
    served: list[int] = field(default_factory=list)  # StoredDocument ids put to service


def _copies(judgments: list[Judgment], by: User | None) -> list[StoredDocument]:
    """One copy of each sealed judgment per defendant and guarantor (for its own service)."""
    parties: dict[int, list[CaseParty]] = {}
    for cp in CaseParty.objects.filter(case_id__in=[j.case_id for j in judgments]).select_related(
        "party"
    ):
        parties.setdefault(cp.case_id, []).append(cp)
    rows = []
    for j in judgments:
        original = j.document
        assert original is not None
        data = read_verified(original.path, original.sha256)
        for cp in sorted(parties.get(j.case_id, []), key=lambda cp: cp.position):
            f = store(
                data,
                folder=original.path.split("/", 1)[1].rsplit("/", 1)[0],
                name=f"民事判决书-{cp.party.name}",
                ext="pdf",
            )
            rows.append(
                document_row(
                    j.case,
                    f,
                    by=by,
                    signed=True,
                    recipient=cp.party.name,
                    recipient_role=RecipientRole.DEFENDANT,
                    party_id=cp.party_id,
                    issued_for=f"judgment:{j.pk}",
                )
            )
    return StoredDocument.objects.bulk_create(rows, batch_size=500)


def pronounce(
    judgment_ids: Iterable[int], *, by: User | None, on: date | None = None
) -> PronounceResult:
    """Pronounce the signed judgments among `judgment_ids` on `on` (default today)."""
    require(by, "pronounce_judgment")
    day = on or timezone.localdate()
    ids = list(dict.fromkeys(judgment_ids))
    rows = list(
        Judgment.objects.filter(pk__in=ids).select_related("case", "document").order_by("pk")
    )
    result = PronounceResult()
    result.refused.update({pk: f"文书{pk}不存在" for pk in set(ids) - {j.pk for j in rows}})
    ready = []
    for j in rows:
        if j.kind != DecisionKind.JUDGMENT:
            result.refused[j.pk] = f"{case_label(j.case)}：{DecisionKind(j.kind).label}不经宣判"
        elif j.state != DecisionState.SIGNED or j.document is None:
            result.refused[j.pk] = (
                f"{case_label(j.case)}：文书状态为「{DecisionState(j.state).label}」，签发后方可宣判"
            )
        else:
            ready.append(j)
    if not ready:
        return result
    with transaction.atomic():
        moved = transition_many(
            [j.case_id for j in ready],
            "pronounce_judgment",
            by=by,
            note=f"{day:%Y-%m-%d}宣判",
            job=f"pronounce:{day:%Y-%m-%d}",
        )
        by_case = {j.case_id: j for j in ready}
        for case_id, reason in moved.refused.items():
            result.refused[by_case[case_id].pk] = f"{case_label(by_case[case_id].case)}：{reason}"
        done = [by_case[c] for c in moved.moved]
        if not done:
            return result
        Judgment.objects.filter(pk__in=[j.pk for j in done]).update(
            state=DecisionState.PRONOUNCED,
            pronounced_on=day,
            claimant_served_on=day,
            updated_at=timezone.now(),
        )
        copies = _copies(done, by)
        # Service is the registry's act (民诉法 Art. 87 ff.): it follows the judge's
        # pronouncement as the system's, not as the judge's own act.
        serve_documents(copies, purpose="judgment", by=None)
    result.pronounced = [j.pk for j in done]
    result.served = [d.pk for d in copies]
    return result
