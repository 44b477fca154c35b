"""Part 三 (典型案例): 3-5 cases chosen from the period's data by stated rules, anonymised.

Only first-instance judgments (民事判决书) are candidates: mediated cases, mediation documents
and rulings confirming a mediation agreement are never published (法释〔2016〕19号 Art. 4), so a
case whose mediation was agreed, confirmed, notarised or turned into a payment order, or whose
decision is not a judgment, is never chosen. Every natural person appears as a pseudonym (张某,
Art. 10 and legal-rules §6); no ID, phone, address or card number is written; and each text is
run through `anonymise` with the parties' names as a second safeguard. Institutions keep their
names. The rules, in order (one case each, a case is used once):

1. cap — a judgment pronounced in the period whose amounts the interest cap reduced: the one
   with the largest reduction (claimed − awarded);
2. default — a default judgment (缺席判决) pronounced in the period whose filing papers were
   served electronically: the earliest;
3. enforcement — an enforcement of a judgment resumed in the period after 终结本次执行程序,
   else one whose debtor was put on the dishonest-debtor list in the period: the earliest;
4. guarantee — a judgment pronounced in the period against a borrower and a guarantor: the one
   with the largest claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet

from jiefen.cases.elements import GUARANTEE_KINDS
from jiefen.cases.models import Case, CaseType, PartyKind, PartyRole
from jiefen.enforcement.models import Enforcement, Measure, MeasureKind, TitleKind
from jiefen.judgments.models import DecisionKind
from jiefen.law.anonymisation import anonymise
from jiefen.law.judgment import CITATIONS
from jiefen.mediation.models import Outcome
from jiefen.service.models import Channel, ServiceAttempt
from jiefen.stats.periods import Period
from jiefen.stats.white_paper.fmt import day_zh, yuan

ELECTRONIC = (Channel.SMS, Channel.EMAIL, Channel.PORTAL)
MEDIATED = (Outcome.AGREED, Outcome.CONFIRMED, Outcome.NOTARIZED, Outcome.PAYMENT_ORDER)
LIABILITY = {"joint": "连带清偿责任", "general": "经强制执行后仍不能履行部分的清偿责任"}
RULES = {
    "cap": "本期宣判、因利息等合计超过法定上限而调减金额的判决中，调减金额最大的一件",
    "default": "本期宣判、起诉材料经电子送达后缺席判决的案件中，宣判最早的一件",
    "enforcement": "本期终结本次执行程序后恢复执行的案件，无则为本期纳入失信被执行人名单的案件，"
    "取最早的一件",
    "guarantee": "本期宣判、判决保证人承担保证责任的案件中，标的额最大的一件",
    "other": "以上规则选出的案例不足三件时，补充本期宣判的其他判决中标的额最大的一件",
}


@dataclass
class Names:
    """The case's parties as the draft names them; `persons` (natural persons) are pseudonymised
    by `anonymise` afterwards, `organisations` kept as they are."""

    defendant: str
    guarantors: list[str]
    persons: list[str]
    organisations: list[str]


def candidates(scope: QuerySet[Case]) -> QuerySet[Case]:
    """Cases that may be published: judged by a 民事判决书, never mediated."""
    return (
        scope.filter(judgment__kind=DecisionKind.JUDGMENT)
        .exclude(mediation__outcome__in=MEDIATED)
        .select_related("institution", "court", "judgment")
    )


def _pronounced(scope: QuerySet[Case], period: Period) -> QuerySet[Case]:
    return candidates(scope).filter(
        judgment__pronounced_on__gte=period.start, judgment__pronounced_on__lt=period.end
    )


def _names(case: Case) -> Names:
    links = list(case.case_parties.select_related("party"))
    people = [cp.party for cp in links]
    return Names(
        defendant="、".join(cp.party.name for cp in links if cp.role == PartyRole.DEFENDANT),
        guarantors=[cp.party.name for cp in links if cp.role == PartyRole.GUARANTOR],
        persons=[p.name for p in people if p.kind == PartyKind.NATURAL_PERSON],
        organisations=[case.institution.name, case.court.name]
        + [p.name for p in people if p.kind != PartyKind.NATURAL_PERSON],
    )


def _facts(case: Case, names: Names) -> str:
    """基本案情 from the case's elements and claimed amounts (no number that identifies anyone)."""
    el = case.elements or {}
    contract = el.get("contract") or {}
    signed = contract.get("signed_on")
    when = f"{day_zh(_date(signed))}，" if signed else ""
    if case.case_type == CaseType.CREDIT_CARD:
        card = el.get("card") or {}
        limit = card.get("credit_limit")
        text = f"{when}被告{names.defendant}向原告{case.institution.name}申领信用卡"
        text += f"，授信额度{yuan(limit)}元。" if limit else "。"
    else:
        # The element may carry its own book-title marks (《汽车消费贷款合同》): print them once.
        title = (contract.get("name") or f"{case.product}合同").strip("《》")
        text = f"{when}原告{case.institution.name}与被告{names.defendant}签订《{title}》"
        agreed = (el.get("loan_amount") or {}).get("agreed")
        rate = (el.get("rates") or {}).get("annual_rate_percent")
        terms = [f"借款{yuan(agreed)}元" if agreed else "", f"年利率{rate}%" if rate else ""]
        terms = [t for t in terms if t]
        text += ("，约定" + "、".join(terms) + "。") if terms else "。"
    for g, kind in zip(names.guarantors, _guarantee_kinds(case), strict=False):
        text += f"{g}为该笔债务提供{GUARANTEE_KINDS.get(kind, '保证')}。"
    overdue = el.get("overdue_since")
    text += f"被告自{day_zh(_date(overdue))}起未按约还款，" if overdue else "被告未按约还款，"
    parts = [
        (label, getattr(case, field))
        for field, label in (
            ("principal", "本金"),
            ("interest", "利息"),
            ("penalty_interest", "罚息"),
            ("compound_interest", "复利"),
            ("fees", "手续费等费用"),
            ("liquidated_damages", "违约金"),
            ("lawyer_fees", "律师费"),
        )
        if getattr(case, field)
    ]
    claimed = "、".join(f"{label}{yuan(v)}元" for label, v in parts)
    text += f"原告遂诉至本院，请求判令被告偿还{claimed}，合计{yuan(case.claim_total)}元。"
    return text


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _guarantee_kinds(case: Case) -> list[str]:
    return [g.get("kind", "") for g in (case.elements or {}).get("guarantees") or []]


