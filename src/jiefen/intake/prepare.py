"""Preparing rows for the writer: validate, screen, seal personal data — on every core.

Validation, the screening flags that need no database, blind indexes and the encryption of ID
numbers and contacts (PIPL Art. 51) are pure CPU work per row. For a large batch they run in
forked worker processes, one slice of rows each, while the parent process writes the previous
slice to the database; results come back in file order, so the writer and the duplicate check
see rows exactly as in the file. Small batches are prepared in-process.

What a worker sends back is only what the writer inserts — flat tuples of SQL parameters
(`CaseRow`, `PersonRow`), not the parsed `Record`s — so that pickling between processes and
the writer's own per-row Python stay small: the writer is the one process that cannot be
parallelised.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections.abc import Iterator
from datetime import date
from typing import Any

from jiefen.intake.format import MONEY_KEYS
from jiefen.intake.reader import Table
from jiefen.intake.screening import Screener
from jiefen.intake.validate import Record, RowError, validate_rows
from jiefen.intake.vector import clean_rows
from jiefen.privacy import blind_index, contact_index, encrypt

# What a worker sends back and the writer reads: plain tuples, which pickle at a third of the
# cost of NamedTuples and need no conversion in the writer (the one process that is not
# parallel). Field positions:
#
# PersonRow — a party as the writer inserts it if its blind index is new (first occurrence wins):
KEY, PARTY, CONTACTS, HAS_CONFIRMED = range(4)
#   KEY: blind index of the ID number; PARTY: the cases_party columns (see `compact`);
#   CONTACTS: the contract's contacts as (kind, sealed value, value index, confirmed,
#   e_service_consent);
#   HAS_CONFIRMED: one of those contacts is confirmed.
#
# CaseRow — one accepted row, screened and sealed:
(ROW, NUMBER, PRODUCT, CUT_OFF, AMOUNTS, ELEMENTS, OVER_CAP, LIMITATION, SMALL_CLAIMS) = range(9)
CONFIRMED, PEOPLE = 9, 10
#   AMOUNTS: MONEY_KEYS then claim_total, as strings; ELEMENTS: Case.elements as JSON;
#   CONFIRMED: the row says the borrower confirmed the contacts; PEOPLE: borrower first.
PersonRow = tuple[Any, ...]
CaseRow = tuple[Any, ...]
Prepared = tuple[list[CaseRow], list[RowError]]

# Set in the parent before forking; read by the workers (copy-on-write, never pickled).
_STATE: dict[str, Any] = {}


def _age(born: date, as_of: date) -> int:
    return as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))


def compact(records: list[Record], screener: Screener) -> list[CaseRow]:
    """Screen and encrypt records into the writer's rows."""
    clear: list[str] = []
    ids: list[str] = []
    for r in records:
        for p in (r.borrower, *r.guarantors):
            clear.extend((p.id_number, p.mobile, p.email, p.address))
            ids.append(p.id_number)
    sealed = iter([encrypt(v) for v in clear])
    indexes = iter([blind_index(v) for v in ids])
    threshold = screener.threshold
    as_of = screener.as_of
    out: list[CaseRow] = []
    for r in records:
        amounts = r.amounts
        people = []
        for p in (r.borrower, *r.guarantors):
            s_id, s_mobile, s_email, s_address = (
                next(sealed),
                next(sealed),
                next(sealed),
                next(sealed),
            )
            borrower = p.role == "defendant"
            confirmed = r.contact_confirmed and borrower
            consent = r.e_service_consent and borrower
            contacts = []
            if p.mobile:
                contacts.append(
                    ("mobile", s_mobile, contact_index("mobile", p.mobile), confirmed, consent)
                )
            if p.email:
                contacts.append(
                    ("email", s_email, contact_index("email", p.email), confirmed, consent)
                )
            if p.address:
                contacts.append(
                    ("address", s_address, contact_index("address", p.address), confirmed, False)
                )
            index = next(indexes)
            minor = p.birth_date is not None and _age(p.birth_date, as_of) < 18
            party = (
                "natural_person",
                p.name,
                "resident_id",
                s_id,
                index,
                p.sex,
                p.birth_date.isoformat() if p.birth_date else None,
                "",
                p.employer,
                p.address,
                p.division,
                "",
                minor,
            )
            people.append((index, party, tuple(contacts), confirmed and bool(contacts)))
        out.append(
            (
                r.row,
                r.contract_number,
                r.product,
                r.cut_off_date.isoformat(),
                (*[str(amounts[k]) for k in MONEY_KEYS], str(r.claim_total)),
                json.dumps(r.elements, ensure_ascii=False, separators=(",", ":")),
                screener.over_cap(r),
                screener.limitation_risk(r),
                threshold is not None and r.claim_total <= threshold,
                r.contact_confirmed,
                tuple(people),
            )
        )
    return out


def prepare_slice(job: tuple[int, int, list[list[Any]] | None]) -> Prepared:
    """Validate, screen and encrypt data rows [lo, hi); `cells` are the slice's columns as
    Python lists when the slice runs in a forked worker (see `prepared_slices`)."""
    table: Table = _STATE["table"]
    lo, hi, cells = job
    records, errors = validate_rows(table, lo, hi, trusted=_STATE.get("clean"), cells=cells)
    return compact(records, _STATE["screener"]), errors


def _worker_init() -> None:
    """Workers run a little below the writer's priority: the writer is the critical path (it
    alone cannot run in parallel), and the workers only need to stay one slice ahead of it.

    A forked worker inherits the parent's signal handlers; the task worker (`db_worker`)
    handles SIGTERM by finishing its task, so a pool worker keeping that handler would ignore
    the pool's own terminate() and the import would hang at 100 %. Workers take the defaults.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.nice(int(os.environ.get("JIEFEN_INTAKE_WORKER_NICE", "5")))


def prepared_slices(table: Table, screener: Screener, start: int, size: int) -> Iterator[Prepared]:
    """Prepared slices of `size` rows from data row `start` on, in file order."""
    bounds = [
        (lo, min(lo + size, table.frame.height)) for lo in range(start, table.frame.height, size)
    ]
    # Column-wise checks over the whole file at once (polars, all cores): rows that pass every
    # one of them skip the per-row checks; the others get the full per-row diagnosis.
    _STATE.update(table=table, screener=screener, clean=clean_rows(table))
    workers = min(os.cpu_count() or 1, 4)
    try:
        if len(bounds) < 3 or workers < 2:
            for lo, hi in bounds:
                yield prepare_slice((lo, hi, None))
            return
        # Forked workers must not call polars (its thread pool does not survive a fork, and a
        # child that uses it can hang): the parent hands each slice over as plain Python lists.
        jobs = (
            (lo, hi, [c.to_list() for c in table.frame.slice(lo, hi - lo).get_columns()])
            for lo, hi in bounds
        )
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_init) as pool:
            yield from pool.imap(prepare_slice, jobs)
    finally:
        _STATE.clear()
