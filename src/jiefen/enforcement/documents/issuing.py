"""Issuing in bulk (idempotent per occasion), receipts, the creditor's statement and the
enforcement application."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Model
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Case
from jiefen.documents.actions import DocumentAlreadyIssued, issue_document
from jiefen.documents.context import date_in_words, figures, words
from jiefen.documents.kinds import ENFORCEMENT_APPLICATION
from jiefen.documents.models import StoredDocument
from jiefen.enforcement.documents.common import (
    CHUNK,
    CPL,
    DELAY,
    FEES,
    CaseFacts,
    Recovered,
    case_phrase,
    chain_receipts,
    continuing_phrase,
    debt_items,
    debt_text,
    debt_total,
    delay_sentence,
    load,
    party_rows,
    title_chain,
    title_phrase,
    yuan,
    zh_day,
)
from jiefen.enforcement.documents.measures import (
    DocumentSpec,
    lift_doc,
    measure_doc,
)
from jiefen.enforcement.models import (
    Application,
    Enforcement,
    Measure,
    MeasureKind,
    Receipt,
    ReceiptSource,
    TitleKind,
)
from jiefen.law.judgment_text import cn_number
from jiefen.law.money import ZERO

# ---------------------------------------------------------------------------------------------
# Issuing set-wise
# ---------------------------------------------------------------------------------------------


def _existing(
    case_ids: set[int], occasions: set[str]
) -> dict[tuple[int, str, str], StoredDocument]:
    rows = StoredDocument.objects.filter(case_id__in=case_ids, issued_for__in=occasions)
    return {(d.case_id or 0, d.kind, d.issued_for): d for d in rows}


def _issue(pairs: list[tuple[Model, Case, DocumentSpec]], field_name: str, by: User | None) -> int:
    """Issue each (row, case, doc) not yet stored, link every row, return how many were new."""
    if not pairs:
        return 0
    stored = _existing({c.pk for _, c, _ in pairs}, {d.occasion for _, _, d in pairs})
    made = 0
    linked: list[Model] = []
    for row, case, doc in pairs:
        found = stored.get((case.pk, doc.kind, doc.occasion))
        if found is None:
            try:
                found = issue_document(
                    case,
                    doc.kind,
                    recipient=doc.recipient,
                    context=doc.context,
                    by=by,
                    issued_on=doc.on,
                    issued_for=doc.occasion,
                )
                made += 1
            except DocumentAlreadyIssued:  # a concurrent run stored it between our look and now
                found = StoredDocument.objects.get(
                    case=case, kind=doc.kind, issued_for=doc.occasion
                )
        setattr(row, field_name, found)
        linked.append(row)
    type(linked[0])._default_manager.bulk_update(linked, [field_name], batch_size=500)
    return made


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def issue_measure_documents(measure_ids: list[int], *, by: User | None) -> int:
    """Render, seal and link the document of each measure that has none (执行通知书, 报告财产令,
    rulings, 限制消费令, 失信决定书, 终本裁定, 结案通知书). Idempotent; returns how many were
    issued now. A settlement has no court document and is left as it is."""
    made = 0
    for chunk in _chunks(measure_ids):
        todo = list(Measure.objects.filter(pk__in=chunk, document__isnull=True).order_by("pk"))
        facts = load(m.enforcement_id for m in todo)
        pairs = []
        for m in todo:
            x = facts[m.enforcement_id]
            m = next(n for n in x.measures if n.pk == m.pk)  # the copy with party and asset
            doc = measure_doc(m, x)
            if doc is not None:
                pairs.append((m, x.case, doc))
        made += _issue(pairs, "document", by)  # type: ignore[arg-type]
    return made


def issue_lift_documents(measure_ids: list[int], *, by: User | None) -> int:
    """The lifting document of each lifted measure without one: 执行裁定书 (解除冻结/查封), 解除
    限制消费令, 决定书 (删除失信信息). Idempotent; returns how many were issued now."""
    made = 0
    for chunk in _chunks(measure_ids):
        todo = list(
            Measure.objects.filter(
                pk__in=chunk, lift_document__isnull=True, lifted_on__isnull=False
            ).order_by("pk")
        )
        facts = load(m.enforcement_id for m in todo)
        pairs = []
        for m in todo:
            x = facts[m.enforcement_id]
            m = next(n for n in x.measures if n.pk == m.pk)
            doc = lift_doc(m, x)
            if doc is not None:
                pairs.append((m, x.case, doc))
        made += _issue(pairs, "lift_document", by)  # type: ignore[arg-type]
    return made


# ---------------------------------------------------------------------------------------------
# 执行款收据
# ---------------------------------------------------------------------------------------------


def _creditor_reported(r: Receipt) -> bool:
    """Money the debtor paid the creditor directly, reported by the creditor's agent: it never
    reached the court's account (see actions.money._held)."""
    return r.created_by is not None and r.created_by.role == Role.BANK_AGENT


