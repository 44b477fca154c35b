"""The writers of the intake stage: create a batch, import it chunk by chunk, resume it.

`create_batch` stores the file under its SHA-256 and creates the batch once: the same file or
the same idempotency key of an institution finds the existing batch (unique constraints decide
races, also between concurrent requests). `process_batch` validates the whole file, then writes
the accepted rows in chunks, each chunk one transaction that inserts parties (de-duplicated by
blind index), contacts, cases (already screened: state `screening`, one bulk set of
`CaseEvent`s, one audit record per chunk), links and error rows, and advances the batch's
`rows_done` cursor. A worker killed at any point loses at most its open chunk, which the next
run redoes; a contract number is unique per institution in the database, so no case is ever
written twice. Writes are set-based (`executemany`), never per-row ORM saves.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, ids_digest, require
from jiefen.cases.models import Case, Series
from jiefen.cases.states import BY_NAME, State
from jiefen.intake import uploads
from jiefen.intake.bulk import insert_rows
from jiefen.intake.format import MONEY_KEYS
from jiefen.intake.models import Batch, BatchError, BatchStatus, ErrorKind, Policy
from jiefen.intake.prepare import (
    CONTACTS,
    HAS_CONFIRMED,
    KEY,
    NUMBER,
    PARTY,
    PEOPLE,
    PRODUCT,
    ROW,
    CaseRow,
    PersonRow,
    Prepared,
    prepared_slices,
)
from jiefen.intake.reader import FileRefused, read_table, sniff
from jiefen.intake.screening import Screener
from jiefen.intake.validate import DuplicateCheck, RowError
from jiefen.settings.env import env

log = logging.getLogger(__name__)


def chunk_size() -> int:
    """Rows per transaction: big enough for executemany to pay, small enough to lose little."""
    return int(getattr(settings, "JIEFEN_INTAKE_CHUNK", 0) or env("JIEFEN_INTAKE_CHUNK", "5000"))


_IN = 900  # parameters per IN (...) list, below every backend's limit
SCREEN = BY_NAME["screen"]


class IdempotencyConflict(Exception):
    """The idempotency key was already used for a different file (message in Chinese)."""


def _throttle() -> None:
    """Optional pause between chunks (ms), to spare a shared database or to test crash safety."""
    pause = int(
        getattr(settings, "JIEFEN_INTAKE_THROTTLE_MS", 0) or env("JIEFEN_INTAKE_THROTTLE_MS", "0")
    )
    if pause:
        time.sleep(pause / 1000)


# --------------------------------------------------------------------------- create


def find_existing(institution: Organisation, sha256: str, key: str | None) -> Batch | None:
    query = Q(file_sha256=sha256)
    if key:
        query |= Q(idempotency_key=key)
    found = list(Batch.objects.filter(query, institution=institution).order_by("id")[:2])
    if key:
        keyed = [b for b in found if b.idempotency_key == key]
        if keyed and keyed[0].file_sha256 != sha256:
            raise IdempotencyConflict("该幂等键（Idempotency-Key）已用于另一个文件")
        if keyed:
            return keyed[0]
    return found[0] if found else None


def create_batch(
    institution: Organisation,
    court: Organisation,
    data: bytes,
    file_name: str,
    *,
    by: User | None,
    key: str | None = None,
    policy: str = Policy.REJECT_FAILED_ROWS,
) -> tuple[Batch, bool]:
    """Register an upload; return (batch, created). Refuses unreadable files (FileRefused).

    Only the institution's own agent (or the administrator, or a command run by the operator)
    submits a batch; anyone else is refused (TransitionRefused) before anything is read.
    """
    require(by, "intake.submit_batch")
    if by is not None and by.role == Role.BANK_AGENT and by.organisation_id != institution.pk:
        raise TransitionRefused("只能提交本机构的批量数据")
    if policy not in Policy.values:
        raise ValueError(f"unknown policy {policy!r}")
    key = (key or "").strip() or None
    sha256 = hashlib.sha256(data).hexdigest()
    existing = find_existing(institution, sha256, key)
    if existing is not None:
        return existing, False
    # Bounded checks only (type, encoding, header, zip bombs); the worker parses the file.
    sniffed = sniff(data, file_name)
    # Encrypted at rest; concurrent uploads of the same file each replace it atomically.
    path = uploads.save(data, sha256)
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                institution=institution,
                court=court,
                case_type=sniffed.case_type,  # an XLSX's is set by the worker
                file_name=file_name[:255],
                uploaded_by=by,
                policy=policy,
                file_sha256=sha256,
                file_size=len(data),
                stored_path=path,
                idempotency_key=key,
            )
            audit(
                actor_id=by.pk if by else None,
                action="intake.batch_created",
                object_type="batch",
                object_id=batch.pk,
                payload={
                    "sha256": sha256,
                    "file": file_name,
                    "size": len(data),
                    "case_type": sniffed.case_type,
                    "policy": policy,
                },
            )
    except IntegrityError:
        existing = find_existing(institution, sha256, key)
        if existing is None:
            raise
        return existing, False
    return batch, True


# --------------------------------------------------------------------------- process


def process_batch(batch_id: int) -> Batch:
    """Import a batch to the end (or resume it); safe to run twice or concurrently."""
    batch = Batch.objects.select_related("court", "institution").get(pk=batch_id)
    if batch.finished:
        return batch
    Batch.objects.filter(pk=batch_id, started_at__isnull=True).update(started_at=timezone.now())
    Batch.objects.filter(pk=batch_id).update(
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        table = read_table(uploads.load(batch.stored_path), batch.file_name)
    except (FileRefused, uploads.UnreadableUpload) as exc:
        return _fail(batch, str(exc))
    if (batch.rows_total, batch.case_type) != (table.frame.height, table.case_type):
        # The request only sniffed the file; the parse decides its size and (XLSX) its type.
        batch.rows_total, batch.case_type = table.frame.height, table.case_type
        Batch.objects.filter(pk=batch_id).update(
            rows_total=batch.rows_total, case_type=batch.case_type
        )
    as_of = timezone.localdate(batch.created_at)
    screener = Screener(
        batch.court.interest_cap_policy or "24pct",
        batch.court.province,
        as_of,
        lender="private" if batch.institution.is_private_lender else "bank",
    )
    start = batch.rows_done
    # Rows already written in an earlier run still count as first occurrences.
    duplicates = DuplicateCheck(table)
    size = chunk_size()

    def checked(lo: int, prepared: Prepared) -> tuple[list[CaseRow], list[RowError]]:
        cases, errors = prepared
        hi = min(lo + size, batch.rows_total)
        return duplicates.apply(cases, errors, lo, hi, row_of=operator.itemgetter(ROW))

    slices = zip(
        range(start, batch.rows_total, size),
        prepared_slices(table, screener, start, size),
        strict=True,
    )
    if batch.policy == Policy.REJECT_ALL:
        everything = [checked(lo, s) for lo, s in slices]
        errors = [e for _, errs in everything for e in errs]
        if errors:
            return _reject_all(batch, errors)
        ready: Iterable[tuple[list[CaseRow], list[RowError]]] = everything
    else:
        ready = (checked(lo, s) for lo, s in slices)
    _tune_connection()
    series: dict[str, int] = {}
    cursor = start
    for cases, errors in ready:
        end = min(cursor + size, batch.rows_total)
        _write_chunk(batch, cursor, end, cases, errors, series)
        cursor = end
        _throttle()
    return _finish(batch, screener)


def _tune_connection() -> None:
    """SQLite: a page cache big enough for the case table's indexes during a bulk write."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: up to 256 MB, used as needed


