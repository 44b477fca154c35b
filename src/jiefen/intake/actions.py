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
import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from jiefen.accounts.models import Organisation, User
from jiefen.audit.chain import append as audit
from jiefen.cases.models import Case, Series
from jiefen.cases.states import BY_NAME, State
from jiefen.intake.format import MONEY_KEYS
from jiefen.intake.models import Batch, BatchError, BatchStatus, ErrorKind, Policy
from jiefen.intake.prepare import prepared_slices
from jiefen.intake.reader import FileRefused, read_table
from jiefen.intake.screening import Screener
from jiefen.intake.validate import DuplicateCheck, Person, Record, RowError
from jiefen.privacy import blind_index, encrypt
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


def storage_dir() -> Path:
    path = Path(settings.JIEFEN_VAR_DIR) / "intake"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    """Register an upload; return (batch, created). Refuses unreadable files (FileRefused)."""
    if policy not in Policy.values:
        raise ValueError(f"unknown policy {policy!r}")
    key = (key or "").strip() or None
    sha256 = hashlib.sha256(data).hexdigest()
    existing = find_existing(institution, sha256, key)
    if existing is not None:
        return existing, False
    table = read_table(data, file_name)  # refuses hostile files before anything is stored
    suffix = ".xlsx" if table.encoding == "xlsx" else ".csv"
    path = storage_dir() / f"{sha256}{suffix}"
    if not path.exists():
        # A private temporary name per writer: concurrent uploads of the same file each replace
        # the target atomically with identical bytes instead of racing on one ".part" file.
        tmp = path.with_suffix(f".{uuid.uuid4().hex}.part")
        tmp.write_bytes(data)
        tmp.replace(path)
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                institution=institution,
                court=court,
                case_type=table.case_type,
                file_name=file_name[:255],
                uploaded_by=by,
                policy=policy,
                file_sha256=sha256,
                file_size=len(data),
                stored_path=str(path),
                idempotency_key=key,
                rows_total=table.frame.height,
            )
            audit(
                actor_id=by.pk if by else None,
                action="intake.batch_created",
                object_type="batch",
                object_id=batch.pk,
                payload={
                    "sha256": sha256,
                    "file": file_name,
                    "rows": batch.rows_total,
                    "case_type": table.case_type,
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
        table = read_table(Path(batch.stored_path).read_bytes(), batch.file_name)
    except (FileRefused, OSError) as exc:
        return _fail(batch, str(exc))
    as_of = timezone.localdate(batch.created_at)
    screener = Screener(batch.court.interest_cap_policy or "24pct", batch.court.province, as_of)
    start = batch.rows_done
    duplicates = DuplicateCheck()
    # Rows already written in an earlier run still count as first occurrences.
    duplicates.apply(
        [], [], dict(enumerate(table.frame["contract_number"].head(start).to_list(), 2))
    )
    size = chunk_size()
    slices = prepared_slices(table, screener, start, size)
    if batch.policy == Policy.REJECT_ALL:
        checked = [duplicates.apply(*s) for s in slices]
        errors = [e for _, errs in checked for e in errs]
        if errors:
            return _reject_all(batch, errors)
        ready: Iterable[tuple[list[Record], list[RowError]]] = checked
    else:
        ready = (duplicates.apply(*s) for s in slices)
    series: dict[str, int] = {}
    cursor = start
    for records, errors in ready:
        end = min(cursor + size, batch.rows_total)
        _write_chunk(batch, cursor, end, records, errors, screener, series)
        cursor = end
        _throttle()
    return _finish(batch, screener)


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
    """Run `sql` (ending in `IN ({})`) over `values` in slices; return all rows."""
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
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
    records: list[Record],
    errors: list[RowError],
    screener: Screener,
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
                [r.contract_number for r in records],
            )
        )
        dup_errors = [
            RowError(
                r.row,
                "合同编号",
                f"该合同已在批次{existing[r.contract_number]}中导入，不重复立案",
                r.contract_number,
                ErrorKind.DUPLICATE,
            )
            for r in records
            if r.contract_number in existing
        ]
        fresh = [r for r in records if r.contract_number not in existing]
        series.update(_series_ids(batch, {r.product for r in fresh} - series.keys()))
        party_ids, confirmed = _write_parties(fresh, screener.as_of, now)
        case_ids, flagged = _write_cases(batch, fresh, party_ids, confirmed, screener, series, now)
        lost = [r for r in fresh if r.row not in case_ids]  # taken by a concurrent batch
        dup_errors += [
            RowError(
                r.row,
                "合同编号",
                "该合同已由同时进行的其他批次导入，不重复立案",
                r.contract_number,
                ErrorKind.DUPLICATE,
            )
            for r in lost
        ]
        _insert_errors(batch.pk, [*errors, *dup_errors])
        accepted = len(case_ids)
        if case_ids:
            ids = sorted(case_ids.values())
            audit(
                actor_id=batch.uploaded_by_id,
                action="case.screen.bulk",
                object_type="batch",
                object_id=batch.pk,
                payload={
                    "rows": [lo + 2, hi + 1],
                    "accepted": accepted,
                    "case_ids": [ids[0], ids[-1]],
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


def _persons(records: Sequence[Record]) -> dict[str, tuple[Person, Record]]:
    found: dict[str, tuple[Person, Record]] = {}
    for r in records:
        for p in (r.borrower, *r.guarantors):
            found.setdefault(p.index or blind_index(p.id_number), (p, r))
    return found


def _write_parties(
    records: Sequence[Record], as_of: date, now: datetime
) -> tuple[dict[str, int], set[int]]:
    """Insert parties not yet known (by blind index) and their contract contacts.

    Returns party id by blind index and the ids of parties with a confirmed contact.
    """
    persons = _persons(records)
    indexes = list(persons)
    known = dict(
        _select_in("SELECT id_index, id FROM cases_party WHERE id_index IN ({})", [], indexes)
    )
    new = [i for i in indexes if i not in known]
    rows = []
    for index in new:
        p, _ = persons[index]
        minor = p.birth_date is not None and _age(p.birth_date, as_of) < 18
        rows.append(
            (
                "natural_person",
                p.name,
                "resident_id",
                _sealed(p, "id_number"),
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
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO cases_party (kind, name, id_type, id_number, id_index, sex, birth_date, "
            "ethnicity, employer, domicile, domicile_division, legal_representative, is_minor) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (id_index) DO NOTHING",
            rows,
        )
    created = dict(
        _select_in("SELECT id_index, id FROM cases_party WHERE id_index IN ({})", [], new)
    )
    contacts = []
    stamp = _dt(now)
    for index, party_id in created.items():
        p, r = persons[index]
        borrower = p.role == "defendant"
        confirmed = r.contact_confirmed and borrower
        consent = r.e_service_consent and borrower
        if p.mobile:
            contacts.append(
                (party_id, "mobile", _sealed(p, "mobile"), "contract", confirmed, consent, stamp)
            )
        if p.email:
            contacts.append(
                (party_id, "email", _sealed(p, "email"), "contract", confirmed, consent, stamp)
            )
        if p.address:
            contacts.append(
                (party_id, "address", _sealed(p, "address"), "contract", confirmed, False, stamp)
            )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO cases_contact (party_id, kind, value, source, confirmed, e_service_consent,"
            " supplied_at) VALUES (%s,%s,%s,%s,%s,%s,%s)",
            contacts,
        )
    known_ids = list(known.values())
    confirmed_ids = {
        pid
        for (pid,) in _select_in(
            "SELECT DISTINCT party_id FROM cases_contact WHERE confirmed = %s AND party_id IN ({})",
            [True],
            [*known_ids, *created.values()],
        )
    }
    return {**known, **created}, confirmed_ids


def _sealed(p: Person, field: str) -> str:
    """The ciphertext prepared off the writer, or sealed now (rows prepared in-process)."""
    return p.sealed.get(field) or encrypt(getattr(p, field))


def _age(born: date, as_of: date) -> int:
    return as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))


def _write_cases(
    batch: Batch,
    records: Sequence[Record],
    party_ids: dict[str, int],
    confirmed: set[int],
    screener: Screener,
    series: dict[str, int],
    now: datetime,
) -> tuple[dict[int, int], int]:
    """Insert the cases (state `screening`), their parties and the `screen` events.

    Returns case id by spreadsheet row for the cases this chunk inserted, and how many of
    them carry a screening flag.
    """
    stamp = _dt(now)
    rows = []
    borrower_of: dict[int, int] = {}
    flagged_rows: set[int] = set()
    for r in records:
        borrower_id = party_ids[r.borrower.index or blind_index(r.borrower.id_number)]
        borrower_of[r.row] = borrower_id
        unreachable = screener.unreachable(r, has_confirmed_contact=borrower_id in confirmed)
        if r.over_cap or r.limitation_risk or unreachable:
            flagged_rows.add(r.row)
        amounts = r.amount_params or (*(str(r.amounts[k]) for k in MONEY_KEYS), str(r.claim_total))
        rows.append(
            (
                batch.case_type,
                State.SCREENING,
                batch.institution_id,
                batch.court_id,
                series[r.product],
                batch.pk,
                r.row,
                r.contract_number,
                r.product,
                r.cut_off_date.isoformat(),
                *amounts,
                r.elements_json or json.dumps(r.elements, ensure_ascii=False),
                r.over_cap,
                r.limitation_risk,
                unreachable,
                r.small_claims_eligible,
                "",
                stamp,
                stamp,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO cases_case (case_type, state, institution_id, court_id, series_id, "
            "batch_id, batch_row, contract_number, product, cut_off_date, principal, interest, "
            "penalty_interest, compound_interest, fees, liquidated_damages, lawyer_fees, "
            "claim_total, elements, over_cap, limitation_risk, unreachable, "
            "small_claims_eligible, procedure, created_at, updated_at) VALUES "
            "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (institution_id, contract_number) DO NOTHING",
            rows,
        )
        if not records:
            return {}, 0
        cursor.execute(
            "SELECT batch_row, id FROM cases_case WHERE batch_id = %s AND batch_row BETWEEN %s AND %s",
            [batch.pk, records[0].row, records[-1].row],
        )
        case_ids: dict[int, int] = dict(cursor.fetchall())
        links = []
        events = []
        actor = batch.uploaded_by_id
        by_row = {r.row: r for r in records}
        for row, case_id in case_ids.items():
            r = by_row[row]
            links.append((case_id, borrower_of[row], "defendant", 1))
            for position, g in enumerate(r.guarantors, start=1):
                links.append(
                    (case_id, party_ids[g.index or blind_index(g.id_number)], "guarantor", position)
                )
            events.append(
                (
                    case_id,
                    SCREEN.name,
                    State.RECEIVED,
                    SCREEN.target,
                    actor,
                    stamp,
                    f"批次{batch.pk}第{row}行导入",
                )
            )
        cursor.executemany(
            "INSERT INTO cases_caseparty (case_id, party_id, role, position) VALUES (%s,%s,%s,%s)"
            " ON CONFLICT (case_id, party_id, role) DO NOTHING",
            links,
        )
        cursor.executemany(
            "INSERT INTO cases_caseevent (case_id, transition, from_state, to_state, actor_id, at,"
            " note) VALUES (%s,%s,%s,%s,%s,%s,%s)",
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
