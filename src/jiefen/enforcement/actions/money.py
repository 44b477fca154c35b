"""Enforcement money (执行款): receipts distributed, running totals, pay-outs to the creditor.

Every receipt of one title is distributed again, in date order, over *all* the receipts of the
title — those of the enforcement case it was resumed from (终本 → 执恢) included, because one
title fixes one debt (终本规定 Art. 9: the creditor resumes the enforcement of the original
title, crediting what was paid). The distribution is `jiefen.law.distribution.distribute`:
execution fee borne by the debtor (诉讼费用交纳办法 Arts. 20, 38), then the money debt
(实现债权的费用 → interest → principal, 民法典 Art. 561), then the doubled-part interest of
the delay (法释〔2014〕8号 Art. 4), any surplus returned to the debtor.

The paths are set-based: a file of 10,000 receipts is a few queries per 900 enforcements, the
distributions are computed in Python, and the rows written with bulk_create / bulk_update.
Re-uploading a file changes nothing (a receipt is identified by its enforcement and 流水号).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Field as DjangoField
from django.db.models import Model
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.access import in_scope, role_refusal
from jiefen.cases.actions import TransitionRefused, ids_digest, require, transition_many
from jiefen.enforcement.models import (
    Disbursement,
    Enforcement,
    EnforcementState,
    Receipt,
    ReceiptSource,
)
from jiefen.law.delay_interest import Payment
from jiefen.law.distribution import Distribution, GeneralInterestTerms, MoneyDebt, distribute
from jiefen.law.errors import LawError
from jiefen.law.money import FEN, ZERO
from jiefen.law.parameters import Parameters

CHUNK = 900  # below SQLite's bound-parameter limit for `pk IN (...)`
BATCH = 500  # rows per bulk INSERT / UPDATE statement

NOT_OPEN = "执行案件已结案/已终本，不能登记执行款"
UNKNOWN = "执行案件不存在或无权登记执行款"

# The CSV's 来源 column: the labels a court clerk or a bank writes, and the codes.
SOURCES: dict[str, str] = {
    "扣划": ReceiptSource.DEDUCTION,
    "主动履行": ReceiptSource.VOLUNTARY,
    "被执行人主动履行": ReceiptSource.VOLUNTARY,
    "执行和解": ReceiptSource.SETTLEMENT,
    "执行和解款": ReceiptSource.SETTLEMENT,
    **{s.value: s.value for s in ReceiptSource},
}
COLUMNS = ("执行案号", "流水号", "到账日期", "金额", "来源")

_ALLOCATED = (
    "to_execution_fee",
    "to_costs",
    "to_interest",
    "to_principal",
    "to_other",
    "to_delay_interest",
    "surplus",
)
_TOTALS = (
    "received",
    "fee_collected",
    "debt_outstanding",
    "delay_interest_outstanding",
    "first_payment_on",
    "updated_at",
)


class ReceiptFileError(TransitionRefused):
    """A receipts file that cannot be read; `errors` name the row, the field and the reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ReceiptRow:
    enforcement_id: int
    reference: str
    received_on: date
    amount: Decimal
    source: str  # ReceiptSource


@dataclass
class ReceiptReport:
    recorded: int = 0
    duplicates: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # 流水号 → reason (Chinese)
    performed: list[int] = field(default_factory=list)  # enforcement ids fully performed


# ---------------------------------------------------------------------------------------------
# The distribution of one title's receipts
# ---------------------------------------------------------------------------------------------


