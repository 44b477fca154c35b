"""Part 四 (风险提示): tips to financial institutions from the period's cases and warnings.

From the cases received in the period (`metric_cases("received", …)`, the same set the figures
count): claims over the interest cap (法发〔2017〕22号 Art. 2; 银行卡规定 Art. 2), possible
limitation (民法典 Art. 188, three years), borrowers without a confirmed contact (electronic
service needs one, 在线诉讼规则 Art. 29); from the judgments: the share of default judgments.
Each tip names the institution with the highest share (at least MIN_CASES cases, so one case
is never a "trend"). From the risk warnings opened in the period (`warnings_in`): kind,
subject and the warning's own summary, anonymised — a warning about a ring of borrowers or a
private lender must not publish a natural person's name (法释〔2016〕19号 Art. 8).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Q, QuerySet

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case, PartyKind
from jiefen.law.anonymisation import anonymise
from jiefen.risk.models import WarningKind
from jiefen.risk.selectors import warnings_in
from jiefen.stats.metrics import metric_cases
from jiefen.stats.periods import Period
from jiefen.stats.white_paper.fmt import pct, ratio

MIN_CASES = 5
PERSON_KINDS = (WarningKind.PROFESSIONAL_LENDER, WarningKind.CONTACT_CLUSTER)
_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")

FLAGS = (
    (
        "over_cap",
        "审慎确定利息和费用标准",
        "本期收案中，诉请的利息、罚息、复利、违约金及各项费用合计超过法定上限的{n}件，"
        "占收案总数的{share}",
        "超过上限的部分人民法院不予支持，金融机构应在合同中合规约定利率与费用，"
        "起诉前自行核减超限部分，避免无谓诉讼成本。",
    ),
    (
        "limitation_risk",
        "及时主张权利，防范诉讼时效风险",
        "本期收案中，自逾期之日起算可能已超过三年诉讼时效的{n}件，占{share}",
        "金融机构应建立逾期债权台账，定期催收并留存催收记录（《中华人民共和国民法典》"
        "第一百八十八条、第一百九十五条），避免因时效届满丧失胜诉权。",
    ),
    (
        "unreachable",
        "完善客户联系信息，确保有效送达",
        "本期收案中，借款人无经确认的联系方式、难以电子送达的{n}件，占{share}",
        "金融机构应在合同中约定电子送达地址并提示其法律后果，定期核实、更新客户联系方式，"
        "减少公告送达，缩短案件周期。",
    ),
)


def _worst(rows: list[dict[str, Any]], flag: str) -> dict[str, Any] | None:
    rows = [r for r in rows if r["total"] >= MIN_CASES and r[flag]]
    if not rows:
        return None
    return max(rows, key=lambda r: (r[flag] / r["total"], r[flag], -r["institution"]))


def case_tips(
    scope: QuerySet[Case], period: Period, figures: dict[str, Any]
) -> list[dict[str, str]]:
    """One tip per risk the period's data shows (none for a risk no case has)."""
    received = metric_cases("received", period, scope)
    counts = received.aggregate(
        total=Count("pk"), **{f: Count("pk", filter=Q(**{f: True})) for f, *_ in FLAGS}
    )
    grouped = (
        received.values("institution")
        .annotate(total=Count("pk"), **{f: Count("pk", filter=Q(**{f: True})) for f, *_ in FLAGS})
        .order_by("institution")
    )
    rows: list[dict[str, Any]] = [dict(r) for r in grouped]
    names = dict(
        Organisation.objects.filter(pk__in=[r["institution"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    tips = []
    for flag, title, found, advice in FLAGS:
        n = counts[flag]
        if not n:
            continue
        text = found.format(n=n, share=pct(ratio(n, counts["total"])))
        worst = _worst(rows, flag)
        if worst is not None:
            text += (
                f"；其中{names[worst['institution']]}{worst[flag]}件，占该机构收案的"
                f"{pct(ratio(worst[flag], worst['total']))}"
            )
        tips.append({"title": title, "text": text + "。" + advice})

    t = figures["totals"]
    if t["default_judgments"]:
        text = (
            f"本期判决{t['judgments']}件，其中缺席判决{t['default_judgments']}件，"
            f"缺席判决率{pct(t['default_judgment_rate'])}"
        )
        judged = [r for r in figures["by"].get("institution", []) if r["judgments"] >= MIN_CASES]
        if judged:
            top = max(judged, key=lambda r: (r["default_judgment_rate"] or 0, r["judgments"]))
            if top["default_judgments"]:
                text += f"；{top['label']}的缺席判决率为{pct(top['default_judgment_rate'])}"
        tips.append(
            {
                "title": "重视贷前审核与贷后管理",
                "text": text + "。缺席判决比例高，反映部分借款人失联或无力偿还，判决后往往"
                "难以执行。金融机构应加强贷前身份与还款能力审核，贷后及时跟踪、分类处置不良"
                "资产，优先通过诉前调解、分期还款化解纠纷。",
            }
        )
    return tips


def _persons(warning: Any) -> list[str]:
    names = [
        p.name
        for c in warning.cases.all()
        for cp in c.case_parties.all()
        if (p := cp.party).kind == PartyKind.NATURAL_PERSON
    ]
    lone = warning.kind in PERSON_KINDS and warning.institution_id is None
    if lone and _PERSON_NAME.match(warning.subject_name):
        names.append(warning.subject_name)
    return names


def warning_rows(period: Period, court: Organisation | None) -> list[dict[str, str]]:
    """The warnings opened in the period (those with a case at `court` when one is given)."""
    warnings = warnings_in(period).select_related("institution")
    if court is not None:
        warnings = warnings.filter(cases__court=court).distinct()
    warnings = warnings.prefetch_related("cases__case_parties__party")
    rows = []
    for w in warnings.order_by("kind", "-score", "pk"):
        persons = _persons(w)
        keep = [w.institution.name] if w.institution else []
        rows.append(
            {
                "kind": w.get_kind_display(),
                "subject": anonymise(w.subject_name, persons, keep).text,
                "summary": anonymise(w.summary, persons, keep).text,
            }
        )
    return rows


def warning_intro(rows: list[dict[str, str]]) -> str:
    by_kind: dict[str, int] = {}
    for r in rows:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    parts = "、".join(f"{kind}{n}条" for kind, n in by_kind.items())
    return (
        f"本期平台风险预警模块共发出预警{len(rows)}条，其中{parts}。"
        "各预警的对象与理由如下表，供金融机构和监管部门参考。"
    )
