"""The kinds of documents the platform issues, and where their templates live.

A kind names a typst template (official PDF) and a docxtpl template (editable Word copy) by
file name. Templates are looked up first in the directory named by the setting / environment
variable `JIEFEN_DOCUMENT_TEMPLATES` (a court administrator's edited copies) and then in the
shipped `templates_official/`, so wording can change without touching code.

Other stages register their own kinds with `register()` (e.g. the mediation agreement).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from jiefen.documents.models import RecipientRole

OFFICIAL_DIR = Path(__file__).resolve().parent / "templates_official"


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    recipient_role: str
    template: str  # typst file under the templates directory
    docx: str = ""  # docxtpl file under <templates>/docx/, if the kind has a Word copy


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


# Documents of a filed case (民诉法 Arts. 126-128; 诉讼费用交纳办法 Art. 22; 民诉解释 Art. 99).
ACCEPTANCE_NOTICE = register(
    Kind(
        "acceptance_notice",
        "受理案件通知书",
        RecipientRole.CLAIMANT,
        "acceptance_notice.typ",
        "acceptance_notice.docx",
    )
)
FEE_NOTICE = register(
    Kind(
        "fee_notice",
        "交纳诉讼费用通知书",
        RecipientRole.CLAIMANT,
        "fee_notice.typ",
        "fee_notice.docx",
    )
)
NOTICE_TO_RESPOND = register(
    Kind(
        "notice_to_respond",
        "应诉通知书",
        RecipientRole.DEFENDANT,
        "notice_to_respond.typ",
        "notice_to_respond.docx",
    )
)
EVIDENCE_NOTICE = register(
    Kind(
        "evidence_notice",
        "举证通知书",
        RecipientRole.DEFENDANT,
        "evidence_notice.typ",
        "evidence_notice.docx",
    )
)
SUMMONS = register(Kind("summons", "传票", RecipientRole.DEFENDANT, "summons.typ", "summons.docx"))
COMPLAINT_COPY = register(
    Kind(
        "complaint_copy",
        "民事起诉状（副本）",
        RecipientRole.DEFENDANT,
        "complaint_copy.typ",
        "complaint_copy.docx",
    )
)
ADDRESS_CONFIRMATION = register(
    Kind(
        "address_confirmation",
        "送达地址确认书",
        RecipientRole.DEFENDANT,
        "address_confirmation.typ",
        "address_confirmation.docx",
    )
)
# Used by mediation: the signed agreement (人民调解法 Art. 29).
MEDIATION_AGREEMENT = register(
    Kind("mediation_agreement", "调解协议书", RecipientRole.PARTIES, "mediation_agreement.typ", "")
)
# Mediation outcomes, each an enforceable title or the application built on one:
# 民事裁定书 confirming an agreement (民诉法 Arts. 205-206), 支付令 (Arts. 225-227), the
# notary's 公证书 and 执行证书 (Art. 249), and the creditor's 强制执行申请书 (Arts. 247, 249).
CONFIRMATION_RULING = register(
    Kind("confirmation_ruling", "民事裁定书", RecipientRole.PARTIES, "confirmation_ruling.typ", "")
)
PAYMENT_ORDER = register(
    Kind("payment_order", "支付令", RecipientRole.DEFENDANT, "payment_order.typ", "")
)
NOTARIAL_CERTIFICATE = register(
    Kind("notarial_certificate", "公证书", RecipientRole.PARTIES, "notarial_certificate.typ", "")
)
EXECUTION_CERTIFICATE = register(
    Kind(
        "execution_certificate", "执行证书", RecipientRole.CLAIMANT, "execution_certificate.typ", ""
    )
)
ENFORCEMENT_APPLICATION = register(
    Kind(
        "enforcement_application",
        "强制执行申请书",
        RecipientRole.COURT,
        "enforcement_application.typ",
        "",
    )
)
# Service (送达): the fee notice for the difference when a case converts to ordinary procedure
# (诉讼费用交纳办法 Arts. 15, 22), and the proofs of service (民诉法 Arts. 87, 90; 在线诉讼规则
# Art. 33): 送达回证 for post and public notice, 电子送达凭证 for the electronic channels.
SUPPLEMENTARY_FEE_NOTICE = register(
    Kind(
        "supplementary_fee_notice",
        "补交诉讼费用通知书",
        RecipientRole.CLAIMANT,
        "supplementary_fee_notice.typ",
        "",
    )
)
SERVICE_PROOF = register(
    Kind("service_proof", "送达回证", RecipientRole.COURT, "service_proof.typ", "")
)
E_SERVICE_PROOF = register(
    Kind("e_service_proof", "电子送达凭证", RecipientRole.COURT, "e_service_proof.typ", "")
)
PUBLIC_NOTICE = register(
    Kind("public_notice", "公告", RecipientRole.DEFENDANT, "public_notice.typ", "")
)
SERVICE_RECEIPT_SCAN = register(
    Kind("service_receipt_scan", "送达回证（扫描件）", RecipientRole.COURT, "", "")
)
# Any titled text document (a court's ad-hoc notices); context: title, paragraphs.
GENERIC = register(Kind("generic", "通知书", "", "generic.typ", ""))
# The element-style 民事判决书 (民诉法 Arts. 152, 155; legal-rules §7b): one sealed PDF per
# judgment, a copy of it per recipient for service, and the judge's Word copy.
JUDGMENT = register(
    Kind("judgment", "民事判决书", RecipientRole.PARTIES, "judgment.typ", "judgment.docx")
)

# The claimant (a bank) gave its address for service with the complaint; the confirmation
# form goes to each defendant. The first kind of each set is the packet's cover: it lists the
# SHA-256 of the others and carries the court's signature for the whole packet.
FILING_SET_CLAIMANT = (ACCEPTANCE_NOTICE, FEE_NOTICE)
FILING_SET_DEFENDANT = (
    NOTICE_TO_RESPOND,
    EVIDENCE_NOTICE,
    SUMMONS,
    COMPLAINT_COPY,
    ADDRESS_CONFIRMATION,
)


def template_dirs() -> list[Path]:
    """Administrator's directory first (if configured), then the shipped templates."""
    custom = getattr(settings, "JIEFEN_DOCUMENT_TEMPLATES", "") or os.environ.get(
        "JIEFEN_DOCUMENT_TEMPLATES", ""
    )
    dirs = [Path(custom)] if custom else []
    return [*dirs, OFFICIAL_DIR]