def _chunks[T](items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _with_ancestors(found: dict[int, Enforcement]) -> dict[int, Enforcement]:
    """`found` plus every enforcement they were resumed from (one query per generation)."""
    missing = {e.resumed_from_id for e in found.values() if e.resumed_from_id} - set(found)
    while missing:
        wanted = sorted(missing)
        for part in _chunks(wanted):
            for e in Enforcement.objects.filter(pk__in=part):
                found[e.pk] = e
        missing = {e.resumed_from_id for e in found.values() if e.resumed_from_id} - set(found)
    return found


def _chain(enforcement: Enforcement, rows: dict[int, Enforcement]) -> list[Enforcement]:
    """The enforcement cases of one title, the first filed (the root) first."""
    chain = [enforcement]
    while chain[-1].resumed_from_id:
        chain.append(rows[chain[-1].resumed_from_id])
    return chain[::-1]


def _receipts_of(enforcement_ids: Sequence[int]) -> dict[int, list[Receipt]]:
    found: dict[int, list[Receipt]] = defaultdict(list)
    for part in _chunks(sorted(set(enforcement_ids))):
        for r in Receipt.objects.filter(enforcement_id__in=part).order_by("received_on", "pk"):
            found[r.enforcement_id].append(r)
    return found


def general_interest_terms(root: Enforcement) -> GeneralInterestTerms | None:
    """The continuing general interest the title orders (计算至实际清偿之日), if any.

    Without a recorded start the interest is taken to run from the day after the performance
    period (the title then fixed the interest up to its end).
    """
    if not root.continuing_percent:
        return None
    return GeneralInterestTerms(
        annual_percent=root.continuing_percent,
        basis=root.continuing_basis,
        start=root.continuing_from or root.delay_from + timedelta(days=1),
    )


def _distribute(
    root: Enforcement,
    receipts: Sequence[Receipt],
    *,
    as_of: date | None = None,
    params: Parameters | None = None,
    direct: set[int] | frozenset[int] = frozenset(),
) -> Distribution:
    """The title's debt (the root's components) distributed over `receipts` (in date order).

    `direct` are the creditor's agents: a receipt one of them reported was paid to the creditor
    directly, so the execution fee is not taken from it (it stays owed to the court).

    `as_of` before the last receipt reads as of that receipt: what was received cannot be
    un-received (a page shown on a day before money recorded with a later date, e.g. the demo's
    time-travelled records on the real date)."""
    if as_of is not None and receipts:
        as_of = max(as_of, max(r.received_on for r in receipts))
    return distribute(
        MoneyDebt(
            costs=root.costs, interest=root.interest, principal=root.principal, other=root.other
        ),
        delay_from=root.delay_from,
        payments=[
            Payment(r.received_on, r.amount, to_court=r.created_by_id not in direct)
            for r in receipts
        ],
        as_of=as_of,
        execution_fee=root.execution_fee,
        general_interest=general_interest_terms(root),
        params=params,
    )


def _in_order(receipts: Iterable[Receipt]) -> list[Receipt]:
    """Date order; on one day, the order they were recorded in (stored pk, then new ones)."""
    listed = list(receipts)
    position = {id(r): i for i, r in enumerate(listed)}
    return sorted(listed, key=lambda r: (r.received_on, r.pk is None, r.pk or 0, position[id(r)]))


def _allocate(receipts: Sequence[Receipt], dist: Distribution) -> list[Receipt]:
    """Write each allocation onto its receipt; return the stored receipts whose split changed."""
    if len(dist.allocations) != len(receipts):  # pragma: no cover - the law's contract
        raise LawError("distribution returned a different number of allocations")
    changed = []
    for receipt, a in zip(receipts, dist.allocations, strict=True):
        values = (
            a.to_execution_fee,
            a.to_costs,
            a.to_interest,
            a.to_principal,
            a.to_other,
            a.to_delay_interest,
            a.surplus,
        )
        if any(getattr(receipt, f) != v for f, v in zip(_ALLOCATED, values, strict=True)):
            for f, v in zip(_ALLOCATED, values, strict=True):
                setattr(receipt, f, v)
            if receipt.pk is not None:
                changed.append(receipt)
    return changed


def _fully_performed(dist: Distribution) -> bool:
    return (
        dist.outstanding_debt <= ZERO
        and dist.outstanding_delay_interest <= ZERO
        and dist.outstanding_execution_fee <= ZERO
    )


def _set_totals(
    enforcement: Enforcement, own: Sequence[Receipt], dist: Distribution | None, now: Any
) -> bool:
    """Running totals of one enforcement: its own receipts' sums, and — for the current case
    of the title (`dist` given) — what is still owed on the title. True if anything changed."""
    values: dict[str, Any] = {
        "received": sum((r.amount for r in own), ZERO),
        "fee_collected": sum((r.to_execution_fee for r in own), ZERO),
        "first_payment_on": min((r.received_on for r in own), default=None),
    }
    if dist is not None:
        values["debt_outstanding"] = dist.outstanding_debt
        values["delay_interest_outstanding"] = dist.outstanding_delay_interest
    if all(getattr(enforcement, k) == v for k, v in values.items()):
        return False
    for k, v in values.items():
        setattr(enforcement, k, v)
    enforcement.updated_at = now
    return True


def creditor_agents(receipts: Iterable[Receipt], *also: User | None) -> set[int]:
    """The creditor's agents among those who recorded `receipts` (and `also`): what they
    report, the debtor paid the creditor directly (one query)."""
    creators = {r.created_by_id for r in receipts if r.created_by_id}
    agents = {u.pk for u in also if u is not None and u.role == Role.BANK_AGENT}
    if creators:
        agents |= set(
            User.objects.filter(pk__in=creators, role=Role.BANK_AGENT).values_list("pk", flat=True)
        )
    return agents


def ledger(enforcement: Enforcement, *, as_of: date | None = None) -> Distribution:
    """The title's distribution recomputed for pages and statements (read-only).

    Covers the receipts of `enforcement` and of the cases it was resumed from; `as_of` defaults
    to the last receipt's date (the law's default), pass a later day to see the interest accrued
    since.
    """
    rows = _with_ancestors({enforcement.pk: enforcement})
    chain = _chain(enforcement, rows)
    receipts = _receipts_of([e.pk for e in chain])
    ordered = _in_order(r for e in chain for r in receipts.get(e.pk, []))
    direct = creditor_agents(ordered)
    return _distribute(chain[0], ordered, as_of=as_of, params=_parameters(), direct=direct)


def ledgers(
    enforcements: Sequence[Enforcement], *, as_of: date | None = None
) -> dict[int, Distribution]:
    """`ledger` for many enforcements at once (a few queries for all of them), by id."""
    rows = _with_ancestors({e.pk: e for e in enforcements})
    chains = {e.pk: _chain(e, rows) for e in enforcements}
    receipts = _receipts_of([x.pk for c in chains.values() for x in c])
    params = _parameters()
    direct = creditor_agents(r for rs in receipts.values() for r in rs)
    return {
        pk: _distribute(
            chain[0],
            _in_order(r for x in chain for r in receipts.get(x.pk, [])),
            as_of=as_of,
            params=params,
            direct=direct,
        )
        for pk, chain in chains.items()
    }


def _parameters() -> Parameters:
    from jiefen.lawdata.selectors import current_parameters

    return current_parameters()


# ---------------------------------------------------------------------------------------------
# Recording receipts
# ---------------------------------------------------------------------------------------------


def _row_refusal(row: ReceiptRow, today: date) -> str | None:
    if not row.reference.strip():
        return "流水号不能为空"
    if len(row.reference) > 64:
        return f"流水号{row.reference}：流水号不能超过64个字符"
    if row.source not in ReceiptSource.values:
        return f"流水号{row.reference}：来源「{row.source}」无效"
    if row.amount <= ZERO:
        return f"流水号{row.reference}：金额必须大于零"
    if row.amount != row.amount.quantize(FEN):
        return f"流水号{row.reference}：金额最多保留两位小数"
    if row.received_on > today:
        return f"流水号{row.reference}：到账日期{row.received_on:%Y-%m-%d}晚于今天，不能登记"
    return None


def _locked(by: User | None, ids: Sequence[int]) -> dict[int, Enforcement]:
    """The enforcements among `ids` that `by` may act on, locked in id order.

    An enforcement is in scope exactly when its case is (`access.visible_enforcements`); the
    cases are checked with `access.in_scope`, one query on the case table per chunk.
    """
    found: dict[int, Enforcement] = {}
    for part in _chunks(sorted(set(ids))):
        rows = list(Enforcement.objects.select_for_update().filter(pk__in=part).order_by("pk"))
        scope = in_scope(by, sorted({e.case_id for e in rows}))
        found.update((e.pk, e) for e in rows if e.case_id in scope)
    return found


def _update_rows(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Write `fields` of stored rows with one `UPDATE … WHERE id = %s` run through
    `executemany` (what `bulk_update` does, without its per-row CASE expressions, which cost
    about a millisecond per row and field to build: 10,000 receipts must take seconds)."""
    if not rows:
        return
    meta = rows[0]._meta
    columns = []
    for name in fields:
        f = meta.get_field(name)
        assert isinstance(f, DjangoField) and f.column  # concrete columns only
        columns.append(f)
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(c.column))} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(str(meta.pk.column))} = %s"
    params = [
        [c.get_db_prep_save(getattr(r, c.attname), connection) for c in columns] + [r.pk]
        for r in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 1000):
            cursor.executemany(sql, params[start : start + 1000])


def _mover(by: User | None) -> User | None:
    """Who makes the `record_receipt` and `close` moves of the cases the receipts touch.

    A creditor reports money the debtor paid it directly (`enforcement.record_payment`), but the
    moves of the enforcement lifecycle are the court's: the platform makes them on its report.
    """
    return by if role_refusal(by, "record_receipt") is None else None


def record_receipts(rows: Sequence[ReceiptRow], *, by: User | None) -> ReceiptReport:
    """Record money received for enforcement cases and distribute every touched title again.

    A bank agent records only for its own institution's cases, an officer for theirs, the
    system (the enforcement account feed, `by=None`) for all. Each row is refused with its
    reason (unknown or foreign case, case not open, amount, future date); a 流水号 already
    recorded for the title is a duplicate and changes nothing. The fully performed cases are
    closed (`closing.close_performed`), the receipts' 收款收据 rendered after commit.
    """
    require(by, "enforcement.record_payment")
    report = ReceiptReport()
    if not rows:
        return report
    today = timezone.localdate()
    with transaction.atomic():
        touched = _locked(by, [r.enforcement_id for r in rows])
        everything = _with_ancestors(dict(touched))
        chains = {pk: _chain(e, everything) for pk, e in touched.items()}
        stored = _receipts_of(list(everything))
        known = {
            pk: {r.reference for x in chain for r in stored.get(x.pk, [])}
            for pk, chain in chains.items()
        }
        fresh: dict[int, list[Receipt]] = defaultdict(list)
        for row in rows:
            reason = _row_refusal(row, today)
            enforcement = touched.get(row.enforcement_id)
            if reason is None and enforcement is None:
                reason = f"流水号{row.reference}：{UNKNOWN}"
            if reason:
                report.refused[row.reference] = reason
                continue
            assert enforcement is not None
            if row.reference in known[enforcement.pk]:
                report.duplicates += 1
                continue
            if enforcement.state != EnforcementState.OPEN:
                report.refused[row.reference] = (
                    f"流水号{row.reference}：{NOT_OPEN}（{enforcement.number}"
                    f"{EnforcementState(enforcement.state).label}；终本案件须先恢复执行）"
                )
                continue
            known[enforcement.pk].add(row.reference)
            fresh[enforcement.pk].append(
                Receipt(
                    enforcement_id=enforcement.pk,
                    source=row.source,
                    reference=row.reference,
                    received_on=row.received_on,
                    amount=row.amount,
                    created_by=by,
                )
            )
        params = _parameters()
        direct = creditor_agents((r for rs in stored.values() for r in rs), by)
        now = timezone.now()
        changed_receipts: list[Receipt] = []
        changed_totals: list[Enforcement] = []
        created: list[Receipt] = []
        performed: dict[int, date] = {}
        for pk, new in fresh.items():
            chain = chains[pk]
            ordered = _in_order([*(r for x in chain for r in stored.get(x.pk, [])), *new])
            try:
                dist = _distribute(chain[0], ordered, params=params, direct=direct)
            except LawError as exc:
                for r in new:
                    report.refused[r.reference] = f"流水号{r.reference}：执行款无法分配（{exc}）"
                continue
            changed_receipts += _allocate(ordered, dist)
            created += new
            for x in chain:
                own = [r for r in ordered if r.enforcement_id == x.pk]
                if _set_totals(x, own, dist if x.pk == pk else None, now):
                    changed_totals.append(x)
            if _fully_performed(dist):
                performed[pk] = ordered[-1].received_on
        Receipt.objects.bulk_create(created, batch_size=BATCH)
        _update_rows(changed_receipts, _ALLOCATED)
        _update_rows(changed_totals, _TOTALS)
        report.recorded = len(created)
        if created:
            _after_recording(created, touched, performed, by=by, report=report)
    return report


def _after_recording(
    created: list[Receipt],
    touched: dict[int, Enforcement],
    performed: dict[int, date],
    *,
    by: User | None,
    report: ReceiptReport,
) -> None:
    """The case moves, the audit record, closing the performed cases, the receipts' documents."""
    total = sum((r.amount for r in created), ZERO)
    case_ids = sorted({touched[r.enforcement_id].case_id for r in created})
    reporter = "" if _mover(by) is by else f"（申请执行人{by.full_name if by else ''}报告）"
    transition_many(
        case_ids,
        "record_receipt",
        by=_mover(by),
        note=f"执行款到账{len(created)}笔，合计{total:.2f}元{reporter}",
        job="enforcement_receipts",
    )
    audit(
        actor_id=by.pk if by else None,
        action="enforcement.receipts_recorded",
        object_type="enforcements",
        object_id=len({r.enforcement_id for r in created}),
        payload={
            "recorded": len(created),
            "duplicates": report.duplicates,
            "refused": len(report.refused),
            "total": f"{total:.2f}",
            "receipts": ids_digest([r.pk for r in created]),
            "performed": ids_digest(sorted(performed)),
        },
    )
    if performed:
        from jiefen.enforcement.actions import closing

        by_day: dict[date, list[int]] = defaultdict(list)
        for pk, on in performed.items():
            by_day[on].append(pk)
        for on, ids in sorted(by_day.items()):
            closing.close_performed(sorted(ids), by=_mover(by), on=on)
        report.performed = sorted(performed)
    receipt_ids = [r.pk for r in created]
    transaction.on_commit(lambda: _enqueue_receipt_documents(receipt_ids))


def _enqueue_receipt_documents(receipt_ids: list[int]) -> None:
    """收款收据 of the new receipts, rendered by the worker (one task per 1,000 receipts)."""
    from jiefen.enforcement.tasks import render_documents_task

    for start in range(0, len(receipt_ids), 1000):
        render_documents_task.enqueue([], receipt_ids[start : start + 1000])


# ---------------------------------------------------------------------------------------------
# Receipts files
# ---------------------------------------------------------------------------------------------


def _parse_date(text: str) -> date:
    cleaned = text.replace("/", "-").replace(".", "-")
    parts = cleaned.split("-")
    if len(parts) != 3:
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_receipts_csv(text: str) -> list[tuple[str, str, date, Decimal, str]]:
    """Rows of a receipts file: 执行案号, 流水号, 到账日期, 金额, 来源 (扣划/主动履行/执行和解).

    Returns (number, reference, received_on, amount, ReceiptSource value) per row. Every
    error of the file is collected and raised at once as `ReceiptFileError`, each naming the
    row (the header is row 1) and the field: 第3行「金额」：……
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ReceiptFileError([f"第1行：缺少列「{c}」" for c in missing])
    where = {c: header.index(c) for c in COLUMNS}
    rows: list[tuple[str, str, date, Decimal, str]] = []
    errors: list[str] = []
    for line, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {c: (raw[i].strip() if i < len(raw) else "") for c, i in where.items()}
        row_errors: list[str] = []
        for c in ("执行案号", "流水号"):
            if not cells[c]:
                row_errors.append(f"第{line}行「{c}」：不能为空")
        if len(cells["流水号"]) > 64:
            row_errors.append(f"第{line}行「流水号」：不能超过64个字符")
        received_on: date | None = None
        try:
            received_on = _parse_date(cells["到账日期"])
        except ValueError:
            row_errors.append(
                f"第{line}行「到账日期」：「{cells['到账日期']}」不是有效日期（格式如2026-01-31）"
            )
        amount: Decimal | None = None
        text_amount = cells["金额"].replace(",", "").replace("，", "")
        try:
            amount = Decimal(text_amount)
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            row_errors.append(f"第{line}行「金额」：「{cells['金额']}」不是有效金额")
        else:
            if amount <= ZERO:
                row_errors.append(f"第{line}行「金额」：必须大于零")
            elif amount != amount.quantize(FEN):
                row_errors.append(f"第{line}行「金额」：最多保留两位小数")
        source = SOURCES.get(cells["来源"])
        if source is None:
            row_errors.append(
                f"第{line}行「来源」：「{cells['来源']}」无效，应为扣划、主动履行或执行和解"
            )
        if row_errors:
            errors += row_errors
            continue
        assert received_on is not None and amount is not None and source is not None
        rows.append((cells["执行案号"], cells["流水号"], received_on, amount, source))
    if errors:
        raise ReceiptFileError(errors)
    if not rows:
        raise ReceiptFileError(["文件没有数据行"])
    return rows


def record_receipts_csv(text: str, *, by: User | None) -> ReceiptReport:
    """Read a receipts file and record it: 执行案号 → the enforcement case (scoped like
    `record_receipts`; an unknown number is refused like a foreign one)."""
    require(by, "enforcement.record_payment")
    parsed = parse_receipts_csv(text)
    numbers = sorted({p[0] for p in parsed})
    ids: dict[str, int] = {}
    for part in _chunks(numbers):
        ids.update(Enforcement.objects.filter(number__in=part).values_list("number", "pk"))
    rows: list[ReceiptRow] = []
    unknown: dict[str, str] = {}
    for number, reference, received_on, amount, source in parsed:
        if number in ids:
            rows.append(ReceiptRow(ids[number], reference, received_on, amount, source))
        else:
            unknown[reference] = f"流水号{reference}：{UNKNOWN}（{number}）"
    report = record_receipts(rows, by=by)
    report.refused.update(unknown)
    return report


# ---------------------------------------------------------------------------------------------
# Paying out to the creditor
# ---------------------------------------------------------------------------------------------


def _held(receipts: Iterable[Receipt], reported_by_creditor: set[int]) -> Decimal:
    """What the court holds of `receipts` for the creditor: each receipt less the execution
    fee taken from it and the surplus returned to the debtor. Money the debtor paid the
    creditor directly (reported by the creditor's agent) never reached the court's account."""
    return sum(
        (
            r.amount - r.to_execution_fee - r.surplus
            for r in receipts
            if r.created_by_id not in reported_by_creditor
        ),
        ZERO,
    )


def disburse(enforcement_ids: list[int], *, by: User, on: date | None = None) -> int:
    """Pay out to the creditor what the court holds for it (发还执行款); returns the number of
    pay-outs made. Held = received − execution fee collected − surplus − already paid out.
    Idempotent: a second run pays nothing more."""
    require(by, "enforcement.disburse")
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(by, enforcement_ids)
        receipts = _receipts_of(list(locked))
        creditors = creditor_agents(r for rs in receipts.values() for r in rs)
        payouts: list[Disbursement] = []
        now = timezone.now()
        for pk, e in locked.items():
            amount = _held(receipts.get(pk, []), creditors) - e.paid_out
            if amount <= ZERO:
                continue
            payouts.append(Disbursement(enforcement=e, paid_on=day, amount=amount, created_by=by))
            e.paid_out += amount
            e.updated_at = now
        Disbursement.objects.bulk_create(payouts, batch_size=BATCH)
        _update_rows([d.enforcement for d in payouts], ["paid_out", "updated_at"])
        if payouts:
            audit(
                actor_id=by.pk,
                action="enforcement.disbursed",
                object_type="enforcements",
                object_id=len(payouts),
                payload={
                    "paid_on": day.isoformat(),
                    "total": f"{sum((d.amount for d in payouts), ZERO):.2f}",
                    **ids_digest([d.enforcement_id for d in payouts]),
                },
            )
    return len(payouts)
