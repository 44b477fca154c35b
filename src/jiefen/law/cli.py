"""Command line for the law rules: ``jiefen law <command> …`` (or ``python -m jiefen.law.cli``).

Prints one JSON object on stdout, amounts as strings; an error prints a message on
stderr and exits with status 2. The Django management command ``law`` is a thin
wrapper that passes the parameters merged with the admin-entered rows.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jiefen.law.caps import annual_cap_percent
from jiefen.law.case_numbers import CaseNumber, parse_case_number
from jiefen.law.delay_interest import Payment, delayed_performance_interest
from jiefen.law.distribution import MoneyDebt, distribute
from jiefen.law.errors import LawError
from jiefen.law.fees import FEE_KINDS, HALF_ROUNDINGS, FeePolicy, HalfRounding, compute_fee
from jiefen.law.identifiers import check_resident_id
from jiefen.law.interest import days_between, simple_interest
from jiefen.law.money import ROUNDINGS, amount_in_words, to_fen
from jiefen.law.parameters import Parameters, load_parameters
from jiefen.law.periods import PROCEDURES, HolidayCalendar, period_in_days, period_in_months
from jiefen.law.service import CHANNELS, ServiceFacts, service_effect
from jiefen.law.small_claims import small_claims_limits


class CliError(Exception):
    """A usage or input error reported with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit with its own format
        raise CliError(message)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")


def _datetime(text: str) -> datetime | date:
    """A court-local date or date-time: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], YYYY-MM-DD HH:MM."""
    if _DATETIME.fullmatch(text.strip()):
        try:
            if len(text.strip()) == 10:
                return date.fromisoformat(text.strip())
            return datetime.fromisoformat(text.strip())
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(
        f"不是有效的日期或时间：{text!r}（格式 YYYY-MM-DD、YYYY-MM-DDTHH:MM[:SS] 或 YYYY-MM-DD HH:MM）"
    )


def _service_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是有效的日期：{text!r}（格式 YYYY-MM-DD）") from None


