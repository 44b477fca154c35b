"""The plain text of an effective 民事判决书 and who in it is a person or an organisation.

`judgment_text(judgment)` rebuilds the judgment as signed — the same `judgment_context` data the
sealed PDF was rendered from (the amounts computed as of the day it was drafted, the judge's
edited sections, the signing day under the seal) — and lays it out in the order of
`judgment.typ`: heading, parties, origin, claims, answers, facts, reasoning, basis, orders,
fees, appeal notice, signature block. `subjects(case)` says whom the anonymiser must pseudonymise
(the natural-person defendants and guarantors and their 委托诉讼代理人) and what it must keep
(the institution, the courts, law firms, organisation parties, with their 住所地).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jiefen.cases.models import Case, PartyKind
from jiefen.hearings.models import Agent
from jiefen.judgments.actions.drafting import load_cases
from jiefen.judgments.context import EDITABLE, judgment_context
from jiefen.judgments.models import Judgment
from jiefen.judgments.rules import compute
from jiefen.law.anonymisation import anonymise


@dataclass(frozen=True)
class Subjects:
    persons: list[str]
    organisations: list[str]


def subjects(case: Case) -> Subjects:
    persons: list[str] = []
    organisations = [case.institution.name, case.institution.address, case.court.name]
    organisations.append(case.court.address)
    if case.court.court_id and case.court.court:
        organisations.append(case.court.court.name)
    for cp in case.case_parties.select_related("party"):
        if cp.party.kind == PartyKind.NATURAL_PERSON:
            persons.append(cp.party.name)
        else:
            organisations += [cp.party.name, cp.party.domicile]
    for agent in Agent.objects.filter(case=case).select_related("lawyer"):
        persons.append(agent.lawyer.display_name)
        organisations.append(agent.law_firm)
    return Subjects(persons, [o for o in organisations if o])


def _numbered(items: list[str]) -> str:
    return "；".join(f"{i}.{c}" for i, c in enumerate(items, start=1))


def layout(d: Mapping[str, Any]) -> str:
    """The paragraphs of `judgment.typ`, one per line."""
    lines = [d["court"]["name"], "民事判决书"]
    if d.get("case_number"):
        lines.append(d["case_number"])
    lines += [f"{p['role']}：{p['text']}" for p in d["parties"]]
    sections = d["sections"]
    lines += sections["origin"]
    lines.append(f"原告{d['claimant']['name']}向本院提出诉讼请求：{_numbered(d['claims'])}。")
    lines += sections["answer"]
    lines.append("本院经审理认定事实如下：")
    if d["undisputed"]:
        lines.append("对以下事实，本院予以确认：")
        lines += [f"{i}.{u}" for i, u in enumerate(d["undisputed"], start=1)]
    if sections["disputed"]:
        lines.append("对有争议的要素，本院认定如下：")
        lines += sections["disputed"]
    reasoning = sections["reasoning"]
    lines.append("本院认为，" + (reasoning[0] if reasoning else ""))
    lines += reasoning[1:]
    lines.append(d["basis"])
    lines += d["orders"]
    lines += sections["orders_note"]
    lines += [d["delay_sentence"], d["fee_sentence"], d["appeal"]]
    lines += [
        f"审判员　{d['judge']}",
        d["court"]["name"],
        d["issued_on_words"],
        "本件与原本核对无异",
        f"书记员　{d['clerk']}",
    ]
    return "\n".join(line for line in lines if line.strip())


def judgment_text(judgment: Judgment) -> str:
    """The judgment's wording as signed. Raises `LawError` when it cannot be recomputed."""
    case = load_cases([judgment.case_id])[0]
    drafted_on = timezone.localtime(judgment.created_at).date()
    signed_on = timezone.localtime(judgment.signed_at).date() if judgment.signed_at else drafted_on
    result = compute(case, as_of=drafted_on)
    edits = {k: v for k, v in (judgment.text or {}).items() if k in EDITABLE}
    data = judgment_context(
        case, result, edits=edits, issued_on=signed_on, default=judgment.default
    )
    return layout(data)


def title(case: Case, who: Subjects) -> str:
    """ "长江银行…与张某金融借款合同纠纷一审民事判决书" (中国裁判文书网 style), names as published."""
    defendants = "、".join(cp.party.name for cp in case.case_parties.select_related("party"))
    text = f"{case.institution.name}与{defendants}{case.get_case_type_display()}一审民事判决书"
    return anonymise(text, who.persons, who.organisations).text
