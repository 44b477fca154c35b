"""Online asset inquiry (网络查控, 民诉法 Art. 253): requests to the registries and their answers.

- `start_inquiries(ids, by=, on=, reinquiry=False)`: one `Inquiry` per debtor per enforcement
  per day (an existing one is reused: running it twice sends nothing twice), the debtors sent
  to the registries in requests of at most 10,000 subjects, the cases move `inquire_assets`
  (or `reinquire_assets` for a case terminated for now, 终本规定 Art. 9).
- `collect_answers(by=)`: polls every pending request; a ready answer becomes `Asset` rows.
  An asset is *matched* only when the registry's holder ID number is the debtor's (exactly,
  a final x/X alike): a hit on the name alone is stored with its reason and never acted on.
  A re-inquiry that finds a matched asset with a value resumes the case (执恢). A registry that
  does not answer is left for the next run (logged, nothing raised).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.access import visible_enforcements
from jiefen.cases.actions import require, transition_many
from jiefen.enforcement.actions.common import (
    ActionRefused,
    audit,
    chunks,
    debtors_of,
    today,
    unique_ids,
)
from jiefen.enforcement.models import (
    Asset,
    Enforcement,
    EnforcementState,
    Inquiry,
    InquiryState,
)
from jiefen.enforcement.registry import (
    MAX_SUBJECTS,
    Hit,
    RegistryUnavailable,
    Subject,
    registry,
)

logger = logging.getLogger(__name__)


def mask_id(number: str) -> str:
    """An ID number as a refusal may show it: the first 6 and the last 4 characters."""
    n = number.strip()
    if len(n) <= 10:
        return n[:2] + "*" * max(0, len(n) - 2)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def same_id(a: str, b: str) -> bool:
    """The same ID number: exact, except that the check character x and X are alike."""
    return a.strip().upper() == b.strip().upper() and bool(a.strip())


def mismatch_reason(holder_id_number: str) -> str:
    return f"仅姓名相同，证件号码不一致（登记证件号码{mask_id(holder_id_number)}），不予处置"


def start_inquiries(
    enforcement_ids: Sequence[int],
    *,
    by: User | None,
    on: date | None = None,
    reinquiry: bool = False,
) -> str:
    """Inquire the debtors' assets of these enforcements; return the request reference(s)
    (comma-separated when more than 10,000 debtors went in several requests).

    Open enforcements (or, with `reinquiry`, enforcements terminated for now) in `by`'s scope;
    the others are ignored. Raises `ActionRefused` when none qualifies or the registry cannot
    be reached (nothing is recorded then).
    """
    move = "reinquire_assets" if reinquiry else "inquire_assets"
    require(by, move)
    on = on or today()
    ids = unique_ids(enforcement_ids)
    state = EnforcementState.TERMINATED_FOR_NOW if reinquiry else EnforcementState.OPEN
    scope = visible_enforcements(by) if by is not None else Enforcement.objects.all()
    with transaction.atomic():
        enforcements: list[Enforcement] = []
        for chunk in chunks(ids):
            enforcements.extend(scope.filter(pk__in=chunk, state=state).order_by("pk"))
        if not enforcements:
            what = "终结本次执行程序的" if reinquiry else "执行中的"
            raise ActionRefused(f"没有可以查询的{what}执行案件")
        debtors = debtors_of([e.pk for e in enforcements])
        Inquiry.objects.bulk_create(
            [
                Inquiry(
                    enforcement=e,
                    party=p,
                    reinquiry=reinquiry,
                    requested_on=on,
                    request_reference="",
                )
                for e in enforcements
                for p in debtors.get(e.pk, [])
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        inquiries: list[Inquiry] = []
        for chunk in chunks([e.pk for e in enforcements]):
            inquiries.extend(
                Inquiry.objects.filter(enforcement_id__in=chunk, requested_on=on)
                .select_related("party")
                .order_by("pk")
            )
        fresh = [i for i in inquiries if not i.request_reference]
        references = sorted({i.request_reference for i in inquiries if i.request_reference})
        client = registry()
        for batch in chunks(fresh, MAX_SUBJECTS):
            subjects = [
                Subject(reference=f"inq:{i.pk}", name=i.party.name, id_number=i.party.id_number)
                for i in batch
            ]
            try:
                reference = client.submit(subjects, as_of=on)
            except RegistryUnavailable as exc:
                raise ActionRefused(str(exc)) from None
            for part in chunks([i.pk for i in batch]):
                Inquiry.objects.filter(pk__in=part).update(request_reference=reference)
            references.append(reference)
        transition_many(
            [e.case_id for e in enforcements],
            move,
            by=by,
            note="终本后财产复查" if reinquiry else "网络查控",
        )
        audit(
            by,
            "reinquire" if reinquiry else "inquire",
            [e.pk for e in enforcements],
            subjects=len(fresh),
            requests=references,
            on=on.isoformat(),
        )
    return ",".join(references)


def _asset(inquiry: Inquiry, hit: Hit) -> Asset:
    matched = same_id(hit.holder_id_number, inquiry.party.id_number)
    return Asset(
        inquiry=inquiry,
        enforcement_id=inquiry.enforcement_id,
        party_id=inquiry.party_id,
        kind=hit.kind,
        registry=hit.registry[:100],
        identifier=hit.identifier,
        description=hit.description[:300],
        value=hit.value,
        holder_name=hit.holder_name[:200],
        matched=matched,
        mismatch="" if matched else mismatch_reason(hit.holder_id_number),
        registry_reference=hit.hit_reference,
    )


def collect_answers(*, by: User | None = None) -> int:
    """Store the answers of every pending request that is ready; return how many assets were
    stored. Idempotent and safe with several workers (answered inquiries are not pending; a
    worker skips the inquiries another holds on PostgreSQL)."""
    require(by, "enforcement.receive_registry")
    references = list(
        Inquiry.objects.filter(state=InquiryState.PENDING)
        .exclude(request_reference="")
        .values_list("request_reference", flat=True)
        .distinct()
        .order_by("request_reference")
    )
    if not references:
        return 0
    client = registry()
    stored = 0
    to_resume: set[int] = set()
    for reference in references:
        try:
            answer = client.answer(reference)
        except RegistryUnavailable as exc:
            logger.warning("registry answer %s not collected: %s", reference, exc)
            continue
        if not answer.ready:
            continue
        with transaction.atomic():
            inquiries = {
                f"inq:{i.pk}": i
                for i in Inquiry.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("party", "enforcement")
                .filter(request_reference=reference, state=InquiryState.PENDING)
            }
            if not inquiries:
                continue
            assets = [
                _asset(inquiries[hit.subject_reference], hit)
                for hit in answer.hits
                if hit.subject_reference in inquiries
            ]
            Asset.objects.bulk_create(assets, ignore_conflicts=True, batch_size=500)
            answered = [i.pk for i in inquiries.values()]
            for chunk in chunks(answered):
                Inquiry.objects.filter(pk__in=chunk).update(
                    state=InquiryState.ANSWERED, answered_at=timezone.now()
                )
            stored += len(assets)
            for a in assets:
                i = a.inquiry
                if (
                    i.reinquiry
                    and a.matched
                    and a.value > 0
                    and i.enforcement.state == EnforcementState.TERMINATED_FOR_NOW
                ):
                    to_resume.add(i.enforcement_id)
            audit(
                by,
                "registry_answer",
                sorted({i.enforcement_id for i in inquiries.values()}),
                request=reference,
                inquiries=len(answered),
                assets=len(assets),
                matched=sum(1 for a in assets if a.matched),
            )
    if to_resume:
        from jiefen.enforcement.actions.closing import resume

        resume(sorted(to_resume), by=None, on=today())
    return stored
