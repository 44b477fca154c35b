"""Benchmark: enforcement (执行) of N effective judgments, a series at a time.

    uv run python benchmarks/enforcement.py --cases 10000

Setup (not timed): a fresh JIEFEN_VAR_DIR and database (SQLite, or `DATABASE_URL`), the demo
court with its two enforcement officers and the bank; N cases in one series whose judgments are
effective and whose performance period has passed unpaid (bulk rows: what the judgment stage
leaves, benchmarked by `judgment.py`); the registry simulator (`jiefen.enforcement.
registry_simulator`, real HTTP on 127.0.0.1) seeded so that 60 % of the debtors hold a deposit
(half of them enough to pay everything), 10 % a vehicle, 5 % only a namesake's deposit (same
name, another ID number) and the rest nothing.

Timed (`seconds`, wall clock), as the stage runs it: the applications prepared by the sweep and
submitted by the bank in one go (执 numbers, execution fee, balanced officers, execution notices);
the online inquiry of every debtor through the simulator in bulk requests, and the answers
collected; each officer freezes the matched deposits of their cases and deducts them the same
day; the deductions are distributed (法释〔2014〕8号: the money debt first, then the doubled-part
interest; the execution fee from the debtor) and fully paid cases are closed. Documents are
queued for the worker (`render_documents_task`), not rendered here.

Checked (exit 1 if wrong): one enforcement per case with a unique 执 number; no namesake's asset
frozen; every receipt's distribution adds up to its amount; the cases closed are exactly those
whose deposit covers the debt, the execution fee and one day of doubled-part interest, computed
here from the generated data and the fee schedule of 诉讼费用交纳办法 Art. 14.

Baseline, same run: the one-case-at-a-time path on `--sample` further cases — one application
submitted, one inquiry request per debtor, one freeze and one deduction order per asset.
`ratio` = baseline seconds per case / batched seconds per case. The last line printed is the
JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏"
PERFORMANCE_ENDS = date(2025, 9, 30)
FILED_ON = PERFORMANCE_ENDS + timedelta(days=1)
PRINCIPAL = Decimal("40000.00")
INTEREST = Decimal("2000.00")
FEE_BORNE = Decimal("412.50")  # acceptance fee borne by the defendant (halved)
DEBT = PRINCIPAL + INTEREST + FEE_BORNE
CENT = Decimal("0.01")


def _setup(var_dir: Path) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _id_number(i: int, division: str = "500105") -> str:
    """A valid resident ID number (GB 11643-1999 check character) for borrower `i`; unique for
    i < 21,000 within one division (birth date and sequence cycle with lcm(40, 12, 28, 1000))."""
    body = f"{division}{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _profile(i: int) -> str:
    """What borrower `i` holds: the benchmark's own expectation, independent of jiefen."""
    r = i % 20
    if r < 6:
        return "rich"  # a deposit covering everything
    if r < 12:
        return "partial"  # a deposit of a fifth of the debt
    if r < 14:
        return "vehicle"
    if r < 15:
        return "namesake"
    return "nothing"


def _deposit(i: int) -> Decimal:
    return (DEBT * 2) if _profile(i) == "rich" else (DEBT / 5).quantize(CENT)


def _owed_on_day_one() -> Decimal:
    """Debt + execution fee (0.015 X − 100 for 10,000 < X ≤ 500,000) + one day of the doubled
    part on the non-interest debt (0.0175 %)."""
    fee = (DEBT * Decimal("0.015") - 100).quantize(CENT, rounding=ROUND_HALF_UP)
    delay = ((PRINCIPAL + FEE_BORNE) * Decimal("0.000175")).quantize(CENT, rounding=ROUND_HALF_UP)
    return DEBT + fee + delay