def _awarded(case: Case) -> str:
    return yuan(case.judgment.awarded_total or Decimal("0"))


def _cap_case(case: Case, names: Names) -> dict[str, str]:
    cap = (case.judgment.computation or {}).get("cap") or {}
    percent = cap.get("annual_percent")
    limit = f"年利率{percent}%" if percent is not None else "法定上限"
    result = (
        f"本院经审理认为，原告主张的利息、罚息、复利及各项费用合计超过{limit}，"
        f"超过部分不予支持。判决被告{names.defendant}偿还原告{_awarded(case)}元，"
        f"较诉请调减{yuan(case.claim_total - (case.judgment.awarded_total or 0))}元。"
    )
    meaning = (
        f"依据{CITATIONS.get(case.case_type, CITATIONS['financial_loan'])}，金融机构以利息、复利、"
        "罚息、违约金和其他费用等名义主张的总计超过上限的部分，人民法院不予支持。本案提示金融机构"
        "合规定价、规范收费，不得变相抬高融资成本。"
    )
    return {
        "title": "利息等合计超过法定上限部分不予支持",
        "result": result,
        "significance": meaning,
    }


def _default_case(case: Case, names: Names) -> dict[str, str]:
    served = (
        ServiceAttempt.objects.filter(service__case=case, channel__in=ELECTRONIC, effective=True)
        .order_by("served_on", "id")
        .first()
    )
    how = served.get_channel_display() if served else "电子方式"
    result = (
        f"本院通过{how}向被告{names.defendant}在合同中约定的送达地址送达起诉材料及传票，"
        f"被告经传票传唤无正当理由拒不到庭，本院依法缺席审理，判决被告偿还原告{_awarded(case)}元。"
    )
    meaning = (
        "当事人在合同中约定电子送达地址的，人民法院可向该地址电子送达，送达信息到达受送达人特定"
        "系统即为送达（《中华人民共和国民事诉讼法》第九十条、《人民法院在线诉讼规则》第二十九条至"
        "第三十一条）；被告经传票传唤无正当理由拒不到庭的，可以缺席判决（民事诉讼法第一百四十七条）。"
        "本案提示借款人如实填写、及时更新联系方式，积极应诉以维护自身权益。"
    )
    return {"title": "电子送达后依法缺席判决", "result": result, "significance": meaning}


