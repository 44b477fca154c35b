"""The documents of a filed case: which ones, to whom, with which data.

To the claimant: 受理案件通知书, 交纳诉讼费用通知书. To each defendant (and
guarantor): 应诉通知书, 举证通知书, 传票, the element-style 民事起诉状 copy and 送达地址确认书.
Each recipient's documents form one packet: the first document (受理案件通知书 / 应诉通知书) is
its cover, lists the other documents' SHA-256 and is signed once (see
`documents.actions.issue_packets`).

Each document is issued for an occasion (`StoredDocument.issued_for`): the filing, and for the
summons the hearing it summons to. The database stores one document per case, kind, recipient
and occasion, so re-running a chunk never makes a second set, and a summons for a new hearing
date is a new document.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from jiefen.accounts.models import Organisation, User
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case, CaseParty, Procedure
from jiefen.docket.models import FeeAccount, Filing
from jiefen.documents.actions import PacketSpec, issue_packets
from jiefen.documents.context import case_context, claimant_recipient, figures, words
from jiefen.documents.kinds import FILING_SET_CLAIMANT, FILING_SET_DEFENDANT, SUMMONS
from jiefen.documents.models import RecipientRole, StoredDocument
from jiefen.hearings.models import LIVE_HEARING, Hearing

_CN_COUNT = {7: "七日", 15: "十五日"}
FILING_KINDS = [k.code for k in (*FILING_SET_CLAIMANT, *FILING_SET_DEFENDANT)]
COVER_KINDS = [FILING_SET_CLAIMANT[0].code, FILING_SET_DEFENDANT[0].code]
FILING = "filing"  # the occasion of every filing document but the summons


def hearing_occasion(filing: Filing) -> str:
    """The occasion of a summons: the hearing it summons to, in court time to the minute."""
    return f"hearing:{timezone.localtime(filing.hearing_at):%Y-%m-%dT%H:%M}"


def occasions(filing: Filing) -> dict[str, str]:
    """kind → occasion for the filing documents of one case."""
    return {
        **{kind: FILING for kind in FILING_KINDS},
        SUMMONS.code: hearing_occasion(filing),
    }


def filing_extra(case: Case, filing: Filing) -> dict[str, Any]:
    """The filing facts the documents print beyond the case's own data."""
    fee = case.acceptance_fee or Decimal("0")
    pres_fee = filing.preservation_fee or Decimal("0")
    due = fee - filing.fee_credited + pres_fee
    hearing = timezone.localtime(filing.hearing_at)
    return {
        "fee_account": fee_account_data(case.court),
        "fee_full": figures(filing.fee_full),
        "fee_full_words": words(filing.fee_full),
        "fee_halved": filing.fee_halved,
        "fee_credited": figures(filing.fee_credited) if filing.fee_credited else "",
        "fee_credited_words": words(filing.fee_credited),
        "fees_due": figures(due),
        "fees_due_words": words(due),
        "preservation": {
            "applied": bool(filing.preservation_number),
            "number": filing.preservation_number or "",
            "fee": figures(pres_fee),
            "fee_words": words(pres_fee),
        },
        "hearing": {
            "when": f"{cn_date(hearing.date())}{'上午' if hearing.hour < 12 else '下午'}"
            f"{hearing.hour if hearing.hour <= 12 else hearing.hour - 12}时"
            f"{hearing.minute:02d}分",
            "place": f"{filing.hearing_place}（{case.court.address or case.court.name}）",
            "join_url": _join_url(case),
        },
        "evidence_period": _CN_COUNT.get(filing.evidence_days, f"{filing.evidence_days}日"),
        "evidence_deadline_rule": f"第{_CN_COUNT.get(filing.evidence_days, str(filing.evidence_days) + '日')[:-1]}日",
        "small_claims": case.procedure == Procedure.SMALL_CLAIMS,
    }


def _join_url(case: Case) -> str:
    """The join link of the case's online hearing ("" for a hearing in the building)."""
    live = getattr(case, "live_hearings", None)
    if live is None:
        live = list(case.hearings.filter(LIVE_HEARING).select_related("session"))
    return next((h.session.join_url for h in live if h.session.online), "")


def fee_account_data(court: Organisation) -> dict[str, str] | None:
    """The court's fee-collection account as the fee notice prints it (None: not set)."""
    try:
        return court.fee_account.as_data()
    except FeeAccount.DoesNotExist:
        return None


def cases_for_documents(case_ids: Iterable[int]) -> list[Case]:
    return list(
        Case.objects.filter(pk__in=list(case_ids))
        .select_related("court", "court__fee_account", "institution", "judge", "clerk", "filing")
        .prefetch_related(
            Prefetch(
                "case_parties",
                CaseParty.objects.select_related("party").prefetch_related("party__contacts"),
            ),
            Prefetch(
                "hearings",
                Hearing.objects.filter(LIVE_HEARING).select_related("session"),
                to_attr="live_hearings",
            ),
        )
        .order_by("pk")
    )


def packets_for(case: Case, *, issued_on: date) -> list[PacketSpec]:
    data = case_context(case, issued_on=issued_on, extra=filing_extra(case, case.filing))
    keys = occasions(case.filing)
    specs: list[PacketSpec] = []
    claimant = claimant_recipient(data)
    specs.append(
        PacketSpec(
            case.pk,
            RecipientRole.CLAIMANT,
            claimant,
            None,
            [(k.code, {**data, "recipient": claimant}) for k in FILING_SET_CLAIMANT],
            keys,
        )
    )
    for d in data["defendants"]:
        specs.append(
            PacketSpec(
                case.pk,
                RecipientRole.DEFENDANT,
                d,
                d["party_id"],
                [(k.code, {**data, "recipient": d}) for k in FILING_SET_DEFENDANT],
                keys,
            )
        )
    return specs


def document_cases(case_ids: Iterable[int], *, by: User | None, job: str = "") -> int:
    """Render, sign and store the filing documents these cases lack; return how many were made.

    Idempotent: a packet (one recipient's documents) already stored for the filing is skipped,
    before rendering and again, by the database constraint, when the rows are inserted.
    """
    ids = list(case_ids)
    complete, _ = documented_cases(ids)
    cases = [
        c
        for c in cases_for_documents(i for i in ids if i not in complete)
        if hasattr(c, "filing") and c.case_number
    ]
    if not cases:
        return 0
    specs = [
        spec for c in cases for spec in packets_for(c, issued_on=c.filed_on or timezone.localdate())
    ]
    covers = issue_packets(specs, court=cases[0].court, by=by, job=job)
    return StoredDocument.objects.filter(Q(pk__in=covers) | Q(packet_id__in=covers)).count()


def documented_cases(case_ids: Iterable[int]) -> tuple[set[int], int]:
    """Which of these cases have their full filing set, and how many filing documents they have.

    Counted from the stored documents: a case is complete with one filing packet for the
    claimant and one for each defendant; the documents are the packets' covers and members.
    """
    ids = list(case_ids)
    if not ids:
        return set(), 0
    covers = StoredDocument.objects.filter(
        case_id__in=ids, kind__in=COVER_KINDS, issued_for=FILING, packet=None
    )
    packets = dict(covers.values_list("case_id").annotate(n=Count("pk")))
    parties = dict(
        CaseParty.objects.filter(case_id__in=ids).values_list("case_id").annotate(n=Count("pk"))
    )
    complete = {pk for pk in ids if packets.get(pk, 0) >= 1 + parties.get(pk, 0)}
    documents = StoredDocument.objects.filter(Q(pk__in=covers) | Q(packet__in=covers)).count()
    return complete, documents
