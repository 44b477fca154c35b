"""Preparing rows for the writer: validate, screen, seal personal data — on every core.

Validation, the screening flags that need no database, blind indexes and the encryption of ID
numbers and contacts (PIPL Art. 51) are pure CPU work per row. For a large batch they run in
forked worker processes, one slice of rows each, while the parent process writes the previous
slice to the database; results come back in file order, so the writer and the duplicate check
see rows exactly as in the file. Small batches are prepared in-process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from typing import Any

from jiefen.intake.format import MONEY_KEYS
from jiefen.intake.reader import Table
from jiefen.intake.screening import Screener
from jiefen.intake.validate import Record, RowError, validate_rows
from jiefen.privacy import blind_index, encrypt

Prepared = tuple[list[Record], list[RowError], dict[int, str]]

# Set in the parent before forking; read by the workers (copy-on-write, never pickled).
_STATE: dict[str, Any] = {}


def seal(records: list[Record], screener: Screener) -> None:
    """Blind indexes, ciphertexts, element JSON and database-free flags for each record."""
    for r in records:
        r.elements_json = json.dumps(r.elements, ensure_ascii=False)
        r.over_cap = screener.over_cap(r)
        r.limitation_risk = screener.limitation_risk(r)
        r.small_claims_eligible = (
            screener.threshold is not None and r.claim_total <= screener.threshold
        )
        for p in (r.borrower, *r.guarantors):
            p.index = blind_index(p.id_number)
            p.sealed = {"id_number": encrypt(p.id_number)}
            for kind in ("mobile", "email", "address"):
                value = getattr(p, kind)
                if value:
                    p.sealed[kind] = encrypt(value)
        # What crosses back to the writer is only what it inserts: keep the payload small.
        r.amount_params = (*(str(r.amounts[k]) for k in MONEY_KEYS), str(r.claim_total))
        r.elements = {}


def prepare_slice(bounds: tuple[int, int]) -> Prepared:
    table: Table = _STATE["table"]
    lo, hi = bounds
    records, errors = validate_rows(table, lo, hi)
    seal(records, _STATE["screener"])
    numbers = dict(
        enumerate(table.frame["contract_number"].slice(lo, hi - lo).to_list(), start=lo + 2)
    )
    return records, errors, numbers


def prepared_slices(table: Table, screener: Screener, start: int, size: int) -> Iterator[Prepared]:
    """Prepared slices of `size` rows from data row `start` on, in file order."""
    bounds = [
        (lo, min(lo + size, table.frame.height)) for lo in range(start, table.frame.height, size)
    ]
    _STATE.update(table=table, screener=screener)
    workers = min(os.cpu_count() or 1, 4)
    try:
        if len(bounds) < 3 or workers < 2:
            for b in bounds:
                yield prepare_slice(b)
            return
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            yield from pool.imap(prepare_slice, bounds)
    finally:
        _STATE.clear()