def _make_cases(n: int, start: int, staff: dict[str, Any]) -> dict[int, int]:
    """Bulk-insert `n` cases with effective, unpaid judgments; return case id → borrower index."""
    from django.db import transaction

    from jiefen.cases.models import Case, CaseParty, CaseType, IdType, Party, PartyKind, PartyRole
    from jiefen.cases.states import State
    from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
    from jiefen.privacy import blind_index

    numbers = range(start, start + n)
    signed = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
    awarded = {
        "principal": float(PRINCIPAL),
        "interest": float(INTEREST),
        "penalty_interest": 0,
        "compound_interest": 0,
        "fees": 0,
        "liquidated_damages": 0,
        "lawyer_fees": 0,
    }
    with transaction.atomic():
        parties = Party.objects.bulk_create(
            [
                Party(
                    kind=PartyKind.NATURAL_PERSON,
                    name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + str(i),
                    id_type=IdType.RESIDENT_ID,
                    id_number=_id_number(i),
                    id_index=blind_index(_id_number(i)),
                    domicile=f"重庆市江北区建新北路{i}号",
                    birth_date=date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                )
                for i in numbers
            ],
            batch_size=1000,
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    case_type=CaseType.FINANCIAL_LOAN,
                    state=State.EFFECTIVE,
                    institution=staff["bank"],
                    court=staff["court"],
                    series=staff["series"],
                    contract_number=f"ENF-{i:08d}",
                    product="个人消费贷款",
                    cut_off_date=date(2025, 6, 30),
                    principal=PRINCIPAL,
                    interest=INTEREST,
                    claim_total=PRINCIPAL + INTEREST,
                    case_number=f"（2025）渝0105民初{i}号",
                    procedure="summary",
                    filed_on=date(2025, 7, 1),
                    acceptance_fee=FEE_BORNE,
                    judge=staff["judge"],
                    clerk=staff["clerk"],
                )
                for i in numbers
            ],
            batch_size=1000,
        )
        CaseParty.objects.bulk_create(
            [
                CaseParty(case=c, party=p, role=PartyRole.DEFENDANT)
                for c, p in zip(cases, parties, strict=True)
            ],
            batch_size=1000,
        )
        Judgment.objects.bulk_create(
            [
                Judgment(
                    case=c,
                    kind=DecisionKind.JUDGMENT,
                    state=DecisionState.EFFECTIVE,
                    default=True,
                    computation={
                        "case_number": c.case_number,
                        "awarded": awarded,
                        "awarded_total": float(PRINCIPAL + INTEREST),
                        "acceptance_fee": float(FEE_BORNE),
                        "fee_plaintiff": 0,
                        "fee_defendants": float(FEE_BORNE),
                        "performance_days": 10,
                        "guarantors": [],
                    },
                    awarded_total=PRINCIPAL + INTEREST,
                    signed_by=staff["judge"],
                    signed_at=signed,
                    pronounced_on=signed.date(),
                    effective_on=PERFORMANCE_ENDS - timedelta(days=10),
                    performance_ends=PERFORMANCE_ENDS,
                    enforceable=True,
                )
                for c in cases
            ],
            batch_size=1000,
        )
    return {c.pk: i for i, c in zip(numbers, cases, strict=True)}


def _holders(indices: list[int]) -> list[dict[str, Any]]:
    holders = []
    for i in indices:
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + str(i)
        profile = _profile(i)
        if profile in ("rich", "partial"):
            holders.append(
                {
                    "id_number": _id_number(i),
                    "name": name,
                    "assets": [
                        {
                            "kind": "deposit",
                            "registry": "中国工商银行重庆江北支行",
                            "identifier": f"6222{i:015d}",
                            "value": str(_deposit(i)),
                        }
                    ],
                }
            )
        elif profile == "vehicle":
            holders.append(
                {
                    "id_number": _id_number(i),
                    "name": name,
                    "assets": [
                        {
                            "kind": "vehicle",
                            "registry": "重庆市公安局交通管理局",
                            "identifier": f"渝A{i % 100000:05d}",
                            "description": "小型轿车",
                            "value": "60000.00",
                        }
                    ],
                }
            )
        elif profile == "namesake":
            other = _id_number(i, division="110105")  # a namesake registered in Beijing
            holders.append(
                {
                    "id_number": other,
                    "name": name,
                    "assets": [
                        {
                            "kind": "deposit",
                            "registry": "中国建设银行重庆分行",
                            "identifier": f"6217{i:015d}",
                            "value": "90000.00",
                        }
                    ],
                }
            )
    return holders