def _one_of(values: Sequence[str], what: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in values:
            raise argparse.ArgumentTypeError(f"{what}只能是 {'、'.join(values)}：{text!r}")
        return text

    return check


def _s(value: Decimal) -> str:
    """Decimal as a plain string (no exponent, no float)."""
    return format(value, "f")


def _fee(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    half = HalfRounding(args.half_rounding)
    policy = FeePolicy(halve_after_rounding=args.halve_after_rounding, half_rounding=half)
    if args.rounding:
        policy = FeePolicy(
            rounding=args.rounding,
            halve_after_rounding=args.halve_after_rounding,
            application_rounding=args.rounding,
            half_rounding=half,
        )
    result = compute_fee(
        args.kind, args.amount, halve=args.halve, policy=policy, as_of=args.as_of, params=params
    )
    return {
        "kind": result.kind,
        "amount": _s(result.amount),
        "exact": _s(
            result.exact.normalize() if result.exact == result.exact.to_integral() else result.exact
        ),
        "full": _s(result.full),
        "payable": _s(result.payable),
    }


def _interest(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    if args.days is not None:
        if args.start or args.end:
            raise CliError("give either --days or --start/--end, not both")
        days = args.days
    else:
        if not (args.start and args.end):
            raise CliError("give --days N or both --start and --end")
        days = days_between(args.start, args.end)
    value = simple_interest(
        args.principal, args.rate, days, basis=args.basis, multiplier=args.multiplier
    )
    return {"days": days, "interest": _s(value)}


def _cap(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    result = annual_cap_percent(
        args.lender,
        args.contract_date,
        court_policy=args.court_policy,
        filed_on=args.filed_on,
        params=params,
    )
    return {"annual_cap_percent": _s(result.annual_cap_percent), "basis": result.basis}


def _delay(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    result = delayed_performance_interest(args.debt, expiry=args.start, end=args.end, params=params)
    return {"days": result.days, "doubled_interest": _s(result.doubled_interest)}


def _payment(text: str) -> Payment:
    """``DATE:AMOUNT`` (2024-01-31:100525) → a positive :class:`Payment`."""
    day, sep, amount = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"付款应写成 日期:金额（如 2024-01-31:100525）：{text!r}")
    try:
        on = date.fromisoformat(day.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"付款日期无效（格式 YYYY-MM-DD）：{day!r}（{text!r}）"
        ) from None
    try:
        value = Decimal(amount.strip().replace(",", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"付款金额不是数字：{amount!r}（{text!r}）") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"付款金额必须为正数：{amount!r}（{text!r}）")
    return Payment(on, value)


def _money(value: Decimal) -> str:
    return _s(to_fen(value))


def _distribute(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    if not args.payment:
        raise CliError("至少需要一笔付款：--payment 日期:金额")
    if args.debt < 0:
        raise CliError(f"债务金额不得为负数：{_s(args.debt)}")
    result = distribute(
        MoneyDebt(principal=args.debt),
        delay_from=args.delay_from,
        payments=args.payment,
        params=params,
    )
    return {
        "allocations": [
            {
                "date": a.on.isoformat(),
                "amount": _money(a.amount),
                "to_debt": _money(a.to_debt),
                "to_delay_interest": _money(a.to_delay_interest),
                "surplus": _money(a.surplus),
            }
            for a in result.allocations
        ],
        "delay_interest_accrued": _money(result.delay_interest_accrued),
        "outstanding_debt": _money(result.outstanding_debt),
        "outstanding_delay_interest": _money(result.outstanding_delay_interest),
    }


def _deadline(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    calendar = HolidayCalendar.from_params(params)
    if (args.days is None) == (args.months is None):
        raise CliError("give exactly one of --days N or --months N")
    if args.days is not None:
        period = period_in_days(args.event_date, args.days, calendar=calendar)
    else:
        period = period_in_months(args.event_date, args.months, calendar=calendar)
    return {"deadline": period.deadline.isoformat()}


def _case_number(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    if args.parse:
        number = parse_case_number(args.parse)
    else:
        missing = [n for n in ("year", "court", "type", "seq") if getattr(args, n) is None]
        if missing:
            raise CliError(f"missing --{', --'.join(missing)} (or use --parse S)")
        number = CaseNumber(args.year, args.court, args.type, args.seq)
    return {
        "case_number": str(number),
        "year": number.year,
        "court_code": number.court_code,
        "type_code": number.type_code,
        "seq": number.seq,
    }


def _id(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    result = check_resident_id(args.check)
    return {
        "valid": result.valid,
        "birth_date": result.birth_date.isoformat() if result.birth_date else None,
        "division": result.division,
    }


def _words(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    return {"amount": _s(args.amount), "words": amount_in_words(args.amount)}


def _small_claims(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    limits = small_claims_limits(args.province, args.as_of, params=params)
    return {
        "province": limits.province,
        "wage_year": limits.wage.year,
        "average_wage": _s(limits.wage.amount),
        "threshold": _s(limits.threshold),
        "agreement_limit": _s(limits.agreement_limit),
    }


def _service(args: argparse.Namespace, params: Parameters) -> dict[str, Any]:
    facts = ServiceFacts(
        channel=args.channel,
        consent=args.consent == "yes",
        address_confirmed=args.address == "confirmed",
        procedure=args.procedure,
        sent=args.sent,
        delivered=args.delivered,
        read=args.read,
        signed=args.signed,
        returned=args.returned,
        published=args.published,
    )
    effect = service_effect(
        facts, calendar=HolidayCalendar.from_params(params), params=params, as_of=args.as_of
    )
    return {
        "effective": effect.effective,
        "served_on": effect.served_on.isoformat() if effect.served_on else None,
        "reason": effect.reason,
    }


Handler = Callable[[argparse.Namespace, Parameters], dict[str, Any]]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jiefen law", description="Compute legal figures (JSON on stdout).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("fee", help="litigation fee (诉讼费用交纳办法)")
    p.add_argument("--kind", required=True, choices=FEE_KINDS)
    p.add_argument("--amount", required=True, type=_decimal)
    p.add_argument(
        "--halve", action="store_true", help="mediation / withdrawal / summary procedure"
    )
    p.add_argument("--rounding", choices=ROUNDINGS)
    p.add_argument(
        "--halve-after-rounding", action="store_true", help="round the full fee, then halve it"
    )
    p.add_argument(
        "--half-rounding",
        choices=HALF_ROUNDINGS,
        default=HalfRounding.KEEP_HALF_YUAN.value,
        help="whole_yuan: every payable fee in whole yuan (the half rounded again); "
        "keep_half_yuan: keep 0.50 on a halved fee and the fen on application fees (default)",
    )
    p.add_argument("--as-of", type=_date, help="filing date (selects the fee schedule)")
    p.set_defaults(handler=_fee)

    p = sub.add_parser("interest", help="simple interest, rounded half-up to the fen")
    p.add_argument("--principal", required=True, type=_decimal)
    p.add_argument("--rate", required=True, type=_decimal, help="annual rate in percent")
    p.add_argument("--multiplier", type=_decimal, default=Decimal(1))
    p.add_argument("--days", type=int)
    p.add_argument("--start", type=_date)
    p.add_argument("--end", type=_date)
    p.add_argument("--basis", type=int, choices=(360, 365), default=360)
    p.set_defaults(handler=_interest)

    p = sub.add_parser("cap", help="annual interest cap")
    p.add_argument("--lender", required=True, choices=("bank", "private"))
    p.add_argument("--contract-date", required=True, type=_date)
    p.add_argument("--court-policy", choices=("24pct", "4lpr"), default="24pct")
    p.add_argument("--filed-on", type=_date, help="needed for contracts before 2020-08-20")
    p.set_defaults(handler=_cap)

    p = sub.add_parser("delay-interest", help="doubled part of delayed-performance interest")
    p.add_argument("--debt", required=True, type=_decimal)
    p.add_argument("--start", required=True, type=_date, help="last day of the performance period")
    p.add_argument("--end", required=True, type=_date, help="payment date")
    p.set_defaults(handler=_delay)

    p = sub.add_parser(
        "distribute",
        help="distribute payments over the debt and the doubled part (执行款分配, 法释〔2014〕8号)",
    )
    p.add_argument("--debt", required=True, type=_decimal, help="money debt fixed by the title")
    p.add_argument(
        "--from",
        dest="delay_from",
        required=True,
        type=_date,
        help="last day of the performance period (counted as delay-interest --start)",
    )
    p.add_argument(
        "--payment",
        action="append",
        type=_payment,
        default=[],
        metavar="DATE:AMOUNT",
        help="a payment, e.g. 2024-01-31:100525 (repeat for several)",
    )
    p.set_defaults(handler=_distribute)

    p = sub.add_parser("deadline", help="last day of a period after an event")
    p.add_argument("--event-date", required=True, type=_date)
    p.add_argument("--days", type=int)
    p.add_argument("--months", type=int)
    p.set_defaults(handler=_deadline)

    p = sub.add_parser("case-number", help="format or parse a case number")
    p.add_argument("--parse")
    p.add_argument("--year", type=int)
    p.add_argument("--court")
    p.add_argument("--type")
    p.add_argument("--seq", type=int)
    p.set_defaults(handler=_case_number)

    p = sub.add_parser("id", help="check a resident ID number")
    p.add_argument("--check", required=True)
    p.set_defaults(handler=_id)

    p = sub.add_parser("words", help="RMB amount in words (人民币大写)")
    p.add_argument("--amount", required=True, type=_decimal)
    p.set_defaults(handler=_words)

    p = sub.add_parser("small-claims", help="small-claims threshold of a province")
    p.add_argument("--province", required=True)
    p.add_argument("--as-of", required=True, type=_date)
    p.set_defaults(handler=_small_claims)

    p = sub.add_parser("service", help="whether a service attempt took effect (送达), and when")
    p.add_argument(
        "--channel", required=True, type=_one_of(CHANNELS, "送达方式"), metavar="|".join(CHANNELS)
    )
    p.add_argument(
        "--consent", type=_one_of(("yes", "no"), "--consent"), default="no", metavar="yes|no"
    )
    p.add_argument(
        "--address",
        type=_one_of(("confirmed", "unconfirmed"), "--address"),
        default="unconfirmed",
        metavar="confirmed|unconfirmed",
    )
    p.add_argument(
        "--procedure",
        type=_one_of(PROCEDURES, "审理程序"),
        default="ordinary",
        metavar="|".join(PROCEDURES),
    )
    for name in ("sent", "delivered", "read"):
        p.add_argument(f"--{name}", type=_datetime, metavar="DATETIME")
    for name in ("signed", "returned", "published"):
        p.add_argument(f"--{name}", type=_service_date, metavar="DATE")
    p.add_argument("--as-of", type=_service_date, metavar="DATE", help="day of the check")
    p.set_defaults(handler=_service)
    return parser


def main(argv: Sequence[str] | None = None, *, params: Parameters | None = None) -> int:
    """Run one command; returns the exit status (0 or 2)."""
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        handler: Handler = args.handler
        output = handler(args, params if params is not None else load_parameters())
    except (CliError, LawError, ValueError, TypeError, ArithmeticError) as exc:
        print(f"jiefen law: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(output, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
