"""The element-style answer (要素式答辩, 民诉法 Art. 128): a defendant's 无异议 / 有异议 per element.

`answers_by_element(case)` is what the hearing record reads (H3): the items of SUBMITTED
answers only (a draft is not yet the party's answer), by element key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import require
from jiefen.cases.elements import ANSWER_SECTION_TITLES, ANSWER_TEXT_KEYS, answer_elements
from jiefen.cases.models import Case, CaseParty, Party, PartyRole
from jiefen.documents.context import date_in_words
from jiefen.documents.models import RecipientRole, StoredDocument
from jiefen.documents.storage import store
from jiefen.hearings.models import (
    Agent,
    AgentAuthority,
    Answer,
    AnswerItem,
    AnswerPosition,
    Hearing,
    HearingState,
)
from jiefen.privacy import mask_id_number


class AnswerRefused(Exception):
    """An answer that may not be saved, with the reason in Chinese (case number, element).

    `key` names the element the refusal is about (the page shows it beside that element).
    """

    def __init__(self, message: str, *, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def answers_by_element(case: Case) -> dict[str, list[AnswerItem]]:
    """Element key → the items of the case's submitted answers (one per answering party)."""
    result: dict[str, list[AnswerItem]] = defaultdict(list)
    rows = (
        AnswerItem.objects.filter(answer__case=case, answer__submitted_at__isnull=False)
        .select_related("answer", "answer__party")
        .order_by("answer__party_id", "pk")
    )
    for item in rows:
        result[item.key].append(item)
    return dict(result)


def _agent_for(case: Case, party: Party, by: User | None) -> Agent | None:
    """The `Agent` row through which `by` answers, or None when the party answers in person.

    Only a defendant/guarantor of the case answers (民诉法 Art. 128), in person or by a lawyer
    they appointed for THIS case (Arts. 61-62); anyone else is refused without detail.
    """
    if not CaseParty.objects.filter(
        case=case, party=party, role__in=[PartyRole.DEFENDANT, PartyRole.GUARANTOR]
    ).exists():
        raise AnswerRefused(f"{case.case_number}：答辩人不是本案被告或担保人")
    if by is not None and by.role == Role.LAWYER:
        agent = Agent.objects.filter(case=case, party=party, lawyer=by).first()
        if agent is None:
            raise AnswerRefused(f"{case.case_number}：您不是该当事人的委托诉讼代理人")
        return agent
    if by is None or by.party_id != party.pk:
        raise AnswerRefused(f"{case.case_number}：只能由答辩人本人或其代理人答辩")
    return None


def save_answer(
    case: Case,
    party: Party,
    items: Mapping[str, tuple[str, str]],
    *,
    by: User | None,
    submit: bool,
) -> Answer:
    """Save the party's answer as a draft, or submit it; items = {key: (position, reason)}.

    An objection (有异议) needs its facts and reasons; refused once the hearing was held. A late
    answer (after the party's answer period) is accepted — the court still hears it — but the
    audit record says it was late.
    """
    require(by, "hearings.answer", case)
    agent = _agent_for(case, party, by)
    if Hearing.objects.filter(case=case, state=HearingState.HELD).exists():
        raise AnswerRefused(f"{case.case_number}：已开庭审理，不能再提交或修改答辩状")
    labels = {e.key: e.label for e in answer_elements(case.case_type)}
    for key, (position, reason) in items.items():
        if key not in labels:
            raise AnswerRefused(f"{case.case_number}：答辩要素「{key}」不属于本案答辩状")
        if key in ANSWER_TEXT_KEYS:
            continue
        if position not in AnswerPosition.values:
            raise AnswerRefused(
                f"{case.case_number}：「{labels[key]}」：请选择无异议或有异议", key=key
            )
        if position == AnswerPosition.OBJECTION and not reason.strip():
            raise AnswerRefused(
                f"{case.case_number}：「{labels[key]}」：有异议的，请填写事实和理由", key=key
            )
    with transaction.atomic():
        answer, _ = Answer.objects.select_for_update().get_or_create(case=case, party=party)
        if answer.submitted_at is not None:
            raise AnswerRefused(f"{case.case_number}：答辩状已提交，不能修改")
        for key, (position, reason) in items.items():
            AnswerItem.objects.update_or_create(
                answer=answer,
                key=key,
                defaults={
                    "position": "" if key in ANSWER_TEXT_KEYS else position,
                    "reason": reason.strip(),
                },
            )
        answer.agent = agent
        answer.submitted_by = by
        if submit:
            answer.submitted_at = timezone.now()
        answer.save()
        if submit:
            answer.document = _render(answer, by)
            answer.save(update_fields=["document"])
        late = submit and _late(case, party)
        audit(
            actor_id=by.pk if by else None,
            action="hearings.answer_submitted" if submit else "hearings.answer_saved",
            object_type="answer",
            object_id=answer.pk,
            payload={"case": case.pk, "party": party.pk, "late": late},
        )
    return answer


