"""Small-claims procedure (小额诉讼程序) eligibility — 民诉法 Arts. 165–166.

Simple money claims up to 50% of the province's previous-year average annual wage of
employed persons are heard as small claims (mandatory, final); up to 2× that wage the
parties may agree to it. "Previous year" means the latest published figure
(民诉解释 Art. 272); in practice each high court announces the figure and the date
from which its courts use it, so the wage table is data per province and year with
``applies_from``. Excluded (Art. 166): personal-status and title cases, foreign-related
cases, cases needing appraisal, a party who cannot be found, counterclaims, and other
unsuitable cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from jiefen.law.errors import OutOfTableError
from jiefen.law.money import to_fen
from jiefen.law.parameters import Parameters, WageFigure, load_parameters

Exclusion = Literal[
    "personal_status_or_title",
    "foreign_related",
    "needs_appraisal",
    "party_missing",
    "counterclaim",
    "unsuitable",
]
EXCLUSIONS: dict[str, str] = {
    "personal_status_or_title": "人身关系、财产确权案件",
    "foreign_related": "涉外案件",
    "needs_appraisal": "需要评估、鉴定或者对诉前评估、鉴定结果有异议的案件",
    "party_missing": "一方当事人下落不明的案件",
    "counterclaim": "当事人提出反诉的案件",
    "unsuitable": "其他不宜适用小额诉讼的程序审理的案件",
}

#: The oldest wage year accepted is ``as_of.year - OLDEST_WAGE_YEAR_LAG``. High courts
#: announce the latest published figure, which is for the previous year or (until the
#: statistics are out) the one before; an older figure means a newer one exists and was
#: not entered, so the rule refuses it instead of guessing.
OLDEST_WAGE_YEAR_LAG = 2


@dataclass(frozen=True)
class SmallClaimsThreshold:
    """The small-claims limits in force in ``province`` on ``as_of`` and their source."""

    province: str
    as_of: date
    wage: WageFigure
    fraction: Decimal
    threshold: Decimal
    agreement_limit: Decimal
    citation: str


@dataclass(frozen=True)
class SmallClaimsEligibility:
    """Whether a claim is a small claim, and why (truthy when eligible)."""

    eligible: bool
    mandatory: bool
    by_agreement: bool
    reasons: tuple[str, ...]
    limits: SmallClaimsThreshold
    exclusions: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.eligible


def _params(params: Parameters | None) -> Parameters:
    return params if params is not None else load_parameters()


def province_name(province: str, *, params: Parameters | None = None) -> str:
    """Full province name from a name, short name or court abbreviation (重庆 / 渝 → 重庆市)."""
    found = _params(params).province_by_name(province)
    if found is None:
        raise OutOfTableError(f"unknown province {province!r}")
    return found.name


def wage_in_force(province: str, as_of: date, *, params: Parameters | None = None) -> WageFigure:
    """The wage figure courts of ``province`` use on ``as_of`` (latest ``applies_from``)."""
    p = _params(params)
    name = province_name(province, params=p)
    rows = [w for w in p.wages if w.province == name and w.applies_from <= as_of]
    if not rows:
        raise OutOfTableError(
            f"no average-wage figure for {name} in force on {as_of}: enter the figure the "
            "high court announced in the admin site (provincial wages)"
        )
    figure = max(rows, key=lambda w: (w.applies_from, w.year))
    if figure.year < as_of.year - OLDEST_WAGE_YEAR_LAG:
        raise OutOfTableError(
            f"the latest wage figure for {name} is for {figure.year}, too old for {as_of}: "
            "a newer figure has been published; enter it in the admin site"
        )
    return figure


def small_claims_limits(
    province: str, as_of: date, *, params: Parameters | None = None
) -> SmallClaimsThreshold:
    """Threshold and agreement limit in ``province`` on ``as_of`` (the filing date)."""
    p = _params(params)
    wage = wage_in_force(province, as_of, params=p)
    fraction = p.rule("small_claims_wage_fraction", as_of)
    multiple = p.rule("small_claims_agreement_multiple", as_of)
    threshold = (
        wage.threshold if wage.threshold is not None else to_fen(wage.amount * fraction.value)
    )
    return SmallClaimsThreshold(
        province=wage.province,
        as_of=as_of,
        wage=wage,
        fraction=fraction.value,
        threshold=threshold,
        agreement_limit=to_fen(wage.amount * multiple.value),
        citation=fraction.citation,
    )


def small_claims_threshold(
    province: str, as_of: date, *, params: Parameters | None = None
) -> Decimal:
    """50% of the province's previous-year average annual wage (the figure in force on
    ``as_of``), or the threshold the high court announced for it."""
    return small_claims_limits(province, as_of, params=params).threshold


def small_claims_eligible(
    amount: Decimal,
    province: str,
    as_of: date,
    *,
    params: Parameters | None = None,
    exclusions: Iterable[Exclusion] = (),
    parties_agree: bool = False,
) -> SmallClaimsEligibility:
    """Whether a simple money claim of ``amount`` is heard as a small claim.

    ``eligible`` is True when the amount is at most the threshold (mandatory), or at most
    twice the wage and ``parties_agree`` (Art. 165 ¶2), and no exclusion applies
    (Art. 166). ``reasons`` says why in words a clerk can read.
    """
    limits = small_claims_limits(province, as_of, params=params)
    excluded = tuple(exclusions)
    for e in excluded:
        if e not in EXCLUSIONS:
            raise ValueError(f"unknown exclusion {e!r}; use one of {', '.join(EXCLUSIONS)}")
    reasons: list[str] = []
    mandatory = amount <= limits.threshold
    by_agreement = not mandatory and amount <= limits.agreement_limit and parties_agree
    if mandatory:
        reasons.append(
            f"amount {amount} ≤ threshold {limits.threshold} ({limits.province}, wage {limits.wage.year})"
        )
    elif amount <= limits.agreement_limit:
        if parties_agree:
            reasons.append(
                f"amount {amount} ≤ {limits.agreement_limit} (2× wage) and the parties agree"
            )
        else:
            reasons.append(
                f"amount {amount} above threshold {limits.threshold}; small claims only if both parties agree"
            )
    else:
        reasons.append(f"amount {amount} above the agreement limit {limits.agreement_limit}")
    for e in excluded:
        reasons.append(f"excluded: {EXCLUSIONS[e]} (民诉法第一百六十六条)")
    eligible = (mandatory or by_agreement) and not excluded
    return SmallClaimsEligibility(
        eligible=eligible,
        mandatory=mandatory and not excluded,
        by_agreement=by_agreement and not excluded,
        reasons=tuple(reasons),
        limits=limits,
        exclusions=excluded,
    )