def _enforce_batched(case_ids: list[int], staff: dict[str, Any], on: date) -> dict[str, float]:
    """The stage as it runs: applications, inquiries, freezes, deductions (timed by phase)."""
    from jiefen.enforcement.actions import (
        collect_answers,
        deduct,
        freeze,
        prepare_applications,
        start_inquiries,
        submit_applications,
    )
    from jiefen.enforcement.models import Application, Asset, AssetKind, Enforcement, Inquiry

    phases: dict[str, float] = {}
    t = time.perf_counter()
    prepare_applications(today=on)
    ids = list(
        Application.objects.filter(case_id__in=case_ids, state="prepared").values_list(
            "pk", flat=True
        )
    )
    result = submit_applications(ids, by=staff["agent"], on=on)
    if result.refused:
        raise SystemExit(f"applications refused: {list(result.refused.items())[:3]}")
    phases["filing"] = time.perf_counter() - t

    t = time.perf_counter()
    enforcement_ids = list(
        Enforcement.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
    )
    start_inquiries(enforcement_ids, by=None, on=on)
    while Inquiry.objects.filter(enforcement_id__in=enforcement_ids, state="pending").exists():
        collect_answers(by=None)
    phases["inquiry"] = time.perf_counter() - t

    t = time.perf_counter()
    for officer in staff["officers"]:
        deposits = list(
            Asset.objects.filter(
                enforcement__officer=officer,
                enforcement_id__in=enforcement_ids,
                kind=AssetKind.DEPOSIT,
                matched=True,
            ).values_list("pk", flat=True)
        )
        freeze(deposits, by=officer, on=on)
    phases["freeze"] = time.perf_counter() - t

    t = time.perf_counter()
    for officer in staff["officers"]:
        frozen = list(
            Asset.objects.filter(
                enforcement__officer=officer, enforcement_id__in=enforcement_ids, frozen__gt=0
            ).values_list("pk", flat=True)
        )
        deduct(frozen, by=officer, on=on)
    phases["deduct_and_distribute"] = time.perf_counter() - t
    return phases


def _enforce_one_by_one(case_ids: list[int], staff: dict[str, Any], on: date) -> None:
    """The baseline: each case on its own, one request per debtor, one order per asset."""
    from jiefen.enforcement.actions import (
        collect_answers,
        deduct,
        freeze,
        prepare_applications,
        start_inquiries,
        submit_applications,
    )
    from jiefen.enforcement.models import Application, Asset, AssetKind, Enforcement, Inquiry

    prepare_applications(today=on)
    for case_id in case_ids:
        app = Application.objects.get(case_id=case_id, state="prepared")
        submit_applications([app.pk], by=staff["agent"], on=on)
        enforcement = Enforcement.objects.get(case_id=case_id)
        start_inquiries([enforcement.pk], by=None, on=on)
        while Inquiry.objects.filter(enforcement=enforcement, state="pending").exists():
            collect_answers(by=None)
        for asset in Asset.objects.filter(
            enforcement=enforcement, kind=AssetKind.DEPOSIT, matched=True
        ):
            freeze([asset.pk], by=enforcement.officer, on=on)
            deduct([asset.pk], by=enforcement.officer, on=on)