def _enforcement_case(case: Case, names: Names, enf: Enforcement, resumed: bool) -> dict[str, str]:
    result = f"判决被告{names.defendant}偿还原告{_awarded(case)}元。判决生效后被告未履行，"
    if resumed:
        result += (
            "原告申请强制执行。本院经网络查控未发现可供执行的财产，依法裁定终结本次执行程序，"
            "并每六个月复查一次被执行人财产；复查发现财产后，本院于"
            f"{day_zh(enf.filed_on)}恢复执行，执行到位{yuan(enf.received)}元。"
        )
        title = "终结本次执行程序后恢复执行"
        meaning = (
            "终结本次执行程序不是执行的终点。依据最高人民法院关于严格规范终结本次执行程序的规定，"
            "终本后五年内法院定期复查被执行人财产，发现财产即恢复执行，且不另收执行费。"
        )
    else:
        result += (
            "原告申请强制执行。被执行人有履行能力而拒不履行，本院依法将其纳入失信被执行人名单，"
            f"执行到位{yuan(enf.received)}元。"
        )
        title = "拒不履行被纳入失信被执行人名单"
        meaning = (
            "依据最高人民法院关于公布失信被执行人名单信息的若干规定，有履行能力而拒不履行生效"
            "法律文书确定义务的被执行人，应纳入失信名单并实施信用惩戒，履行完毕后依法删除。"
        )
    return {"title": title, "result": result, "significance": meaning}


def _guarantee_case(case: Case, names: Names) -> dict[str, str]:
    comp = (case.judgment.computation or {}).get("guarantors") or []
    orders = []
    for shown, g in zip(names.guarantors, comp, strict=False):
        orders.append(f"保证人{shown}承担{LIABILITY.get(g.get('liability'), '保证责任')}")
    if not orders:
        orders = [f"保证人{g}承担保证责任" for g in names.guarantors]
    result = (
        f"判决被告{names.defendant}偿还原告{_awarded(case)}元，"
        + "，".join(orders)
        + "；保证人承担保证责任后，有权向被告追偿。"
    )
    meaning = (
        "保证方式没有约定或者约定不明确的，按照一般保证承担保证责任（《中华人民共和国民法典》"
        "第六百八十六条）；一般保证人在主债务经强制执行仍不能履行前可以拒绝承担责任（第六百八十七"
        "条），连带责任保证人则与债务人共同承担责任（第六百八十八条）。本案提示金融机构在保证合同中"
        "明确保证方式、范围和期间，并在保证期间内及时主张权利。"
    )
    return {"title": "保证人依约承担保证责任", "result": result, "significance": meaning}


