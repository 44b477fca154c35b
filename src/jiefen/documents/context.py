"""The data a document template sees: one plain dict per (case, recipient, kind).

Amounts are given in figures (thousands separators, two decimals) and in 人民币大写 words
(`jiefen.law.money.amount_in_words`); dates in the body are written 2025年7月1日 and the
date under the seal in Chinese numerals (二〇二五年七月一日), as courts print them.
Personal identifiers are masked (architecture rule 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from jiefen.cases.elements import SECTION_TITLES, cn_date, complaint_elements
from jiefen.cases.models import Case, CaseParty, ContactKind
from jiefen.law.money import amount_in_words, to_fen
from jiefen.privacy import mask_id_number, mask_phone

_CN_DIGITS = "〇一二三四五六七八九"
_CN_NUMS = [
    "",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十五",
    "二十六",
    "二十七",
    "二十八",
    "二十九",
    "三十",
    "三十一",
]


def date_in_words(value: date) -> str:
    """2025-07-01 → 二〇二五年七月一日 (the date under a court's seal)."""
    year = "".join(_CN_DIGITS[int(c)] for c in f"{value.year:04d}")
    return f"{year}年{_CN_NUMS[value.month]}月{_CN_NUMS[value.day]}日"


def figures(amount: Decimal | int | str | None) -> str:
    """12,345.60 — the figure part; the unit (元) is in the template's wording."""
    return f"{to_fen(Decimal(str(amount or 0))):,.2f}"


def words(amount: Decimal | int | str | None) -> str:
    return amount_in_words(to_fen(Decimal(str(amount or 0))))


def court_data(court: Any) -> dict[str, str]:
    return {
        "name": court.name,
        "code": court.court_code or court.code,
        "address": court.address or "（见本院诉讼服务中心公告）",
        "phone": court.phone or "12368",
    }


def _party_data(cp: CaseParty) -> dict[str, Any]:
    p = cp.party
    address = p.domicile or ""
    phone = email = ""
    consent = False
    for c in p.contacts.all():
        if c.kind == ContactKind.ADDRESS and not address:
            address = c.value
        elif c.kind == ContactKind.MOBILE and not phone:
            phone = mask_phone(c.value)
        elif c.kind == ContactKind.EMAIL and not email:
            email = c.value
        consent = consent or c.e_service_consent
    return {
        "party_id": p.pk,
        "name": p.name,
        "role": cp.get_role_display(),
        "sex": p.sex or "—",
        "birth": cn_date(p.birth_date) if p.birth_date else "—",
        "ethnicity": p.ethnicity or "—",
        "domicile": p.domicile or address or "—",
        "address": address or "—",
        "id_masked": mask_id_number(p.id_number),
        "phone": phone or "—",
        "email": email or "—",
        "e_service": "已同意" if consent else "未确认",
    }


def _element_text(label: str, text: str, case: Case) -> str:
    """The total claimed is written in figures and in 人民币大写 words, as on any court form."""
    if label == "标的总额":
        return f"人民币{figures(case.claim_total)}元（{words(case.claim_total)}）"
    return text


def case_context(
    case: Case, *, issued_on: date, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything about `case` that any filing document prints (recipient is added per document)."""
    inst = case.institution
    defendants = [_party_data(cp) for cp in case.case_parties.all()]
    rows = complaint_elements(case)
    fee = case.acceptance_fee if case.acceptance_fee is not None else Decimal("0")
    data: dict[str, Any] = {
        "court": court_data(case.court),
        "case_id": case.pk,
        "case_number": case.case_number or "",
        "case_type": case.get_case_type_display(),
        "procedure": case.get_procedure_display() if case.procedure else "",
        "judge": case.judge.display_name if case.judge_id and case.judge else "",
        "clerk": case.clerk.display_name if case.clerk_id and case.clerk else "",
        "filed_on": cn_date(case.filed_on or issued_on),
        "issued_on": cn_date(issued_on),
        "issued_on_words": date_in_words(issued_on),
        "claimant": {
            "name": inst.name,
            "address": inst.address or "—",
            "uscc": inst.uscc or "—",
            "legal_representative": inst.legal_representative or "—",
            "representative_title": inst.representative_title or "负责人",
        },
        "defendants": defendants,
        "defendant_names": "、".join(d["name"] for d in defendants),
        "claim_total": figures(case.claim_total),
        "claim_total_words": words(case.claim_total),
        "fee": figures(fee),
        "fee_words": words(fee),
        "fee_full": figures(fee),
        "fee_full_words": words(fee),
        "fee_halved": False,
        "fees_due": figures(fee),
        "fees_due_words": words(fee),
        "preservation": {"applied": False, "number": "", "fee": "0.00", "fee_words": "零元整"},
        "elements": [
            {
                "title": title,
                "rows": [
                    {
                        "number": r.number,
                        "label": r.label,
                        "text": _element_text(r.label, r.text, case),
                    }
                    for r in rows
                    if r.section == key
                ],
            }
            for key, title in SECTION_TITLES.items()
        ],
        "complaint_date": cn_date(timezone.localtime(case.created_at).date())
        if case.created_at
        else cn_date(issued_on),
        "cut_off_note": f"标的额计算截止日：{cn_date(case.cut_off_date)}",
        "portal_url": getattr(settings, "JIEFEN_PUBLIC_URL", ""),
        "hearing": {"when": "另行通知", "place": "另行通知"},
    }
    if extra:
        data.update(extra)
    return data


def claimant_recipient(data: Mapping[str, Any]) -> dict[str, Any]:
    c = data["claimant"]
    return {
        "name": c["name"],
        "role": "原告",
        "address": c["address"],
        "phone": "—",
        "email": "—",
        "e_service": "已同意",
    }
