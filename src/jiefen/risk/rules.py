"""The warning rules: 1-4 here, 5 in `firms.py`, 6-8 in `crime.py`, 9-10 in `fraud.py`; `RULES`
lists them all. Each takes the day it judges (`as_of`), reads the data in a few set-based queries
and returns `Finding`s: a subject, a score, the signals measured against their thresholds, one
sentence saying why, and the cases behind it. docs/risk.md states every formula; the thresholds
are the constants of each module.

A case counts as received on the local date of `Case.created_at` (as the statistics do); a
window "of N days to as_of" is the N days ending on as_of, both ends included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from jiefen.accounts.models import LICENSED_KINDS, Organisation
from jiefen.cases.models import Case, CaseParty, Contact, Party, PartyRole
from jiefen.privacy import mask_phone
from jiefen.risk import crime, firms, fraud
from jiefen.risk.dates import received
from jiefen.risk.districts import district_name
from jiefen.risk.finding import Finding, signal
from jiefen.risk.graph import (
    ADDRESS,
    EMPLOYER,
    MIN_CASES,
    MIN_PARTIES,
    MOBILE,
    Shared,
    clusters,
    contact_graph,
)
from jiefen.risk.models import FeedRecord, FeedSource, WarningKind

# 1. cap_exceedance — a claimant that routinely claims interest above the cap (民间借贷规定
# Art. 25; 九民纪要 Art. 51 for financial loans) is a supervision matter, not a one-off mistake:
# ten flagged cases rule out chance, a 30 % share rules out a large book's few outliers.
CAP_WINDOW_DAYS = 365
CAP_MIN_OVER = 10
CAP_MIN_SHARE = Decimal("0.30")

# 2. surge — a sudden wave of suits or complaints precedes a product or collection problem.
# The last 30 days against the mean of the six 30-day windows before; 30 suits / 10 complaints
# keep small numbers (2 → 6) from alarming anyone.
SURGE_WINDOW_DAYS = 30
SURGE_BASELINE_WINDOWS = 6
SURGE_MIN_SUITS = 30
SURGE_MIN_COMPLAINTS = 10
SURGE_FACTOR = 3

# 3. professional_lender — 法发〔2019〕24号 Art. 1 (lending to unspecified people 10+ times in 2
# years), 九民纪要 Art. 53 (the high courts set local standards) and local standards such as
# 江苏高院《关于建立疑似职业放贷人名录制度的意见（试行）》(2019): a LOCAL standard, set here.
LENDER_WINDOW_DAYS = 730
LENDER_MIN_BORROWERS = 10
# Words of a registered business scope that show a financial licence (许可项目).
LICENCE_WORDS = ("发放贷款", "贷款业务", "吸收公众存款", "银行业务", "消费金融", "金融许可")


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1'))}%"


def cap_exceedance(as_of: date) -> list[Finding]:
    first = as_of - timedelta(days=CAP_WINDOW_DAYS - 1)
    flagged = Q(over_cap=True) | Q(judgment__reduced_for_cap=True)
    rows = (
        Case.objects.filter(received(first, as_of))
        .values("institution_id", "institution__name")
        .annotate(n=Count("id"), over=Count("id", filter=flagged))
        .filter(over__gte=CAP_MIN_OVER)
    )
    found = []
    for row in rows:
        share = (Decimal(row["over"]) / Decimal(row["n"])).quantize(Decimal("0.0001"))
        if share < CAP_MIN_SHARE:
            continue
        ids = Case.objects.filter(
            received(first, as_of), flagged, institution_id=row["institution_id"]
        )
        name = row["institution__name"]
        found.append(
            Finding(
                kind=WarningKind.CAP_EXCEEDANCE,
                subject_key=f"institution:{row['institution_id']}",
                subject_name=name,
                institution_id=row["institution_id"],
                score=Decimal(round(share * 100)),
                summary=(
                    f"{name}近12个月收案{row['n']}件，其中{row['over']}件主张利息超过上限"
                    f"（占{_pct(share)}），达到{CAP_MIN_OVER}件且占比{_pct(CAP_MIN_SHARE)}的预警线。"
                ),
                signals=[
                    signal("cases", "近12个月收案数", row["n"], None),
                    signal("over_cap", "超限案件数", row["over"], CAP_MIN_OVER),
                    signal("share_over_cap", "超限案件占比", float(share), float(CAP_MIN_SHARE)),
                ],
                case_ids=sorted(ids.values_list("pk", flat=True).distinct()),
            )
        )
    return found


def _windows(as_of: date) -> list[tuple[date, date]]:
    """The last window first, then the baseline windows going back."""
    out = []
    for k in range(SURGE_BASELINE_WINDOWS + 1):
        last = as_of - timedelta(days=SURGE_WINDOW_DAYS * k)
        out.append((last - timedelta(days=SURGE_WINDOW_DAYS - 1), last))
    return out


def _surge_signal(
    name: str, label: str, counts: list[int], minimum: int
) -> tuple[dict[str, Any], bool, Decimal]:
    last, base = counts[0], counts[1:]
    mean = Decimal(sum(base)) / len(base)
    baseline = mean if mean else Decimal(1)  # a zero baseline counts as 1
    ratio = (Decimal(last) / baseline).quantize(Decimal("0.01"))
    hit = last >= minimum and last >= SURGE_FACTOR * baseline
    return (
        {**signal(name, label, last, minimum), "baseline": float(mean.quantize(Decimal("0.01")))}
        | {"ratio": float(ratio), "factor": SURGE_FACTOR},
        hit,
        ratio,
    )


def _versus(sig: dict[str, Any], unit: str) -> str:
    if not sig["baseline"]:
        return f"前6个30日周期为0（基数按1计），为基数的{sig['ratio']:g}倍"
    return f"为前6个30日周期均值{sig['baseline']:g}{unit}的{sig['ratio']:g}倍"


def surge(as_of: date) -> list[Finding]:
    windows = _windows(as_of)
    suits = (
        Case.objects.filter(received(windows[-1][0], as_of))
        .values("institution_id")
        .annotate(
            **{f"w{k}": Count("id", filter=received(a, b)) for k, (a, b) in enumerate(windows)}
        )
    )
    suit_rows: list[dict[str, Any]] = [dict(r) for r in suits]
    per_suits = {r["institution_id"]: [r[f"w{k}"] for k in range(len(windows))] for r in suit_rows}
    institutions = {
        o.pk: o for o in Organisation.objects.filter(kind="institution").exclude(uscc="")
    }
    by_uscc = {o.uscc.upper(): o.pk for o in institutions.values()}
    complaints = (
        FeedRecord.objects.filter(
            source=FeedSource.COMPLAINT,
            uscc__in=list(by_uscc),
            occurred_on__gte=windows[-1][0],
            occurred_on__lte=as_of,
        )
        .values("uscc")
        .annotate(
            **{
                f"w{k}": Count("id", filter=Q(occurred_on__gte=a, occurred_on__lte=b))
                for k, (a, b) in enumerate(windows)
            }
        )
    )
    complaint_rows: list[dict[str, Any]] = [dict(r) for r in complaints]
    per_complaints = {
        by_uscc[r["uscc"].upper()]: [r[f"w{k}"] for k in range(len(windows))]
        for r in complaint_rows
    }
    zero = [0] * len(windows)
    found = []
    for org_id in sorted(set(per_suits) | set(per_complaints)):
        s, s_hit, s_ratio = _surge_signal(
            "suits", "近30日起诉案件数", per_suits.get(org_id, zero), SURGE_MIN_SUITS
        )
        c, c_hit, c_ratio = _surge_signal(
            "complaints", "近30日被投诉数", per_complaints.get(org_id, zero), SURGE_MIN_COMPLAINTS
        )
        if not (s_hit or c_hit):
            continue
        org = institutions.get(org_id) or Organisation.objects.get(pk=org_id)
        parts = []
        if s_hit:
            parts.append(f"近30日起诉{s['value']}件，{_versus(s, '件')}")
        if c_hit:
            parts.append(f"近30日被投诉{c['value']}次，{_versus(c, '次')}")
        ratio = max(r for r, hit in ((s_ratio, s_hit), (c_ratio, c_hit)) if hit)
        last = windows[0]
        ids = (
            Case.objects.filter(received(*last), institution_id=org_id).values_list("pk", flat=True)
            if s_hit
            else []
        )
        found.append(
            Finding(
                kind=WarningKind.SURGE,
                subject_key=f"institution:{org_id}",
                subject_name=org.name,
                institution_id=org_id,
                score=Decimal(round(ratio * 10)),
                summary=f"{org.name}{'；'.join(parts)}，超过{SURGE_FACTOR}倍的激增预警线。",
                signals=[s, c],
                case_ids=sorted(ids),
            )
        )
    return found


def _licensed(org: Organisation, scopes: dict[str, str]) -> bool:
    if org.institution_kind not in LICENSED_KINDS:
        return False
    scope = scopes.get(org.uscc.upper()) if org.uscc else None
    return scope is None or any(word in scope for word in LICENCE_WORDS)


def professional_lender(as_of: date) -> list[Finding]:
    first = as_of - timedelta(days=LENDER_WINDOW_DAYS - 1)
    window = Case.objects.filter(received(first, as_of))
    rows = (
        CaseParty.objects.filter(role=PartyRole.DEFENDANT, case__in=window.values("pk"))
        .values("case__institution_id")
        .annotate(borrowers=Count("party_id", distinct=True), n=Count("case_id", distinct=True))
        .filter(borrowers__gte=LENDER_MIN_BORROWERS)
    )
    counts = {r["case__institution_id"]: r for r in rows}
    orgs = Organisation.objects.filter(pk__in=list(counts))
    scopes = {
        uscc.upper(): scope
        for uscc, scope in FeedRecord.objects.filter(
            source=FeedSource.REGISTRATION, uscc__in=[o.uscc for o in orgs if o.uscc]
        )
        .order_by("occurred_on", "id")
        .values_list("uscc", "business_scope")
    }
    found = []
    for org in orgs:
        if _licensed(org, scopes):
            continue
        row = counts[org.pk]
        why = (
            "登记经营范围无放贷许可"
            if org.uscc.upper() in scopes and org.institution_kind in LICENSED_KINDS
            else "非持牌金融机构"
        )
        found.append(
            Finding(
                kind=WarningKind.PROFESSIONAL_LENDER,
                subject_key=f"institution:{org.pk}",
                subject_name=org.name,
                institution_id=org.pk,
                score=Decimal(row["borrowers"]),
                summary=(
                    f"{org.name}（{why}）近两年作为原告起诉{row['borrowers']}名不同借款人"
                    f"（{row['n']}件），达到“两年内起诉{LENDER_MIN_BORROWERS}名以上借款人”的"
                    "职业放贷人认定参考标准（地方标准）。"
                ),
                signals=[
                    signal("licensed", "持牌金融机构", "否", "是"),
                    signal(
                        "borrowers",
                        "两年内起诉的不同借款人数",
                        row["borrowers"],
                        LENDER_MIN_BORROWERS,
                    ),
                    signal("cases", "两年内起诉案件数", row["n"], None),
                ],
                case_ids=sorted(window.filter(institution_id=org.pk).values_list("pk", flat=True)),
            )
        )
    return found


def _shown(shared: Shared) -> dict[str, str]:
    """What a signal may show of a shared value: a masked mobile, the district of an address,
    the employer's name (never the clear phone number or street address)."""
    if shared.kind == MOBILE:
        contact = Contact.objects.filter(
            kind=MOBILE, value_index=shared.key, party_id__in=shared.parties
        ).first()
        return {"label": "共用手机号", "value": mask_phone(contact.value) if contact else "***"}
    if shared.kind == ADDRESS:
        division = (
            Party.objects.filter(pk__in=shared.parties)
            .exclude(domicile_division="")
            .values_list("domicile_division", flat=True)
            .first()
        )
        return {"label": "共用地址", "value": district_name(division) if division else "同一地址"}
    return {"label": "共同工作单位", "value": shared.key}