def _check(cases: dict[int, int], problems: list[str]) -> dict[str, int]:
    from django.db.models import Count

    from jiefen.cases.models import Case
    from jiefen.cases.states import State
    from jiefen.enforcement.models import Asset, Enforcement, Receipt

    ids = list(cases)
    enforcements = Enforcement.objects.filter(case_id__in=ids)
    per_case = enforcements.values("case_id").annotate(n=Count("pk")).filter(n__gt=1)
    if enforcements.count() != len(ids) or per_case.exists():
        problems.append(f"{enforcements.count()} enforcements for {len(ids)} cases")
    numbers = list(enforcements.values_list("number", flat=True))
    if len(set(numbers)) != len(numbers) or not all("执" in n for n in numbers):
        problems.append("enforcement numbers are not unique 执 numbers")
    if Asset.objects.filter(enforcement__case_id__in=ids, matched=False, frozen__gt=0).exists():
        problems.append("a namesake's asset was frozen")
    for r in Receipt.objects.filter(enforcement__case_id__in=ids).iterator():
        parts = (
            r.to_execution_fee
            + r.to_costs
            + r.to_interest
            + r.to_principal
            + r.to_other
            + r.to_delay_interest
            + r.surplus
        )
        if parts != r.amount:
            problems.append(f"receipt {r.reference}: parts {parts} != amount {r.amount}")
            break
    owed = _owed_on_day_one()
    expected = {pk for pk, i in cases.items() if _profile(i) == "rich" and _deposit(i) >= owed}
    closed = set(Case.objects.filter(pk__in=ids, state=State.CLOSED).values_list("pk", flat=True))
    if closed != expected:
        problems.append(
            f"closed {len(closed)} cases, expected {len(expected)} "
            f"(e.g. {sorted(closed ^ expected)[:3]})"
        )
    received = sum(
        (
            r
            for r in Receipt.objects.filter(enforcement__case_id__in=ids).values_list(
                "amount", flat=True
            )
        ),
        Decimal(0),
    )
    return {"closed": len(closed), "receipts_total": int(received)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=100, help="cases in the one-by-one baseline")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jiefen-bench-enforcement-"))
    _setup(workdir)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    import time_machine

    from jiefen.accounts.models import Organisation, Role, User
    from jiefen.cases.models import Series
    from jiefen.demo.staff import seed_staff
    from jiefen.enforcement.registry_simulator import start_in_thread

    seed_staff()
    court = Organisation.objects.get(code="渝0105")
    bank = Organisation.objects.get(code="BANK01")
    staff = {
        "court": court,
        "bank": bank,
        "agent": User.objects.filter(role=Role.BANK_AGENT, organisation=bank).order_by("pk")[0],
        "clerk": User.objects.get(username="clerk1"),
        "judge": User.objects.filter(role=Role.JUDGE, organisation=court).order_by("pk")[0],
        "officers": list(
            User.objects.filter(role=Role.ENFORCEMENT_OFFICER, organisation=court).order_by("pk")
        ),
        "series": Series.objects.get_or_create(
            institution=bank, court=court, case_type="financial_loan", product="个人消费贷款"
        )[0],
    }
    t = time.perf_counter()
    main_set = _make_cases(args.cases, 1, staff)
    sample_set = _make_cases(args.sample, args.cases + 1, staff)
    server = start_in_thread(0, {"holders": _holders(list(main_set.values()))})
    server.add_holders(_holders(list(sample_set.values())))
    os.environ["JIEFEN_REGISTRY_URL"] = server.url
    from django.conf import settings

    settings.JIEFEN_REGISTRY_URL = server.url
    setup_seconds = time.perf_counter() - t

    problems: list[str] = []
    on = FILED_ON
    with time_machine.travel(datetime(on.year, on.month, on.day, 2, 0, tzinfo=UTC), tick=True):
        started = time.perf_counter()
        phases = _enforce_batched(list(main_set), staff, on)
        seconds = time.perf_counter() - started
        counts = _check(main_set, problems)

        started = time.perf_counter()
        _enforce_one_by_one(list(sample_set), staff, on)
        baseline = time.perf_counter() - started
    server.shutdown()

    per_case = seconds / args.cases
    baseline_per_case = baseline / args.sample
    print(
        f"setup {setup_seconds:.1f} s; batched {seconds:.1f} s for {args.cases} cases "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in phases.items())}); one by one "
        f"{baseline:.1f} s for {args.sample} cases; closed {counts['closed']}"
    )
    for p in problems:
        print(f"PROBLEM: {p}")
    print(
        json.dumps(
            {
                "name": "enforcement",
                "items": args.cases,
                "seconds": round(seconds, 2),
                "phases": {k: round(v, 2) for k, v in phases.items()},
                "baseline": "one case at a time (one request per debtor, one order per asset)",
                "baseline_ms_per_case": round(baseline_per_case * 1000, 1),
                "ms_per_case": round(per_case * 1000, 2),
                "ratio": round(baseline_per_case / per_case, 1),
                "closed": counts["closed"],
                "ok": not problems,
            }
        )
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