def receipt_number(r: Receipt, court_code: str) -> str:
    return f"{court_code}执款{r.received_on:%Y}{r.pk:07d}"


def _receipt_doc(r: Receipt, x: CaseFacts, payer: str) -> DocumentSpec:
    court = x.case.court
    on = timezone.localdate(r.created_at) if r.created_at else r.received_on
    on = max(on, r.received_on)
    rows = [
        ["执行案号", x.e.number],
        ["交款人", payer],
        ["收款单位", f"{court.name}（执行款专户）"],
        ["款项来源", r.get_source_display()],
        ["到账日期", zh_day(r.received_on)],
        ["银行流水号", r.reference],
        ["金额（小写）", yuan(r.amount)],
        ["金额（大写）", words(r.amount)],
    ]
    split = Recovered()
    split.add(r)
    distribution = [[label, figures(v)] for label, v in split.lines()]
    distribution.append(["合计", figures(r.amount)])
    note = (
        f"执行款先扣除由被执行人负担的申请执行费（{FEES}第二十条、第三十八条），再依次清偿实现债权的"
        f"费用、利息、主债务（《中华人民共和国民法典》第五百六十一条），最后清偿迟延履行期间的加倍"
        f"部分债务利息（{DELAY}第四条）；多余部分退还被执行人。"
    )
    if _creditor_reported(r):
        note += (
            "本款项系被执行人直接向申请执行人支付、经申请执行人报告后登记，未进入本院执行款专户。"
        )
    context = {
        "heading": "执行款收据",
        "title": "执行款收据",
        "case_number": f"收据编号：{receipt_number(r, court.court_code or court.code)}",
        "rows": rows,
        "distribution": distribution,
        "note": note,
        "officer": x.officer,
        "seal_label": "财务专用章",
        "issued_on_words": date_in_words(on),
    }
    return DocumentSpec("enf_receipt", payer, context, on, f"receipt:{r.pk}")


def _payer(r: Receipt, x: CaseFacts) -> str:
    if r.source == ReceiptSource.DEDUCTION:
        for m in x.of(MeasureKind.DEDUCT):
            if m.registry_reference == r.reference and m.party is not None:
                return f"被执行人{m.party.name}（本院扣划）"
        return f"被执行人{x.names()}（本院扣划）"
    suffix = "（执行和解款）" if r.source == ReceiptSource.SETTLEMENT else ""
    return f"被执行人{x.names()}{suffix}"


def issue_receipt_documents(receipt_ids: list[int], *, by: User | None) -> int:
    """The 执行款收据 of each receipt without one. Idempotent; returns how many were issued now."""
    made = 0
    for chunk in _chunks(receipt_ids):
        todo = list(
            Receipt.objects.filter(pk__in=chunk, document__isnull=True)
            .select_related("created_by")
            .order_by("pk")
        )
        facts = load(r.enforcement_id for r in todo)
        pairs = []
        for r in todo:
            x = facts[r.enforcement_id]
            pairs.append((r, x.case, _receipt_doc(r, x, _payer(r, x))))
        made += _issue(pairs, "document", by)  # type: ignore[arg-type]
    return made


