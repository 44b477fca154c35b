"""Signals of suspected crime in the platform's own loans (涉嫌犯罪线索): rules 6–8 of docs/risk.md.

What 最高法 最高检 公安部 司法部《关于办理“套路贷”刑事案件若干问题的意见》(2019) Arts. 1–3 describe
can be read off the loans themselves: a principal inflated above what was actually paid out
(虚增借贷金额: interest withheld up front, 砍头息), an effective rate far above the stated one,
and new loans that pay off the old ones (转单平账, 恶意垒高借款金额). The civil law says the same
facts: interest may not be deducted from the principal in advance and the amount actually lent
is the principal (民法典 Art. 670; 民间借贷规定 Art. 26); interest above the cap is not owed
(民间借贷规定 Art. 25).

- `withheld_interest(as_of)`: per claimant, the loans whose disbursed amount is below the agreed
  amount.
- `effective_rate(as_of)`: per claimant, the loans whose effective annual rate (stated interest
  plus the withheld amount, on the amount actually paid out) is at least 1.5 × the stated rate
  and above the legal cap.
- `serial_loans(as_of)`: per claimant and borrower, a chain of loans each paid out around the
  end of the one before and not smaller than it.
- `case_signals(case)`: the same measurements for one case, for the referral letter and pages.

The window, as professional_lender: the loans (case type financial_loan with the elements
present) received in the 730 days to as_of. `CRIME_KINDS` are the kinds a referral can take
as grounds (with professional_lender, rule 3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from jiefen.accounts.models import LICENSED_KINDS, Organisation
from jiefen.cases.models import Case, CaseParty, CaseType, Party, PartyRole
from jiefen.law.caps import annual_cap_percent
from jiefen.law.errors import LawError
from jiefen.lawdata.selectors import current_parameters
from jiefen.risk.dates import local_day, received
from jiefen.risk.finding import Finding, signal
from jiefen.risk.models import WarningKind

if TYPE_CHECKING:
    from jiefen.law.parameters import Parameters

CRIME_KINDS = (
    WarningKind.WITHHELD_INTEREST,
    WarningKind.EFFECTIVE_RATE,
    WarningKind.SERIAL_LOANS,
    WarningKind.PROFESSIONAL_LENDER,
)

# The window of the three rules: two years, as professional_lender (法发〔2019〕24号 Art. 1 counts
# a lender's loans over two years).
CRIME_WINDOW_DAYS = 730

# 6. withheld_interest — 民法典 Art. 670: any amount withheld is already a breach; three loans of
# one claimant make it a practice (a business model), not a one-off clerical difference.
WITHHELD_MIN_CASES = 3

# 7. effective_rate — 1.5 × the stated rate: the withheld amount adds at least half the stated
# interest again (a 10 % deduction on a six-month loan at 12 % already gives 35.56 %); and the
# effective rate must exceed the legal cap, otherwise the civil law has nothing to correct.
RATE_FACTOR = Decimal("1.5")
RATE_MIN_CASES = 3
# Day-count basis when the contract does not say (金融借款 practice: 360).
DEFAULT_BASIS = 360

# 8. serial_loans — a new loan paid out within 7 days of the old one's due date, not smaller
# than it, is the pattern 转单平账 (the 套路贷 opinion, Art. 3); two loans make a chain.
SERIAL_DAYS = 7
SERIAL_MIN_LOANS = 2

CENT = Decimal("0.01")


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _to_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _yuan(amount: Decimal) -> str:
    return f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}元"


def _pct(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP)}"


@dataclass(frozen=True)
class Loan:
    """The measurable facts of one loan case (from `Case.elements`)."""

    case_id: int
    institution_id: int
    agreed: Decimal
    disbursed: Decimal
    rate: Decimal  # stated annual percent (0 when none is stated)
    basis: int
    start: date | None
    end: date | None
    disbursed_on: date | None
    contract_date: date | None
    received_on: date
    label: str  # case number, else contract number: how the case is named in a signal

    @property
    def withheld(self) -> Decimal:
        """W = agreed − disbursed (民法典 Art. 670: the principal is what was actually lent)."""
        return self.agreed - self.disbursed

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        days = (self.end - self.start).days
        return days if days >= 1 else None

    def effective_percent(self) -> Decimal | None:
        """E = (I + W) / D × basis / T × 100 with I = A × r/100 × T/basis (2 dp, half up)."""
        days = self.days
        if days is None:
            return None
        interest = self.agreed * self.rate / 100 * days / self.basis
        effective = (interest + self.withheld) / self.disbursed * self.basis / days * 100
        return effective.quantize(CENT, ROUND_HALF_UP)


def parse_loan(
    case_id: int,
    institution_id: int,
    elements: dict[str, Any],
    *,
    received_on: date,
    label: str = "",
) -> Loan | None:
    """The loan of a case, or None when the amounts are missing or inconsistent (nothing paid
    out, or more paid out than agreed: such a case is not measured)."""
    amounts = elements.get("loan_amount") or {}
    if not isinstance(amounts, dict):
        return None
    agreed = _to_decimal(amounts.get("agreed"))
    disbursed = _to_decimal(amounts.get("disbursed"))
    if agreed is None or disbursed is None or disbursed <= 0 or disbursed > agreed:
        return None
    term = elements.get("term") or {}
    rates = elements.get("rates") or {}
    contract = elements.get("contract") or {}
    term = term if isinstance(term, dict) else {}
    rates = rates if isinstance(rates, dict) else {}
    contract = contract if isinstance(contract, dict) else {}
    rate = _to_decimal(rates.get("annual_rate_percent")) or Decimal(0)
    basis = 365 if str(rates.get("basis") or "") == "365" else DEFAULT_BASIS
    start, end = _to_date(term.get("start")), _to_date(term.get("end"))
    paid_on = _to_date(elements.get("disbursed_on")) or start
    return Loan(
        case_id=case_id,
        institution_id=institution_id,
        agreed=agreed,
        disbursed=disbursed,
        rate=rate,
        basis=basis,
        start=start,
        end=end,
        disbursed_on=paid_on,
        contract_date=_to_date(contract.get("signed_on")) or start or paid_on,
        received_on=received_on,
        label=label,
    )


def _window_loans(as_of: date) -> list[Loan]:
    """The loans received in the 730 days to as_of, read in one query (only the keys needed)."""
    first = as_of - timedelta(days=CRIME_WINDOW_DAYS - 1)
    rows = (
        Case.objects.filter(
            received(first, as_of),
            case_type=CaseType.FINANCIAL_LOAN,
            elements__has_key="loan_amount",
        )
        .order_by("pk")
        .values_list(
            "pk",
            "institution_id",
            "created_at",
            "case_number",
            "contract_number",
            "elements__loan_amount",
            "elements__term",
            "elements__rates",
            "elements__disbursed_on",
            "elements__contract",
        )
    )
    loans = []
    for pk, org, created, number, contract_no, amount, term, rates, paid_on, contract in rows:
        elements = {
            "loan_amount": amount,
            "term": term,
            "rates": rates,
            "disbursed_on": paid_on,
            "contract": contract,
        }
        loan = parse_loan(
            pk, org, elements, received_on=local_day(created), label=number or contract_no
        )
        if loan is not None:
            loans.append(loan)
    return loans


class _Caps:
    """The legal cap of a loan's contract date, computed once per (licence, date) in a run:
    licensed lenders 24 % (法发〔2017〕22号 Art. 2), others 4 × the one-year LPR at the contract
    date (民间借贷规定 Art. 25; contracts before 2020-08-20: the rule of that time, Art. 31)."""

    def __init__(self) -> None:
        self._params: Parameters | None = None
        self._cache: dict[tuple[bool, date, date], Decimal | None] = {}
        self._licensed: dict[int, bool] = {}

    def licensed(self, institution_id: int) -> bool:
        if institution_id not in self._licensed:
            kind = (
                Organisation.objects.filter(pk=institution_id)
                .values_list("institution_kind", flat=True)
                .first()
            )
            self._licensed[institution_id] = kind in LICENSED_KINDS
        return self._licensed[institution_id]

    def cap(self, loan: Loan) -> Decimal | None:
        """The cap in percent, or None when the law's tables do not cover the date."""
        day = loan.contract_date
        if day is None:
            return None
        licensed = self.licensed(loan.institution_id)
        key = (licensed, day, loan.received_on)
        if key not in self._cache:
            if self._params is None:
                self._params = current_parameters()
            try:
                result = annual_cap_percent(
                    "bank" if licensed else "private",
                    day,
                    court_policy="24pct",
                    filed_on=loan.received_on,
                    params=self._params,
                )
                self._cache[key] = result.cap_on(loan.start or day)
            except LawError:
                self._cache[key] = None
        return self._cache[key]