def contact_cluster(as_of: date) -> list[Finding]:
    """Rings of borrowers over the cases received in the 2 years to as_of."""
    first = as_of - timedelta(days=LENDER_WINDOW_DAYS - 1)
    graph = contact_graph(Case.objects.filter(received(first, as_of)))
    found = []
    for ring in clusters(graph):
        names = dict(Party.objects.filter(pk__in=ring.parties[:1]).values_list("pk", "name"))
        lead = names.get(ring.parties[0], "")
        signals = []
        for s in ring.shared:
            signals.append(
                {
                    "signal": f"shared_{s.kind}",
                    **_shown(s),
                    "parties": len(s.parties),
                    "threshold": 2,
                }
            )
        counts: dict[str, int] = defaultdict(int)
        for s in ring.shared:
            counts[s.kind] += 1
        what = "、".join(
            f"{n}个{label}"
            for kind, label in ((MOBILE, "手机号"), (ADDRESS, "地址"), (EMPLOYER, "工作单位"))
            if (n := counts[kind])
        )
        found.append(
            Finding(
                kind=WarningKind.CONTACT_CLUSTER,
                subject_key=f"party:{ring.parties[0]}",
                subject_name=f"{lead}等{len(ring.parties)}人",
                score=Decimal(ring.score),
                summary=(
                    f"{lead}等{len(ring.parties)}名被告/担保人共用{what}，涉及"
                    f"{ring.independent_cases}件借款人互不相同的案件，疑似关联借款团伙。"
                ),
                signals=[
                    signal("parties", "关联当事人数", len(ring.parties), MIN_PARTIES),
                    signal(
                        "independent_cases",
                        "借款人互不相同的案件数",
                        ring.independent_cases,
                        MIN_CASES,
                    ),
                    signal("shared_mobiles", "共用手机号数", ring.shared_mobiles, None),
                    *signals,
                ],
                case_ids=ring.cases,
            )
        )
    return found