def _fail(batch: Batch, message: str) -> Batch:
    with transaction.atomic():
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, message=message, finished_at=timezone.now()
        )
        BatchError.objects.create(
            batch=batch, row=0, column="", reason=message[:300], kind=ErrorKind.FILE
        )
        audit(
            actor_id=None,
            action="intake.batch_failed",
            object_type="batch",
            object_id=batch.pk,
            payload={"message": message},
        )
    batch.refresh_from_db()
    return batch


def _reject_all(batch: Batch, errors: Sequence[RowError]) -> Batch:
    """Policy reject_all: nothing is imported; every error is reported."""
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.finished:
            return locked
        _insert_errors(batch.pk, errors)
        bad_rows = len({e.row for e in errors})
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.REJECTED,
            rows_done=batch.rows_total,
            rejected=bad_rows,
            message=f"共{bad_rows}行有错误，按“有任一错误即整批退回”的要求，本批次未导入任何案件",
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        audit(
            actor_id=None,
            action="intake.batch_rejected",
            object_type="batch",
            object_id=batch.pk,
            payload={"rows_with_errors": bad_rows},
        )
    batch.refresh_from_db()
    return batch


def _finish(batch: Batch, screener: Screener) -> Batch:
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.RUNNING and locked.rows_done >= locked.rows_total:
            count = Case.objects.filter(batch_id=batch.pk).values("series_id").distinct().count()
            Batch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.DONE,
                series_count=count,
                screening_notes=screener.notes,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
            audit(
                actor_id=None,
                action="intake.batch_done",
                object_type="batch",
                object_id=batch.pk,
                payload={
                    "accepted": locked.accepted,
                    "rejected": locked.rejected,
                    "duplicates": locked.duplicates,
                    "series": count,
                    "notes": screener.notes,
                },
            )
    batch.refresh_from_db()
    return batch