def _other_case(case: Case, names: Names) -> dict[str, str]:
    result = f"判决被告{names.defendant}偿还原告{_awarded(case)}元。"
    meaning = (
        "借款人应当按照约定的期限返还借款并支付利息（《中华人民共和国民法典》第六百七十四条、"
        "第六百七十五条）；未按约还款的，金融机构可依约宣布借款提前到期并主张逾期利息。本案提示"
        "借款人理性借贷、按期还款，金融机构审慎授信、依法催收。"
    )
    return {"title": "借款人未按约还款依法承担还款责任", "result": result, "significance": meaning}


def _write(
    case: Case, rule: str, body: Callable[..., dict[str, str]], *extra: Any
) -> dict[str, str]:
    names = _names(case)
    made = body(case, names, *extra)
    made["facts"] = _facts(case, names)
    made["rule"] = RULES[rule]
    for key in ("title", "facts", "result", "significance"):
        made[key] = anonymise(made[key], names.persons, names.organisations).text
    return made


def _cap_pick(judged: QuerySet[Case]) -> Case | None:
    reduction = ExpressionWrapper(
        F("claim_total") - F("judgment__awarded_total"), output_field=DecimalField()
    )
    return (
        judged.filter(judgment__reduced_for_cap=True)
        .annotate(reduction=reduction)
        .order_by("-reduction", "pk")
        .first()
    )


def _default_pick(judged: QuerySet[Case]) -> Case | None:
    e_served = ServiceAttempt.objects.filter(channel__in=ELECTRONIC, effective=True)
    return (
        judged.filter(judgment__default=True, pk__in=e_served.values("service__case"))
        .order_by("judgment__pronounced_on", "pk")
        .first()
    )


def _enforcement_pick(
    scope: QuerySet[Case], period: Period, used: set[int]
) -> tuple[Enforcement, bool] | None:
    """The resumed enforcement of the period, else one with a dishonest listing in it."""
    enforced = Enforcement.objects.filter(
        case__in=candidates(scope), title_kind=TitleKind.JUDGMENT
    ).exclude(case__in=used)
    in_period = {"filed_on__gte": period.start, "filed_on__lt": period.end}
    resumed = enforced.filter(resumed_from__isnull=False, **in_period)
    if (enf := resumed.order_by("filed_on", "pk").first()) is not None:
        return enf, True
    measures = Measure.objects.filter(
        kind=MeasureKind.DISHONEST_LISTING, starts_on__gte=period.start, starts_on__lt=period.end
    )
    listed = enforced.filter(pk__in=measures.values("enforcement"))
    if (enf := listed.order_by("filed_on", "pk").first()) is not None:
        return enf, False
    return None


def typical_cases(scope: QuerySet[Case], period: Period) -> list[dict[str, str]]:
    """The chosen cases, each {title, rule, facts, result, significance}, in rule order."""
    chosen: list[dict[str, str]] = []
    used: set[int] = set()
    judged = _pronounced(scope, period)

    if (cap := _cap_pick(judged)) is not None:
        chosen.append(_write(cap, "cap", _cap_case))
        used.add(cap.pk)
    if (default := _default_pick(judged.exclude(pk__in=used))) is not None:
        chosen.append(_write(default, "default", _default_case))
        used.add(default.pk)
    if (picked := _enforcement_pick(scope, period, used)) is not None:
        enf, resumed = picked
        target = candidates(scope).get(pk=enf.case_id)
        chosen.append(_write(target, "enforcement", _enforcement_case, enf, resumed))
        used.add(target.pk)
    guaranteed = (
        judged.filter(case_parties__role=PartyRole.GUARANTOR)
        .exclude(pk__in=used)
        .distinct()
        .order_by("-claim_total", "pk")
        .first()
    )
    if guaranteed is not None:
        chosen.append(_write(guaranteed, "guarantee", _guarantee_case))
        used.add(guaranteed.pk)
    others = judged.exclude(pk__in=used).order_by("-claim_total", "pk")
    for other in others[: max(0, 3 - len(chosen))]:
        chosen.append(_write(other, "other", _other_case))
    return chosen