def answer_ends(case: Case, party: Party) -> date | None:
    """The last day of the party's answer period (`Service.answer_ends`, 民诉法 Art. 128)."""
    from jiefen.service.models import Service

    return (
        Service.objects.filter(case=case, party=party, answer_ends__isnull=False)
        .order_by("answer_ends")
        .values_list("answer_ends", flat=True)
        .first()
    )


def _late(case: Case, party: Party) -> bool:
    """After the party's answer period? Accepted (the court still hears it), but recorded."""
    ends = answer_ends(case, party)
    return ends is not None and timezone.localdate() > ends


# --- evidence (民诉法 Art. 67; 最高法证据规定 Art. 15: electronic copies of documents) ------------

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Checked by the file's first bytes, not its name: a renamed file is what it is.
_SIGNATURES = ((b"%PDF-", "pdf"), (b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))


def _file_type(data: bytes) -> str | None:
    return next((ext for magic, ext in _SIGNATURES if data.startswith(magic)), None)


def attach_evidence(answer: Answer, key: str, upload: Any, *, by: User | None) -> StoredDocument:
    """Store one evidence file (PDF/JPG/PNG, at most 10 MB) for an element of a draft answer.

    The file is kept as uploaded with its SHA-256 (evidence is never altered), addressed to the
    answering party, and listed on the element's item and later in the answer's 证据清单.
    """
    case = answer.case
    require(by, "hearings.answer", case)
    _agent_for(case, answer.party, by)
    labels = {e.key: e.label for e in answer_elements(case.case_type)}
    if key not in labels:
        raise AnswerRefused(f"{case.case_number}：答辩要素「{key}」不属于本案答辩状")
    if answer.submitted_at is not None:
        raise AnswerRefused(f"{case.case_number}：答辩状已提交，不能再添加证据", key=key)
    name = str(getattr(upload, "name", "") or "证据")
    data = upload.read()
    if len(data) > MAX_EVIDENCE_BYTES:
        raise AnswerRefused(
            f"{case.case_number}：「{labels[key]}」的证据文件{name}超过10MB", key=key
        )
    ext = _file_type(data)
    if ext is None:
        raise AnswerRefused(
            f"{case.case_number}：「{labels[key]}」的证据文件{name}不是PDF、JPG或PNG文件", key=key
        )
    title = f"证据：{Path(name).name}"[:200]
    stored = store(data, folder=f"{timezone.localdate():%Y}/{case.pk}", name="答辩证据", ext=ext)
    with transaction.atomic():
        doc = StoredDocument.objects.create(
            case=case,
            kind="answer_evidence",
            title=title,
            format=ext,  # pdf / jpg / png as uploaded
            recipient=answer.party.name,
            recipient_role=RecipientRole.COURT,
            party=answer.party,
            path=stored.path,
            sha256=stored.sha256,
            size=stored.size,
            signed=False,
            created_by=by,
        )
        item, _ = AnswerItem.objects.select_for_update().get_or_create(
            answer=answer, key=key, defaults={"position": ""}
        )
        item.evidence = [*item.evidence, doc.pk]
        item.save(update_fields=["evidence"])
        audit(
            actor_id=by.pk if by else None,
            action="hearings.answer_evidence",
            object_type="answer",
            object_id=answer.pk,
            payload={"case": case.pk, "key": key, "document": doc.pk, "sha256": doc.sha256},
        )
    return doc


