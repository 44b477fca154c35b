"""Quasi-financial firms (类金融企业) in the feeds: who they are, their score, their trend.

A firm is one unified social credit code (records without a code join the code their name has
elsewhere in the feeds, else stay a firm of their own name). It is quasi-financial when its
name or a registered business scope contains one of `QUASI_WORDS`.

score(window) = 10 × penalties + 3 × complaints + 2 × platform cases, counted in the window;
platform cases are cases received where the firm is the claimant institution (by code or exact
name) or a party (by the blind index of its code, or its exact name as an organisation party).
A firm is rising when its score over the last 90 days exceeds its score over the 90 days
before; a rising firm scoring at least 20 over the last 12 months is warned about.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case, CaseParty, PartyKind
from jiefen.privacy import blind_index
from jiefen.risk.dates import local_day, received
from jiefen.risk.districts import district_name
from jiefen.risk.finding import Finding, signal
from jiefen.risk.models import FeedRecord, FeedSource, WarningKind

# Trades the local financial supervision regulations (地方金融监督管理条例, e.g. 重庆市 2022)
# and the quasi-financial clean-ups name: lending, guarantees, pawning, leasing, factoring,
# wealth and asset management, P2P.
QUASI_WORDS = (
    "投资管理",
    "资产管理",
    "财富管理",
    "理财",
    "融资担保",
    "小额贷款",
    "典当",
    "融资租赁",
    "商业保理",
    "供应链金融",
    "网络借贷",
    "私募基金",
    "股权投资",
    "投资咨询",
)
# A penalty is a regulator's finding; a complaint an allegation; a suit a civil dispute.
WEIGHT_PENALTY = 10
WEIGHT_COMPLAINT = 3
WEIGHT_CASE = 2
WINDOW_DAYS = 365
TREND_DAYS = 90
MIN_SCORE = 20


@dataclass
class Firm:
    key: str  # the code, or "name:" + the name
    name: str
    uscc: str
    division_code: str
    quasi: bool
    words: list[str]
    penalties: int = 0
    complaints: int = 0
    cases: int = 0
    recent: int = 0  # score over the last 90 days
    before: int = 0  # score over the 90 days before
    case_ids: tuple[int, ...] = ()

    @property
    def score(self) -> int:
        return (
            WEIGHT_PENALTY * self.penalties
            + WEIGHT_COMPLAINT * self.complaints
            + WEIGHT_CASE * self.cases
        )

    @property
    def rising(self) -> bool:
        return self.recent > self.before


def _windows(as_of: date) -> dict[str, tuple[date, date]]:
    return {
        "year": (as_of - timedelta(days=WINDOW_DAYS - 1), as_of),
        "recent": (as_of - timedelta(days=TREND_DAYS - 1), as_of),
        "before": (as_of - timedelta(days=2 * TREND_DAYS - 1), as_of - timedelta(days=TREND_DAYS)),
    }


def _quasi_words(*texts: str) -> list[str]:
    return [w for w in QUASI_WORDS if any(w in t for t in texts)]


def firms(as_of: date) -> list[Firm]:
    """Every firm of the feeds with its counts to as_of (records after as_of are ignored)."""
    records = list(
        FeedRecord.objects.filter(occurred_on__lte=as_of)
        .order_by("occurred_on", "id")
        .values("source", "firm_name", "uscc", "division_code", "occurred_on", "business_scope")
    )
    code_of_name = {r["firm_name"]: r["uscc"].upper() for r in records if r["uscc"]}
    by_key: dict[str, Firm] = {}
    dated: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for r in records:
        code = r["uscc"].upper() or code_of_name.get(r["firm_name"], "")
        key = code or f"name:{r['firm_name']}"
        firm = by_key.get(key)
        if firm is None:
            firm = by_key[key] = Firm(key, r["firm_name"], code, "", False, [])
        if r["source"] == FeedSource.REGISTRATION or not firm.division_code:
            firm.division_code = r["division_code"] or firm.division_code
            if r["source"] == FeedSource.REGISTRATION:
                firm.name = r["firm_name"]
        firm.words = sorted(
            set(firm.words) | set(_quasi_words(r["firm_name"], r["business_scope"]))
        )
        firm.quasi = bool(firm.words)
        dated[key].append((r["source"], r["occurred_on"]))
    windows = _windows(as_of)
    for key, firm in by_key.items():
        if not firm.division_code and len(firm.uscc) == 18:
            firm.division_code = firm.uscc[2:8]  # the code's registration division
        scores = dict.fromkeys(windows, 0)
        for source, day in dated[key]:
            weight = WEIGHT_PENALTY if source == FeedSource.PENALTY else WEIGHT_COMPLAINT
            if source == FeedSource.REGISTRATION:
                continue
            for name, (a, b) in windows.items():
                if a <= day <= b:
                    scores[name] += weight
            if windows["year"][0] <= day <= as_of:
                if source == FeedSource.PENALTY:
                    firm.penalties += 1
                else:
                    firm.complaints += 1
        firm.recent, firm.before = scores["recent"], scores["before"]
    _count_cases([f for f in by_key.values() if f.quasi], windows)
    return sorted(by_key.values(), key=lambda f: (f.division_code, f.key))


def _count_cases(quasi: list[Firm], windows: dict[str, tuple[date, date]]) -> None:
    """Add the platform cases of the quasi-financial firms (claimant or party) to their counts."""
    if not quasi:
        return
    codes = {f.uscc: f for f in quasi if f.uscc}
    names = {f.name: f for f in quasi}
    orgs = Organisation.objects.filter(Q(uscc__in=list(codes)) | Q(name__in=list(names)))
    firm_of_org = {o.pk: codes.get(o.uscc.upper()) or names.get(o.name) for o in orgs}
    first = (
        windows["before"][0] if windows["before"][0] < windows["year"][0] else windows["year"][0]
    )
    cases_of: dict[str, set[tuple[int, date]]] = defaultdict(set)
    for case_id, org_id, created in Case.objects.filter(
        received(first, windows["year"][1]), institution_id__in=list(firm_of_org)
    ).values_list("pk", "institution_id", "created_at"):
        firm = firm_of_org[org_id]
        if firm is not None:
            cases_of[firm.key].add((case_id, local_day(created)))
    index_of = {blind_index(code): f for code, f in codes.items()}
    for case_id, id_index, name, created in CaseParty.objects.filter(
        Q(party__id_index__in=list(index_of))
        | Q(party__kind=PartyKind.ORGANISATION, party__name__in=list(names)),
        case__in=Case.objects.filter(received(first, windows["year"][1])).values("pk"),
    ).values_list("case_id", "party__id_index", "party__name", "case__created_at"):
        firm = index_of.get(id_index) or names.get(name)
        if firm is not None:
            cases_of[firm.key].add((case_id, local_day(created)))
    for firm in quasi:
        found = cases_of.get(firm.key, set())
        year = [(c, d) for c, d in found if windows["year"][0] <= d]
        firm.cases = len(year)
        firm.case_ids = tuple(sorted(c for c, _ in year))
        for _, d in found:
            for name in ("recent", "before"):
                a, b = windows[name]
                if a <= d <= b:
                    setattr(firm, name, getattr(firm, name) + WEIGHT_CASE)


def warned(firm: Firm) -> bool:
    return firm.quasi and firm.rising and firm.score >= MIN_SCORE


def grid(as_of: date) -> dict[str, dict[str, int]]:
    """Per division code: firms, quasi-financial firms, their total score, rising ones."""
    out: dict[str, dict[str, int]] = defaultdict(
        lambda: {"firms": 0, "quasi_financial": 0, "score": 0, "rising": 0, "warned": 0}
    )
    for firm in firms(as_of):
        row = out[firm.division_code]
        row["firms"] += 1
        if firm.quasi:
            row["quasi_financial"] += 1
            row["score"] += firm.score
            row["rising"] += int(firm.rising)
            row["warned"] += int(warned(firm))
    return dict(out)


def quasi_financial(as_of: date) -> list[Finding]:
    found = []
    for firm in firms(as_of):
        if not warned(firm):
            continue
        district = district_name(firm.division_code) if firm.division_code else "未知区划"
        found.append(
            Finding(
                kind=WarningKind.QUASI_FINANCIAL,
                subject_key=f"firm:{firm.key}",
                subject_name=firm.name,
                division_code=firm.division_code,
                score=Decimal(firm.score),
                summary=(
                    f"{firm.name}（{district}，经营范围含“{'、'.join(firm.words)}”）近12个月"
                    f"行政处罚{firm.penalties}次、投诉{firm.complaints}次、涉诉{firm.cases}件，"
                    f"风险分{firm.score}，近90日{firm.recent}分高于前90日{firm.before}分，呈上升趋势。"
                ),
                signals=[
                    signal("quasi_words", "类金融经营范围", "、".join(firm.words), None),
                    signal("penalties", "近12个月行政处罚次数", firm.penalties, None),
                    signal("complaints", "近12个月投诉次数", firm.complaints, None),
                    signal("cases", "近12个月涉诉案件数", firm.cases, None),
                    signal("score", "近12个月风险分", firm.score, MIN_SCORE),
                    signal("recent", "近90日风险分", firm.recent, firm.before),
                ],
                case_ids=list(firm.case_ids),
            )
        )
    return found