def rate_flagged(loan: Loan, cap: Decimal | None) -> tuple[Decimal | None, bool]:
    """(E, flagged): flagged when E ≥ 1.5 × r and E > the cap (a loan without a cap is not)."""
    effective = loan.effective_percent()
    if effective is None or cap is None:
        return effective, False
    return effective, effective >= RATE_FACTOR * loan.rate and effective > cap


def _names(ids: set[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def withheld_interest(as_of: date) -> list[Finding]:
    """Rule 6 (砍头息): claimants with at least 3 loans paid out below the agreed amount."""
    by_org: dict[int, list[Loan]] = defaultdict(list)
    for loan in _window_loans(as_of):
        if loan.withheld > 0:
            by_org[loan.institution_id].append(loan)
    hits = {org: loans for org, loans in by_org.items() if len(loans) >= WITHHELD_MIN_CASES}
    names = _names(set(hits))
    found = []
    for org, loans in sorted(hits.items()):
        total = sum((x.withheld for x in loans), Decimal(0))
        share = (sum((x.withheld / x.agreed for x in loans), Decimal(0)) / len(loans)).quantize(
            Decimal("0.0001"), ROUND_HALF_UP
        )
        name = names.get(org, "")
        found.append(
            Finding(
                kind=WarningKind.WITHHELD_INTEREST,
                subject_key=f"institution:{org}",
                subject_name=name,
                institution_id=org,
                score=len(loans) + (share * 100).quantize(Decimal(1), ROUND_HALF_UP),
                summary=(
                    f"{name}近两年起诉的{len(loans)}件借款实际出借金额低于合同约定借款金额，"
                    f"合计预扣{_yuan(total)}（平均占约定金额{_pct(share * 100)}%），疑似预先在本金中"
                    f"扣除利息（砍头息，民法典第六百七十条），达到{WITHHELD_MIN_CASES}件的预警线。"
                ),
                signals=[
                    signal(
                        "cases", "实际出借金额低于约定金额的案件数", len(loans), WITHHELD_MIN_CASES
                    ),
                    signal("withheld_total", "预扣金额合计（元）", f"{total.quantize(CENT)}", None),
                    signal("share_withheld", "平均预扣比例（占约定借款金额）", float(share), None),
                ],
                case_ids=sorted(x.case_id for x in loans),
            )
        )
    return found


def effective_rate(as_of: date) -> list[Finding]:
    """Rule 7 (实际利率畸高): claimants with at least 3 loans whose effective annual rate is
    ≥ 1.5 × the stated rate and above the legal cap."""
    caps = _Caps()
    by_org: dict[int, list[tuple[Loan, Decimal, Decimal]]] = defaultdict(list)
    for loan in _window_loans(as_of):
        cap = caps.cap(loan)
        effective, flagged = rate_flagged(loan, cap)
        if flagged and effective is not None and cap is not None:
            by_org[loan.institution_id].append((loan, effective, cap))
    hits = {org: rows for org, rows in by_org.items() if len(rows) >= RATE_MIN_CASES}
    names = _names(set(hits))
    found = []
    for org, rows in sorted(hits.items()):
        n = len(rows)
        top = max(e for _, e, _ in rows)
        mean_e = (sum((e for _, e, _ in rows), Decimal(0)) / n).quantize(CENT, ROUND_HALF_UP)
        mean_r = (sum((x.rate for x, _, _ in rows), Decimal(0)) / n).quantize(CENT, ROUND_HALF_UP)
        over = sum((e - c for _, e, c in rows), Decimal(0)) / n
        caps_seen = sorted({c for _, _, c in rows})
        cap_text = "、".join(f"{_pct(c)}%" for c in caps_seen)
        name = names.get(org, "")
        found.append(
            Finding(
                kind=WarningKind.EFFECTIVE_RATE,
                subject_key=f"institution:{org}",
                subject_name=name,
                institution_id=org,
                score=n + over.quantize(Decimal(1), ROUND_HALF_UP),
                summary=(
                    f"{name}近两年起诉的{n}件借款按实际出借金额计算的年利率平均{mean_e}%"
                    f"（最高{top}%），约定年利率平均{mean_r}%，达到约定利率的{RATE_FACTOR}倍且超过"
                    f"法定上限（{cap_text}），达到{RATE_MIN_CASES}件的预警线。"
                ),
                signals=[
                    signal("cases", "实际年利率畸高的案件数", n, RATE_MIN_CASES),
                    signal("effective_max", "最高实际年利率（%）", _pct(top), None),
                    signal("effective_mean", "平均实际年利率（%）", _pct(mean_e), None),
                    signal(
                        "stated_mean",
                        "平均约定年利率（%）",
                        _pct(mean_r),
                        f"实际利率≥约定利率×{RATE_FACTOR}",
                    ),
                    signal("cap", "法定利率上限（%）", cap_text, "实际利率须超过上限"),
                ],
                case_ids=sorted(x.case_id for x, _, _ in rows),
            )
        )
    return found


def follows(later: Loan, earlier: Loan) -> bool:
    """Whether `later` pays off `earlier`: paid out within 7 days before or after the earlier
    loan's term end and not smaller than it (the 套路贷 opinion, Art. 3: 转单平账)."""
    if later.case_id == earlier.case_id or later.disbursed_on is None or earlier.end is None:
        return False
    if earlier.disbursed_on is not None and later.disbursed_on < earlier.disbursed_on:
        return False
    near = abs((later.disbursed_on - earlier.end).days) <= SERIAL_DAYS
    return near and later.agreed >= earlier.agreed


def _order(loan: Loan) -> tuple[date, int]:
    return (loan.disbursed_on or date.max, loan.case_id)


def longest_chain(loans: list[Loan]) -> list[Loan]:
    """The longest chain of loans each following the one before (ties: the earliest chain)."""
    ordered = sorted(loans, key=_order)
    best: list[list[Loan]] = []
    for i, loan in enumerate(ordered):
        chain = [loan]
        for j in range(i):
            if follows(loan, ordered[j]) and len(best[j]) + 1 > len(chain):
                chain = [*best[j], loan]
        best.append(chain)
    return max(best, key=len, default=[])


def _defendants(case_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    links = CaseParty.objects.filter(role=PartyRole.DEFENDANT, case_id__in=case_ids)
    for case_id, party_id in links.values_list("case_id", "party_id"):
        out[case_id].append(party_id)
    return out


def _loan_text(loan: Loan) -> str:
    paid = loan.disbursed_on.isoformat() if loan.disbursed_on else "放款日不详"
    due = f"，{loan.end.isoformat()}到期" if loan.end else ""
    return f"{paid}放款，约定借款{_yuan(loan.agreed)}{due}"


def serial_loans(as_of: date) -> list[Finding]:
    """Rule 8 (转单平账): per claimant and borrower, a chain of at least 2 loans each paid out
    around the end of the one before and not smaller than it."""
    loans = _window_loans(as_of)
    parties = _defendants([x.case_id for x in loans])
    groups: dict[tuple[int, int], list[Loan]] = defaultdict(list)
    for loan in loans:
        for party_id in parties.get(loan.case_id, []):
            groups[(loan.institution_id, party_id)].append(loan)
    chains = {
        key: chain
        for key, group in groups.items()
        if len(group) >= SERIAL_MIN_LOANS and len(chain := longest_chain(group)) >= SERIAL_MIN_LOANS
    }
    org_names = _names({org for org, _ in chains})
    people = dict(Party.objects.filter(pk__in={p for _, p in chains}).values_list("pk", "name"))
    found = []
    for (org, party_id), chain in sorted(chains.items()):
        first, last = chain[0], chain[-1]
        person, name = people.get(party_id, ""), org_names.get(org, "")
        found.append(
            Finding(
                kind=WarningKind.SERIAL_LOANS,
                subject_key=f"institution:{org}:party:{party_id}",
                subject_name=f"{name}—{person}",
                institution_id=org,
                score=Decimal(10 * len(chain)),
                summary=(
                    f"{name}对借款人{person}的{len(chain)}笔借款首尾相接：每笔均在前一笔到期前后"
                    f"{SERIAL_DAYS}日内放出且金额不低于前一笔，借款金额由{_yuan(first.agreed)}"
                    f"累计至{_yuan(last.agreed)}，疑似以新借款偿还旧借款（转单平账、恶意垒高借款金额）。"
                ),
                signals=[
                    signal("chain_length", "首尾相接的借款笔数", len(chain), SERIAL_MIN_LOANS),
                    *(
                        signal(f"loan_{k}", f"第{k}笔（{x.label}）", _loan_text(x), None)
                        for k, x in enumerate(chain, start=1)
                    ),
                ],
                case_ids=[x.case_id for x in chain],
            )
        )
    return found


def _predecessor(case: Case, loan: Loan) -> Loan | None:
    """The earlier loan of the same claimant to one of the case's defendants that this loan
    follows (the latest one when several do)."""
    defendants = CaseParty.objects.filter(case=case, role=PartyRole.DEFENDANT).values("party_id")
    others = (
        Case.objects.filter(
            institution_id=case.institution_id,
            case_type=CaseType.FINANCIAL_LOAN,
            case_parties__role=PartyRole.DEFENDANT,
            case_parties__party_id__in=defendants,
        )
        .exclude(pk=case.pk)
        .distinct()
        .order_by("pk")
    )
    before = []
    for other in others:
        earlier = parse_loan(
            other.pk,
            other.institution_id,
            other.elements or {},
            received_on=local_day(other.created_at),
            label=other.case_number or other.contract_number,
        )
        if earlier is not None and follows(loan, earlier) and _order(earlier) < _order(loan):
            before.append(earlier)
    return max(before, key=_order, default=None)


def case_signals(case: Case) -> list[dict[str, Any]]:
    """One case's measurements, for the referral letter and pages: the withheld amount, the
    effective against the stated rate and the serial predecessor, each as
    {"signal", "label", "value", "threshold", "flagged"} with values as display strings
    (amounts in 元, rates in %); only what is found (an empty list for an ordinary loan)."""
    if case.case_type != CaseType.FINANCIAL_LOAN:
        return []
    loan = parse_loan(
        case.pk,
        case.institution_id,
        case.elements or {},
        received_on=local_day(case.created_at),
        label=case.case_number or case.contract_number,
    )
    if loan is None:
        return []
    out: list[dict[str, Any]] = []
    if loan.withheld > 0:
        share = (loan.withheld / loan.agreed * 100).quantize(CENT, ROUND_HALF_UP)
        out.append(
            {
                **signal(
                    WarningKind.WITHHELD_INTEREST.value,
                    "预扣利息（约定借款金额−实际出借金额）",
                    f"{_yuan(loan.withheld)}（约定{_yuan(loan.agreed)}，实际出借"
                    f"{_yuan(loan.disbursed)}，占{share}%）",
                    "大于0元",
                ),
                "flagged": True,
            }
        )
    cap = _Caps().cap(loan)
    effective, flagged = rate_flagged(loan, cap)
    if effective is not None and effective > loan.rate:
        cap_text = f"{_pct(cap)}%" if cap is not None else "不详"
        out.append(
            {
                **signal(
                    WarningKind.EFFECTIVE_RATE.value,
                    f"实际年利率（约定年利率{_pct(loan.rate)}%）",
                    f"{effective}%",
                    f"≥{_pct(RATE_FACTOR * loan.rate)}%且超过法定上限{cap_text}",
                ),
                "flagged": flagged,
            }
        )
    earlier = _predecessor(case, loan)
    if earlier is not None:
        out.append(
            {
                **signal(
                    WarningKind.SERIAL_LOANS.value,
                    "前一笔借款（转单平账）",
                    f"{earlier.label}：{_loan_text(earlier)}",
                    f"前笔到期前后{SERIAL_DAYS}日内放款且金额不低于前笔",
                ),
                "flagged": True,
            }
        )
    return out