def _series_ids(batch: Batch, products: Iterable[str]) -> dict[str, int]:
    """Series of this institution, case type, product and court (系列案), made if missing."""
    ids: dict[str, int] = {}
    for product in sorted(products):
        series, _ = Series.objects.get_or_create(
            institution_id=batch.institution_id,
            court_id=batch.court_id,
            case_type=batch.case_type,
            product=product,
        )
        ids[product] = series.pk
    return ids


# --------------------------------------------------------------------------- one chunk


def _chunks(items: Sequence[Any], size: int = _IN) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _select_in(sql: str, head: Sequence[Any], values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `sql` (ending in `IN ({})`) over `values` in slices; return all rows.

    PostgreSQL takes the whole list as one array parameter (`= ANY(%s)`) instead.
    """
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if values:
                cursor.execute(sql.replace("IN ({})", "= ANY(%s)"), [*head, list(values)])
                out.extend(cursor.fetchall())
            return out
        for part in _chunks(values):
            cursor.execute(sql.format(",".join(["%s"] * len(part))), [*head, *part])
            out.extend(cursor.fetchall())
    return out


def _dt(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _write_chunk(
    batch: Batch,
    lo: int,
    hi: int,
    cases: list[CaseRow],
    errors: list[RowError],
    series: dict[str, int],
) -> None:
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.rows_done != lo or locked.finished:
            return  # another run wrote this chunk already
        now = timezone.now()
        existing = dict(
            _select_in(
                "SELECT contract_number, batch_id FROM cases_case WHERE institution_id = %s "
                "AND contract_number IN ({})",
                [batch.institution_id],
                [c[NUMBER] for c in cases],
            )
        )
        dup_errors = [
            RowError(
                c[ROW],
                "合同编号",
                f"该合同已在批次{existing[c[NUMBER]]}中导入，不重复立案",
                c[NUMBER],
                ErrorKind.DUPLICATE,
            )
            for c in cases
            if c[NUMBER] in existing
        ]
        fresh = [c for c in cases if c[NUMBER] not in existing]
        series.update(_series_ids(batch, {c[PRODUCT] for c in fresh} - series.keys()))
        party_ids, confirmed = _write_parties(fresh, now)
        case_ids, flagged = _write_cases(batch, fresh, party_ids, confirmed, series, now)
        lost = [c for c in fresh if c[ROW] not in case_ids]  # taken by a concurrent batch
        dup_errors += [
            RowError(
                c[ROW],
                "合同编号",
                "该合同已由同时进行的其他批次导入，不重复立案",
                c[NUMBER],
                ErrorKind.DUPLICATE,
            )
            for c in lost
        ]
        _insert_errors(batch.pk, [*errors, *dup_errors])
        accepted = len(case_ids)
        if case_ids:
            audit(
                actor_id=batch.uploaded_by_id,
                action="case.screen.bulk",
                object_type="batch",
                object_id=batch.pk,
                payload={
                    "job": f"intake_batch:{batch.pk}",
                    **ids_digest(list(case_ids.values())),
                    "rows": [lo + 2, hi + 1],
                    "to": str(SCREEN.target),
                },
            )
        Batch.objects.filter(pk=batch.pk).update(
            rows_done=hi,
            accepted=F("accepted") + accepted,
            rejected=F("rejected") + len({e.row for e in errors}),
            duplicates=F("duplicates") + len(dup_errors),
            flagged=F("flagged") + flagged,
            heartbeat_at=now,
        )


_PARTY_COLUMNS = (
    "kind",
    "name",
    "id_type",
    "id_number",
    "id_index",
    "sex",
    "birth_date",
    "ethnicity",
    "employer",
    "domicile",
    "domicile_division",
    "legal_representative",
    "is_minor",
)
_CONTACT_COLUMNS = (
    "party_id",
    "kind",
    "value",
    "value_index",
    "source",
    "confirmed",
    "e_service_consent",
    "supplied_at",
)
_CASE_COLUMNS = (
    "case_type",
    "state",
    "institution_id",
    "court_id",
    "series_id",
    "batch_id",
    "batch_row",
    "contract_number",
    "product",
    "cut_off_date",
    *MONEY_KEYS,
    "claim_total",
    "elements",
    "over_cap",
    "limitation_risk",
    "unreachable",
    "small_claims_eligible",
    "procedure",
    "created_at",
    "updated_at",
)


def _write_parties(cases: Sequence[CaseRow], now: datetime) -> tuple[dict[str, int], set[int]]:
    """Insert parties not yet known (by blind index) and their contract contacts.

    The first row of the chunk naming a person decides their contacts (as in the file).
    Returns party id by blind index and the ids of parties with a confirmed contact.
    """
    persons: dict[str, PersonRow] = {}
    for c in cases:
        for p in c[PEOPLE]:
            persons.setdefault(p[KEY], p)
    indexes = list(persons)
    known = dict(
        _select_in("SELECT id_index, id FROM cases_party WHERE id_index IN ({})", [], indexes)
    )
    new = [i for i in indexes if i not in known]
    before = _max_id("cases_party")
    insert_rows(
        "cases_party", _PARTY_COLUMNS, [persons[i][PARTY] for i in new], conflict=("id_index",)
    )
    created = _ids_after("cases_party", "id_index", before, set(new))
    missing = [i for i in new if i not in created]  # PostgreSQL: a concurrent batch's party
    if missing:
        created.update(
            _select_in("SELECT id_index, id FROM cases_party WHERE id_index IN ({})", [], missing)
        )
    stamp = _dt(now)
    contacts = [
        (party_id, kind, value, value_index, "contract", confirmed, consent, stamp)
        for index, party_id in created.items()
        for kind, value, value_index, confirmed, consent in persons[index][CONTACTS]
    ]
    insert_rows("cases_contact", _CONTACT_COLUMNS, contacts)
    confirmed_ids = {
        pid
        for (pid,) in _select_in(
            "SELECT DISTINCT party_id FROM cases_contact WHERE confirmed = %s AND party_id IN ({})",
            [True],
            list(known.values()),
        )
    }
    confirmed_ids.update(
        created[p[KEY]] for p in persons.values() if p[HAS_CONFIRMED] and p[KEY] in created
    )
    return {**known, **created}, confirmed_ids


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return int(cursor.fetchone()[0])


def _ids_after(table: str, key: str, before: int, wanted: set[str]) -> dict[str, int]:
    """`key` → id of the rows above id `before` whose key is wanted (a primary-key range scan)."""
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, id FROM {table} WHERE id > %s", [before])
        return {k: i for k, i in cursor.fetchall() if k in wanted}


def _write_cases(
    batch: Batch,
    cases: Sequence[CaseRow],
    party_ids: dict[str, int],
    confirmed: set[int],
    series: dict[str, int],
    now: datetime,
) -> tuple[dict[int, int], int]:
    """Insert the cases (state `screening`), their parties and the `screen` events.

    Returns case id by spreadsheet row for the cases this chunk inserted, and how many of
    them carry a screening flag.
    """
    if not cases:
        return {}, 0
    stamp = _dt(now)
    batch_id = batch.pk
    head = (batch.case_type, State.SCREENING, batch.institution_id, batch.court_id)
    rows = []
    flagged_rows: set[int] = set()
    for (
        row,
        number,
        product,
        cut_off,
        amounts,
        elements,
        over_cap,
        limitation,
        small,
        *rest,
    ) in cases:
        confirmed_row, people = rest
        unreachable = not (confirmed_row or party_ids[people[0][KEY]] in confirmed)
        if over_cap or limitation or unreachable:
            flagged_rows.add(row)
        rows.append(
            (
                *head,
                series[product],
                batch_id,
                row,
                number,
                product,
                cut_off,
                *amounts,
                elements,
                over_cap,
                limitation,
                unreachable,
                small,
                "",
                stamp,
                stamp,
            )
        )
    before = _max_id("cases_case")
    insert_rows("cases_case", _CASE_COLUMNS, rows, conflict=("institution_id", "contract_number"))
    with connection.cursor() as cursor:
        # New ids are above every id visible before the insert (sequence / rowid order); this
        # batch's rows among them are the ones this chunk inserted (the batch row is locked).
        cursor.execute(
            "SELECT batch_row, id FROM cases_case WHERE id > %s AND batch_id = %s",
            [before, batch_id],
        )
        case_ids: dict[int, int] = dict(cursor.fetchall())
    links: dict[tuple[int, int, str], int] = {}
    events = []
    actor = batch.uploaded_by_id
    people_of = {c[ROW]: c[PEOPLE] for c in cases}
    for row, case_id in case_ids.items():
        for position, p in enumerate(people_of[row]):
            role = "guarantor" if position else "defendant"
            links.setdefault((case_id, party_ids[p[KEY]], role), max(position, 1))
        events.append(
            (
                case_id,
                SCREEN.name,
                State.RECEIVED,
                SCREEN.target,
                actor,
                stamp,
                f"批次{batch_id}第{row}行导入",
            )
        )
    insert_rows(
        "cases_caseparty",
        ("case_id", "party_id", "role", "position"),
        [(*key, position) for key, position in links.items()],
    )
    insert_rows(
        "cases_caseevent",
        ("case_id", "transition", "from_state", "to_state", "actor_id", "at", "note"),
        events,
    )
    return case_ids, len(flagged_rows.intersection(case_ids))


def _insert_errors(batch_id: int, errors: Sequence[RowError]) -> None:
    BatchError.objects.bulk_create(
        (
            BatchError(
                batch_id=batch_id,
                row=e.row,
                column=e.column[:64],
                reason=e.reason[:300],
                value=e.value[:200],
                kind=e.kind,
            )
            for e in errors
        ),
        batch_size=2000,
    )


# --------------------------------------------------------------------------- resume


def stale_batches(older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Batches whose worker stopped (killed, machine lost) and that must be resumed."""
    limit = timezone.now() - older_than
    return list(
        Batch.objects.filter(status__in=[BatchStatus.RUNNING, BatchStatus.QUEUED])
        .filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit))
        .values_list("pk", flat=True)
    )


def summary(batch: Batch) -> dict[str, Any]:
    """The JSON object `jiefen import_batch` prints and the API returns."""
    return {
        "batch": batch.pk,
        "rows": batch.rows_total,
        "accepted": batch.accepted,
        "rejected": batch.rejected,
        "duplicates": batch.duplicates,
        "series": batch.series_count,
        "flagged": batch.flagged,
    }