RULES: dict[str, Callable[[date], list[Finding]]] = {
    WarningKind.CAP_EXCEEDANCE: cap_exceedance,
    WarningKind.SURGE: surge,
    WarningKind.PROFESSIONAL_LENDER: professional_lender,
    WarningKind.CONTACT_CLUSTER: contact_cluster,
    WarningKind.QUASI_FINANCIAL: firms.quasi_financial,
    WarningKind.WITHHELD_INTEREST: crime.withheld_interest,
    WarningKind.EFFECTIVE_RATE: crime.effective_rate,
    WarningKind.SERIAL_LOANS: crime.serial_loans,
    WarningKind.IDENTITY_MISUSE: fraud.identity_misuse,
    WarningKind.FRAUD_CONTACT: fraud.fraud_contact,
}

# The score of each kind, in one line, for the warning page.
SCORE_FORMULAS: dict[str, str] = {
    WarningKind.CAP_EXCEEDANCE: "风险分 = 100 × 近12个月超限案件占比（四舍五入取整）",
    WarningKind.SURGE: "风险分 = 10 × 近30日数量 ÷ 前6个30日周期均值（取触发信号中较大者，均值为0按1计）",
    WarningKind.PROFESSIONAL_LENDER: "风险分 = 近两年起诉的不同借款人数",
    WarningKind.CONTACT_CLUSTER: "风险分 = 关联当事人数 + 2 × 共用手机号数",
    WarningKind.QUASI_FINANCIAL: "风险分 = 10 × 行政处罚次数 + 3 × 投诉次数 + 2 × 涉诉案件数（近12个月）",
    WarningKind.WITHHELD_INTEREST: "风险分 = 预扣利息案件数 + 100 × 平均预扣比例（四舍五入取整）",
    WarningKind.EFFECTIVE_RATE: "风险分 = 实际利率畸高案件数 + 实际年利率超过法定上限的平均百分点数（四舍五入取整）",
    WarningKind.SERIAL_LOANS: "风险分 = 10 × 首尾相接的借款笔数",
    WarningKind.IDENTITY_MISUSE: "风险分 = 10 × 报告冒名贷款的案件数",
    WarningKind.FRAUD_CONTACT: "风险分 = 10 × 与涉诈通报相同的联系方式数 + 5 × 与冒名贷款案件相同的联系方式数",
}


def findings(as_of: date) -> list[Finding]:
    return [f for rule in RULES.values() for f in rule(as_of)]