def find_template(name: str) -> Path:
    for directory in template_dirs():
        candidate = directory / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"文书模板 {name} 不存在（查找目录：{template_dirs()}）")


# Hearings (H3): the signed hearing transcript kept in the file (民诉法 Art. 150).
TRANSCRIPT = register(Kind("transcript", "庭审笔录", RecipientRole.COURT, "transcript.typ", ""))

# Decisions other than judgments (J2): the 民事调解书 of in-court mediation (民诉法 Art. 100)
# and the 民事裁定书 allowing withdrawal (Art. 148), one copy per party.
MEDIATION_DOCUMENT = register(
    Kind("mediation_document", "民事调解书", RecipientRole.PARTIES, "mediation_document.typ", "")
)
WITHDRAWAL_RULING = register(
    Kind("withdrawal_ruling", "民事裁定书", RecipientRole.PARTIES, "withdrawal_ruling.typ", "")
)

# Answers (H2): the defendant's element-style answer (民事答辩状（要素式）, 民诉法 Art. 128),
# rendered from what they entered, unsigned by the court (the party's own document); and the
# evidence files a party uploads with it (stored as uploaded, never rendered).
ANSWER = register(Kind("answer", "民事答辩状（要素式）", RecipientRole.COURT, "answer.typ", ""))
ANSWER_EVIDENCE = register(Kind("answer_evidence", "答辩证据", RecipientRole.COURT, "", ""))
