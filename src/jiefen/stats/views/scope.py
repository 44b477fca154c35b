"""Whose numbers a dashboard shows, read from the request: the role's scope first
(`access.visible_cases`), then the filters the role may narrow it by.

Three flavours share one page: the court president (院庭长) sees the court's cases, the platform
administrator (调解中心/平台) every case, a bank's agent (金融机构经办人) its own institution's cases.
A filter can only narrow the scope: an institution or court outside it just matches no case, so a
forged query string shows nothing extra.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.urls import reverse

from jiefen.accounts.models import Organisation, User
from jiefen.cases import access
from jiefen.cases.models import Case, CaseEvent
from jiefen.stats.periods import Period, parse_period

COURT, CENTRE, BANK = "court", "centre", "bank"

# Which filters each flavour may narrow by (the court president's court and the bank's
# institution are fixed by the role).
FILTERS: dict[str, tuple[str, ...]] = {
    COURT: ("institution",),
    CENTRE: ("court", "institution"),
    BANK: ("court",),
}


@dataclass
class Scope:
    user: User
    flavour: str
    title: str
    base: QuerySet[Case]  # everything the role may see
    cases: QuerySet[Case]  # narrowed by the filters
    period: Period | None
    institution: str = ""
    court: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def filters(self) -> tuple[str, ...]:
        return FILTERS[self.flavour]

    def query(self, **extra: str) -> dict[str, str]:
        """The filters as GET parameters (empty ones left out), plus `extra`."""
        params = {
            "period": self.period.label if self.period else "",
            "institution": self.institution,
            "court": self.court,
            **extra,
        }
        return {k: v for k, v in params.items() if v}

    def cases_url(self, metric: str, dim: str = "", key: str = "") -> str:
        """The case list behind one figure (stats:cases), with this page's filters."""
        return f"{reverse('stats:cases')}?{urlencode(self.query(metric=metric, dim=dim, key=key))}"


def _title(user: User, flavour: str) -> str:
    org = user.organisation.name if user.organisation else ""
    if flavour == COURT:
        return f"{org} 金融审判运行态势"
    if flavour == BANK:
        return f"{org} 案件服务看板"
    return f"{org or '解纷平台'} 金融纠纷化解运行态势"


def _org_filter(request: HttpRequest, name: str, label: str, errors: list[str]) -> str:
    value = request.GET.get(name, "").strip()
    if value and not value.isdigit():
        errors.append(f"筛选条件「{label}」的值“{value}”无效，已忽略")
        return ""
    return value


def scope_for(request: HttpRequest) -> Scope:
    """The dashboard scope of the signed-in user; 404 for a role without the dashboard desk."""
    user = access.desk(request.user, "dashboard")
    flavour = access.dashboard_kind(user)
    base = access.visible_cases(user)
    errors: list[str] = []
    period: Period | None = None
    text = request.GET.get("period", "").strip()
    if text:
        try:
            period = parse_period(text)
        except ValueError as exc:
            errors.append(f"{exc}；已显示全部期间")
    allowed = FILTERS[flavour]
    institution = (
        _org_filter(request, "institution", "金融机构", errors) if "institution" in allowed else ""
    )
    court = _org_filter(request, "court", "法院", errors) if "court" in allowed else ""
    cases = base
    if institution:
        cases = cases.filter(institution_id=int(institution))
    if court:
        cases = cases.filter(court_id=int(court))
    return Scope(
        user=user,
        flavour=flavour,
        title=_title(user, flavour),
        base=base,
        cases=cases,
        period=period,
        institution=institution,
        court=court,
        errors=errors,
    )


def period_options(base: QuerySet[Case]) -> list[tuple[str, str]]:
    """(value, label) of the years, quarters and months in which the scope has data: a case
    received (Case.created_at) or any event of its cases (filing, service, judgment, closing)."""
    months: set[tuple[int, int]] = set()
    for stamp in (
        base.annotate(m=TruncMonth("created_at")).values_list("m", flat=True).distinct(),
        CaseEvent.objects.filter(case__in=base.values("pk"))
        .annotate(m=TruncMonth("at"))
        .values_list("m", flat=True)
        .distinct(),
    ):
        months.update((m.year, m.month) for m in stamp if m is not None)
    options: list[tuple[str, str]] = []
    for year in sorted({y for y, _ in months}, reverse=True):
        options.append((str(year), f"{year}年"))
        quarters = sorted({(m - 1) // 3 + 1 for y, m in months if y == year}, reverse=True)
        options += [(f"{year}-Q{q}", f"{year}年第{q}季度") for q in quarters]
        options += [
            (f"{year}-{m:02d}", f"{year}年{m}月")
            for m in sorted((m for y, m in months if y == year), reverse=True)
        ]
    return options


def latest_year(base: QuerySet[Case]) -> str | None:
    """The latest year with data in the scope (the white paper's default period)."""
    years = [value for value, _ in period_options(base) if value.isdigit()]
    return years[0] if years else None


def organisation_options(base: QuerySet[Case], field_name: str) -> QuerySet[Organisation]:
    """The institutions or courts that occur in the scope (the filter's choices)."""
    ids = base.values(f"{field_name}_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def percent(rate: float | None) -> str:
    """0.8523 → "85.23%"; no denominator → "—"."""
    return "—" if rate is None else f"{Decimal(str(rate)) * 100:.2f}%"


def yuan(amount: str | Decimal | int | None) -> str:
    """ "1234567.8" → "1,234,567.80" (the unit 元 is in the label)."""
    return f"{Decimal(str(amount or 0)):,.2f}"


def days(value: float | None) -> str:
    return "—" if value is None else f"{Decimal(str(value)):.1f}"