# --- the lawyer (委托诉讼代理人, 民诉法 Arts. 61-62) ---------------------------------------------


def appoint_agent(
    case: Case,
    party: Party,
    lawyer: User,
    *,
    law_firm: str,
    authority: str,
    power_of_attorney: StoredDocument | None,
    by: User | None,
) -> Agent:
    """Register a lawyer for a party of the case: the party on the portal, or the clerk for a
    power of attorney handed in on paper. Answering needs special authority only to admit a
    claim (Art. 62); any registered lawyer may answer."""
    require(by, "hearings.appoint_agent", case)
    if by is not None and by.role == Role.DEFENDANT and by.party_id != party.pk:
        raise AnswerRefused(f"{case.case_number}：只能为本人委托诉讼代理人")
    if not CaseParty.objects.filter(case=case, party=party).exists():
        raise AnswerRefused(f"{case.case_number}：{party.name}不是本案当事人")
    if lawyer.role != Role.LAWYER or not lawyer.is_active:
        raise AnswerRefused(f"{case.case_number}：{lawyer.username}不是本平台登记的律师")
    if authority not in AgentAuthority.values:
        raise AnswerRefused(f"{case.case_number}：代理权限须为一般授权或特别授权")
    if not law_firm.strip():
        raise AnswerRefused(f"{case.case_number}：请填写律师事务所")
    with transaction.atomic():
        agent, created = Agent.objects.get_or_create(
            case=case,
            party=party,
            lawyer=lawyer,
            defaults={
                "law_firm": law_firm.strip(),
                "authority": authority,
                "power_of_attorney": power_of_attorney,
            },
        )
        if not created:
            raise AnswerRefused(f"{case.case_number}：该律师已是{party.name}的委托诉讼代理人")
        audit(
            actor_id=by.pk if by else None,
            action="hearings.appoint_agent",
            object_type="agent",
            object_id=agent.pk,
            payload={"case": case.pk, "party": party.pk, "lawyer": lawyer.pk},
        )
    return agent


# --- the answer document -----------------------------------------------------------------------


def _render(answer: Answer, by: User | None) -> StoredDocument:
    """The submitted answer as the party's 民事答辩状（要素式） PDF, not sealed by the court."""
    from jiefen.documents.actions import issue_document

    return issue_document(
        answer.case,
        "answer",
        recipient=answer.party,
        context=answer_context(answer),
        by=by,
        sign=False,
        issued_for=f"answer:{answer.pk}",
    )


def answer_context(answer: Answer) -> dict[str, Any]:
    """What `answer.typ` prints: the answerer, each element with 无异议 / 有异议 and the reasons."""
    case, party = answer.case, answer.party
    items = {i.key: i for i in answer.items.all()}
    cp = CaseParty.objects.filter(case=case, party=party).first()
    sections: dict[str, dict[str, Any]] = {}
    texts: list[dict[str, str]] = []
    evidence_ids: list[int] = []
    for element in answer_elements(case.case_type):
        item = items.get(element.key)
        if item is not None:
            evidence_ids += item.evidence
        if element.key == "evidence":
            continue
        if element.key in ANSWER_TEXT_KEYS:
            texts.append({"label": element.label, "text": item.reason if item else ""})
            continue
        section = sections.setdefault(
            element.section, {"title": ANSWER_SECTION_TITLES[element.section], "items": []}
        )
        section["items"].append(
            {
                "number": len(section["items"]) + 1,
                "label": element.label,
                "position": AnswerPosition(item.position).label
                if item and item.position
                else "未答",
                "reason": item.reason if item else "",
            }
        )
    docs = StoredDocument.objects.filter(pk__in=evidence_ids).order_by("pk")
    agent = answer.agent
    return {
        "answerer": {
            "name": party.name,
            "role": cp.get_role_display() if cp else "被告",
            "id_masked": mask_id_number(party.id_number),
            "address": party.domicile or "—",
        },
        "agent": f"{agent.lawyer.display_name}，{agent.law_firm}律师" if agent else "—",
        "sections": list(sections.values()),
        "texts": texts,
        "evidence": [{"title": d.title, "sha256": d.sha256} for d in docs],
        "submitted_on_words": date_in_words(timezone.localdate()),
    }