# ---------------------------------------------------------------------------------------------
# 执行款明细 (creditor statement)
# ---------------------------------------------------------------------------------------------


def creditor_statement(enforcement: Enforcement, *, by: User | None, on: date) -> StoredDocument:
    """执行款明细 for the creditor at `on`: the title's debt, every receipt of the title (the 执
    and 执恢 cases) with its distribution, the pay-outs, and what is still owed at `on` (the
    continuing and doubled-part interest accrued to that day, `actions.money.ledger`). The same
    figures on the same day give the same document (issued once); new money gives a new one."""
    from jiefen.enforcement.actions.money import ledger

    x = load([enforcement.pk])[enforcement.pk]
    e = x.e
    chain = title_chain(e)
    receipts = chain_receipts(chain)
    as_of = max([on, *(r.received_on for r in receipts)])
    dist = ledger(e, as_of=as_of)
    from jiefen.enforcement.models import Disbursement

    payouts = list(
        Disbursement.objects.filter(enforcement_id__in=[c.pk for c in chain]).order_by(
            "paid_on", "pk"
        )
    )
    total = Recovered()
    rows = []
    for i, r in enumerate(receipts, start=1):
        total.add(r)
        rows.append(
            [
                str(i),
                r.received_on.isoformat(),
                r.reference,
                r.get_source_display(),
                *(
                    figures(v)
                    for v in (
                        r.amount,
                        r.to_execution_fee,
                        r.to_costs,
                        r.to_interest,
                        r.to_principal,
                        r.to_other,
                        r.to_delay_interest,
                        r.surplus,
                    )
                ),
            ]
        )
    sums = [total.amount, total.fee, total.costs, total.interest, total.principal, total.other]
    totals = ["合计", "", "", "", *(figures(v) for v in (*sums, total.delay, total.surplus))]
    direct = sum(
        (r.amount - r.to_execution_fee - r.surplus for r in receipts if _creditor_reported(r)),
        ZERO,
    )
    to_creditor = total.costs + total.interest + total.principal + total.other + total.delay
    paid = sum((d.amount for d in payouts), ZERO)
    held = max(to_creditor - direct - paid, ZERO)
    owed = dist.outstanding_debt + dist.outstanding_delay_interest + dist.outstanding_execution_fee
    summary = [
        [
            ["执行到位合计", figures(total.amount)],
            ["其中：申请执行费", figures(total.fee)],
            ["应付申请执行人（债务及迟延履行利息）", figures(to_creditor)],
            ["退还被执行人", figures(total.surplus)],
            ["申请执行人直接收取（自行报告）", figures(direct)],
            ["已发还申请执行人", figures(paid)],
            ["本院暂存待发还", figures(held)],
        ],
        [
            ["尚欠金钱债务（含已计一般债务利息）", figures(dist.outstanding_debt)],
            ["尚欠迟延履行期间的加倍部分债务利息", figures(dist.outstanding_delay_interest)],
            ["尚欠申请执行费", figures(dist.outstanding_execution_fee)],
            ["尚欠合计", figures(owed)],
        ],
    ]
    debt = [[label, figures(v)] for label, v in debt_items(x)]
    debt.append(["金钱债务合计", figures(debt_total(e))])
    if continuing_phrase(e):
        debt.append(["继续计付的一般债务利息", "计算至实际清偿之日"])
    debt.append(["申请执行费（由被执行人负担）", figures(e.execution_fee)])
    notes = [
        f"1. 执行依据：{title_phrase(x)}；迟延履行期间的加倍部分债务利息自{zh_day(e.delay_from)}次日起按日"
        "万分之一点七五计算，每笔执行款到账之日其清偿部分停止计算。",
        f"2. 分配顺序：申请执行费 → 实现债权的费用 → 一般债务利息 → 本金 → 其他金钱债务 → 迟延履行"
        f"期间的加倍部分债务利息（{FEES}第三十八条，《中华人民共和国民法典》第五百六十一条，{DELAY}"
        "第四条）。",
        f"3. 尚欠金额计算至{zh_day(as_of)}；此后继续计算的利息以实际履行之日为准。",
    ]
    parties = [
        {"role": "申请执行人", "text": x.applicant},
        {"role": "被执行人", "text": x.names()},
        {"role": "执行依据", "text": title_phrase(x).removeprefix("本院")},
    ]
    if len(chain) > 1:
        parties.append({"role": "执行案号", "text": "、".join(c.number for c in chain)})
    context: dict[str, Any] = {
        "heading": "执行款明细",
        "title": "执行款明细",
        "case_number": e.number,
        "parties": parties,
        "intro": f"{case_phrase(x)}，截至{zh_day(as_of)}的执行款到账、分配及发还情况如下：",
        "as_of": zh_day(as_of),
        "debt": debt,
        "receipts": rows,
        "receipts_total": totals,
        "disbursements": [[d.paid_on.isoformat(), figures(d.amount)] for d in payouts],
        "summary": summary,
        "notes": notes,
        "issued_on_words": date_in_words(on),
    }
    digest = hashlib.sha256(repr((rows, totals, summary, context["disbursements"])).encode())
    occasion = f"statement:{e.pk}:{on:%Y%m%d}:{digest.hexdigest()[:12]}"
    found = StoredDocument.objects.filter(
        case=x.case, kind="enf_statement", issued_for=occasion
    ).first()
    if found is not None:
        return found
    try:
        return issue_document(
            x.case,
            "enf_statement",
            recipient=x.applicant,
            context=context,
            by=by,
            issued_on=on,
            issued_for=occasion,
        )
    except DocumentAlreadyIssued:
        return StoredDocument.objects.get(case=x.case, kind="enf_statement", issued_for=occasion)


# ---------------------------------------------------------------------------------------------
# 强制执行申请书 (the creditor's application, unsigned: the applicant seals it)
# ---------------------------------------------------------------------------------------------


def _application_parts(application: Application) -> tuple[CaseFacts, Any]:
    """A stand-in enforcement built from the title (the application may not be filed yet)."""
    from jiefen.enforcement.rules import TitleMissing, execution_fee_for, title_debt

    case = (
        Case.objects.select_related("institution", "court", "notary_office")
        .prefetch_related("case_parties__party")
        .get(pk=application.case_id)
    )
    try:
        title = title_debt(case)
    except TitleMissing:
        title = None
    debt = title.debt if title is not None else None
    stand_in = Enforcement(
        case=case,
        number="",
        title_kind=application.title_kind,
        title_reference=application.title_reference,
        filed_on=application.prepared_on,
        delay_from=application.performance_ends,
        costs=debt.costs if debt else ZERO,
        interest=debt.interest if debt else ZERO,
        principal=debt.principal if debt else application.amount,
        other=debt.other if debt else ZERO,
        applied_total=application.amount,
    )
    if title is not None and title.general_interest is not None:
        stand_in.continuing_percent = title.general_interest.annual_percent
        stand_in.continuing_from = title.general_interest.start
    stand_in.execution_fee = execution_fee_for(
        case.court, application.amount, application.prepared_on
    )
    links = list(case.case_parties.all())
    x = CaseFacts(stand_in, links=links)
    from jiefen.judgments.models import Judgment

    judgment = Judgment.objects.filter(case=case).first()
    x.computation = dict(judgment.computation or {}) if judgment else None
    debtors = title.debtors if title is not None else [cp.party for cp in case.defendants]
    return x, debtors


def application_document(application: Application, *, by: User | None) -> StoredDocument:
    """强制执行申请书 of a prepared application (民诉法 Arts. 247, 250, 264; 办法 Art. 38),
    on the mediation stage's `enforcement_application` template; linked to the application."""
    occasion = f"application:{application.pk}"
    found = StoredDocument.objects.filter(
        case_id=application.case_id, kind=ENFORCEMENT_APPLICATION.code, issued_for=occasion
    ).first()
    if found is None:
        found = _render_application(application, by=by, occasion=occasion)
    Application.objects.filter(pk=application.pk, document__isnull=True).update(document=found)
    application.document = found
    return found


def _render_application(
    application: Application, *, by: User | None, occasion: str
) -> StoredDocument:
    x, debtors = _application_parts(application)
    e, case = x.e, x.case
    names = "、".join(p.name for p in debtors)
    joint = [p.name for p in debtors if p.pk in x.guarantors]
    ref = application.title_reference
    asks = [
        f"请求依法强制执行被申请人{names}向申请人{x.applicant}支付{ref}确定的款项{debt_text(x)}"
        + (f"，并支付{continuing_phrase(e)}" if continuing_phrase(e) else ""),
        f"请求被申请人{delay_sentence(e)}（{CPL}第二百六十四条）",
    ]
    if joint and len(debtors) > 1:
        asks.append(f"请求被申请人{'、'.join(joint)}按照{ref}确定的范围对上述债务承担连带清偿责任")
    asks.append(
        f"本案申请执行费（按申请执行标的计算为{yuan(e.execution_fee)}）由被申请人负担"
        f"（{FEES}第三十八条）"
    )
    requests = [
        f"{cn_number(i)}、{a}{'。' if i == len(asks) else '；'}" for i, a in enumerate(asks, 1)
    ]
    reasons = [
        f"申请人与被申请人{names}{case.get_case_type_display()}一案，{title_phrase(x)}已经发生法律效力，"
        f"确定被申请人应向申请人支付上述款项，履行期限已于{zh_day(application.performance_ends)}届满。"
        "被申请人至今未履行生效法律文书确定的义务。",
        f"依照{CPL}第二百四十七条、第二百五十条规定，申请人在申请执行期间（至"
        f"{zh_day(application.application_deadline)}届满）内向贵院申请强制执行，请依法执行。",
    ]
    rows = [[label, f"{figures(v)}元"] for label, v in debt_items(x)]
    rows.append(["申请执行标的", f"{figures(application.amount)}元"])
    rows.append(["申请执行费（按标的计算）", f"{figures(e.execution_fee)}元"])
    parties = [
        {
            "role": r["role"].replace("申请执行人", "申请人").replace("被执行人", "被申请人"),
            "name": r["text"].rstrip("。"),
            "detail": "",
        }
        for r in party_rows(x, debtors)
    ]
    kind_label = TitleKind(application.title_kind).label
    context: dict[str, Any] = {
        "case_number": "",
        "parties": parties,
        "title": ref,
        "requests": requests,
        "reasons": reasons,
        "rows": rows,
        "applicant_name": x.applicant,
        "attachments": [
            f"{ref}及生效证明" if ref.endswith(kind_label) else f"{ref}（{kind_label}）及生效证明",
            "申请人营业执照、负责人身份证明及授权委托书",
            "被申请人身份信息及财产线索",
        ],
        "issued_on_words": zh_day(application.prepared_on),
    }
    try:
        return issue_document(
            case,
            ENFORCEMENT_APPLICATION.code,
            recipient=case.court.name,
            context=context,
            by=by,
            sign=False,
            issued_on=application.prepared_on,
            issued_for=occasion,
        )
    except DocumentAlreadyIssued:
        return StoredDocument.objects.get(
            case=case, kind=ENFORCEMENT_APPLICATION.code, issued_for=occasion
        )
