"""Benchmark: electronic service (电子送达) of N filed cases through the SMS simulator and SMTP.

    uv run python benchmarks/service.py --cases 10000

Setup (not timed): a fresh JIEFEN_VAR_DIR and database (SQLite, or `DATABASE_URL` if given),
the demo court, bank, clerk and judge, one series, and N filed cases with one defendant each —
a mobile number with e-service consent (about 70 % confirmed by the party), an e-mail for half
of them, a postal address — with a `Filing` row and the packet's cover `StoredDocument` (a real
small PDF under var/), all bulk-inserted (nothing rendered). Then the wires: the SMS gateway
simulator (receipts after `--delay` s, `--failure-rate` of numbers dead) posting its signed
receipts to jiefen's `/service/receipts/sms/` served over real HTTP by wsgiref in a thread, and
aiosmtpd for e-mail.

Timed (`seconds`): the service job as a clerk starts it — `run_service_job` opens the services,
dispatches their first attempts and settles them chunk by chunk (JIEFEN_SERVICE_CHUNK, 500) —
then the wait until the gateway has posted every receipt and jiefen has recorded it (served on
the day the SMS reached a confirmed number, 民诉法 Art. 90, 在线诉讼规则 Art. 31).

Checked (exit 1 if wrong): one `ServiceReceipt` per SMS the gateway accepted, no duplicates;
delivered + failed receipts == SMS attempts; services served == services whose SMS reached a
confirmed number or whose e-mail went to a confirmed address (computed from the generated
data, not from jiefen's records); no attempt left queued or sending. A second small run with
the gateway posting every batch twice checks that duplicates are counted once.

Baseline, same run: the naive path on `--sample` cases — one HTTP request per SMS, one SMTP
connection per e-mail (one dispatch per attempt), each receipt fetched and recorded on its own
(`record_receipts` with one item). `ratio` = baseline ms per case / batched ms per case.
The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏"


@dataclass(frozen=True)
class Borrower:
    """What the generated data says about one defendant: the benchmark's own expectations."""

    mobile: str
    email: str | None
    confirmed: bool


def _setup(var_dir: Path) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pdf(text: str) -> bytes:
    """A real one-page PDF (with a correct xref table) standing in for the packet cover."""
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _holiday_years() -> None:
    """Service dates start answer and evidence periods; a period may run into a year the
    `chinesecalendar` package does not cover yet. The benchmark's throw-away database gets those
    years as weekends plus New Year's Day, labelled as benchmark data (never the official notice)."""
    import chinese_calendar
    from django.utils import timezone

    from jiefen.lawdata.models import HolidayDay, HolidayYear

    covered = max(chinese_calendar.constants.holidays).year
    for year in range(covered + 1, timezone.localdate().year + 2):
        entry, _ = HolidayYear.objects.get_or_create(
            year=year, defaults={"complete": True, "source": "基准测试数据（非官方节假日安排）"}
        )
        HolidayDay.objects.get_or_create(
            year=entry, day=date(year, 1, 1), defaults={"is_holiday": True, "name": "元旦"}
        )


def _make_cases(n: int, start: int, *, staff: dict[str, Any], var_dir: Path) -> dict[int, Borrower]:
    """Bulk-insert `n` filed cases (numbers from `start`); return case id → the borrower's data."""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from jiefen.cases.models import (
        Case,
        CaseParty,
        CaseType,
        Contact,
        ContactKind,
        ContactSource,
        IdType,
        Party,
        PartyKind,
        PartyRole,
    )
    from jiefen.cases.states import State
    from jiefen.docket.models import Filing
    from jiefen.docket.paperwork import COVER_KINDS, FILING
    from jiefen.documents.models import DocumentFormat, RecipientRole, StoredDocument
    from jiefen.documents.storage import document_storage
    from jiefen.privacy import blind_index, contact_index

    storage = document_storage()
    today = timezone.localdate()
    hearing = timezone.make_aware(datetime.combine(today + timedelta(days=45), datetime.min.time()))
    hearing = hearing.replace(hour=9, minute=30)
    numbers = range(start, start + n)
    borrowers = {
        i: Borrower(
            mobile=f"139{i:08d}",
            email=f"borrower{i}@example.cn" if i % 2 == 0 else None,
            confirmed=i % 10 < 7,
        )
        for i in numbers
    }
    with transaction.atomic():
        parties = Party.objects.bulk_create(
            [
                Party(
                    kind=PartyKind.NATURAL_PERSON,
                    name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
                    id_type=IdType.RESIDENT_ID,
                    id_number=f"5001051990{i:08d}",
                    id_index=blind_index(f"5001051990{i:08d}"),
                    domicile=f"重庆市江北区建新北路{i}号",
                )
                for i in numbers
            ],
            batch_size=1000,
        )
        contacts = []
        for i, p in zip(numbers, parties, strict=True):
            b = borrowers[i]
            kw = {"party": p, "source": ContactSource.CONTRACT, "e_service_consent": True}
            contacts.append(
                Contact(kind=ContactKind.MOBILE, value=b.mobile, confirmed=b.confirmed, **kw)
            )
            if b.email:
                contacts.append(
                    Contact(kind=ContactKind.EMAIL, value=b.email, confirmed=b.confirmed, **kw)
                )
            contacts.append(
                Contact(
                    party=p,
                    kind=ContactKind.ADDRESS,
                    value=p.domicile,
                    source=ContactSource.CONTRACT,
                )
            )
        for c in contacts:
            c.value_index = contact_index(c.kind, c.value)
        Contact.objects.bulk_create(contacts, batch_size=1000)
        cases = Case.objects.bulk_create(
            [
                Case(
                    case_type=CaseType.FINANCIAL_LOAN,
                    state=State.FILED,
                    institution=staff["bank"],
                    court=staff["court"],
                    series=staff["series"],
                    contract_number=f"BENCH-{i:08d}",
                    product="个人消费贷款",
                    cut_off_date=today - timedelta(days=60),
                    principal=Decimal("45000.00"),
                    interest=Decimal("1234.56"),
                    claim_total=Decimal("46234.56"),
                    case_number=f"（{today.year}）渝0105民初{i}号",
                    procedure="summary",
                    filed_on=today,
                    acceptance_fee=Decimal("478.00"),
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
        Filing.objects.bulk_create(
            [
                Filing(
                    case=c,
                    filed_on=today,
                    sequence=i,
                    procedure_reason="事实清楚、权利义务关系明确、争议不大，适用简易程序",
                    fee_full=Decimal("956.00"),
                    fee_halved=True,
                    hearing_at=hearing,
                    hearing_place="第三法庭",
                    evidence_days=15,
                )
                for i, c in zip(numbers, cases, strict=True)
            ],
            batch_size=1000,
        )
        docs = []
        for i, c, p in zip(numbers, cases, parties, strict=True):
            data = _pdf(f"Notice to respond, case {i}")
            rel = storage.save(f"documents/{today:%Y}/{c.pk}/cover-{i}.pdf", ContentFile(data))
            docs.append(
                StoredDocument(
                    case=c,
                    kind=COVER_KINDS[1],
                    title="应诉通知书",
                    format=DocumentFormat.PDF,
                    recipient=p.name,
                    recipient_role=RecipientRole.DEFENDANT,
                    party=p,
                    path=rel,
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    signed=True,
                    issued_for=FILING,
                    created_by=staff["clerk"],
                )
            )
        StoredDocument.objects.bulk_create(docs, batch_size=1000)
    if not all(c.pk for c in cases):  # backends without RETURNING on bulk insert
        raise SystemExit("bulk insert returned no ids")
    return {c.pk: borrowers[i] for i, c in zip(numbers, cases, strict=True)}


class _Counting:
    """WSGI wrapper around jiefen's app: sums what the receipt endpoint answered (accepted and
    duplicates), so the duplicate run can prove each receipt was counted once."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.accepted = 0
        self.duplicates = 0
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = b"".join(self.app(environ, start_response))
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        with self.lock:
            self.requests += 1
            self.accepted += int(answer.get("accepted", 0))
            self.duplicates += int(answer.get("duplicates", 0))
        return [body]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _serve_jiefen() -> tuple[WSGIServer, _Counting]:
    from django.core.wsgi import get_wsgi_application

    app = _Counting(get_wsgi_application())
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, app


def _gateway(**options: Any) -> Any:
    from jiefen.notifications.gateway import start_in_thread

    server = start_in_thread(0, None, **options)
    os.environ["JIEFEN_SMS_GATEWAY_URL"] = server.url
    return server


def _flush(gateway: Any, timeout: float) -> None:
    if not gateway.flush(timeout):
        raise SystemExit(f"the gateway did not post every receipt within {timeout:.0f} s")


def _serve_job(case_ids: list[int], clerk: Any) -> Any:
    from jiefen.service.actions import run_service_job, start_service

    job = start_service(by=clerk, case_ids=case_ids, run_now=True)
    return run_service_job(job.pk)


def _check(
    label: str,
    borrowers: dict[int, Borrower],
    gateway: Any,
    failure_rate: float,
    problems: list[str],
) -> dict[str, int]:
    """Compare jiefen's records of these cases with the gateway's inbox and the generated data."""
    from django.db.models import Count

    from jiefen.cases.models import Case
    from jiefen.cases.states import State
    from jiefen.notifications.receipts import fraction
    from jiefen.service.models import AttemptState, Service, ServiceAttempt, ServiceReceipt

    ids = list(borrowers)
    numbers = {b.mobile for b in borrowers.values()}
    inbox = [m for m in gateway.inbox.messages if m["to"] in numbers]
    sms = ServiceAttempt.objects.filter(service__case_id__in=ids, channel="sms")
    receipts = ServiceReceipt.objects.filter(attempt__service__case_id__in=ids)
    n_receipts = receipts.count()
    by_status = dict(receipts.values_list("status").annotate(n=Count("pk")))
    per_attempt = set(
        receipts.values("attempt_id").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    distinct = receipts.values("receipt_id").distinct().count()
    served = Service.objects.filter(case_id__in=ids, state=Service.State.SERVED).count()
    expected = sum(
        1
        for b in borrowers.values()
        if b.confirmed and (fraction(b.mobile) >= failure_rate or b.email is not None)
    )
    live = ServiceAttempt.objects.filter(
        service__case_id__in=ids, state__in=[AttemptState.QUEUED, AttemptState.SENDING]
    ).count()
    cases_served = Case.objects.filter(pk__in=ids, state=State.SERVED).count()
    n_sms = sms.count()
    checks = [
        (len(inbox) == n_receipts, f"{len(inbox)} SMS in the inbox, {n_receipts} receipts"),
        (per_attempt <= {1}, f"receipts per SMS attempt: {sorted(per_attempt)}"),
        (distinct == n_receipts, f"{n_receipts - distinct} duplicate receipts recorded"),
        (
            by_status.get("delivered", 0) + by_status.get("failed", 0) == n_sms,
            f"delivered {by_status.get('delivered', 0)} + failed {by_status.get('failed', 0)}"
            f" receipts != {n_sms} SMS attempts",
        ),
        (served == expected, f"{served} services served, {expected} expected"),
        (cases_served == served, f"{cases_served} cases served, {served} services"),
        (live == 0, f"{live} attempts left queued or sending"),
    ]
    problems += [f"{label}: {text}" for ok, text in checks if not ok]
    return {
        "sms": n_sms,
        "receipts": n_receipts,
        "delivered": by_status.get("delivered", 0),
        "failed": by_status.get("failed", 0),
        "served": served,
    }


def _naive(borrowers: dict[int, Borrower], clerk: Any, gateway: Any) -> float:
    """The naive path: every attempt dispatched alone (one HTTP request per SMS, one SMTP
    session per e-mail), then each receipt fetched from the gateway and recorded on its own."""
    from jiefen.service.actions import dispatch, open_services, record_receipts
    from jiefen.service.models import ServiceAttempt

    ids = list(borrowers)
    for i in range(0, len(ids), 500):
        for pk in open_services(ids[i : i + 500], by=clerk):
            dispatch(attempt_ids=[pk])
    _flush(gateway, 60)
    sent = ServiceAttempt.objects.filter(service__case_id__in=ids, channel="sms").exclude(
        provider_id=""
    )
    for message_id in sent.values_list("provider_id", flat=True):
        url = f"{gateway.url}/api/receipts?message_id={message_id}"
        with urllib.request.urlopen(url, timeout=5) as response:
            for item in json.loads(response.read())["receipts"]:
                record_receipts("sms_gateway", [item])
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=300, help="cases in the naive baseline")
    parser.add_argument("--duplicates", type=int, default=200, help="cases in the duplicate run")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds until a receipt")
    parser.add_argument("--failure-rate", type=float, default=0.1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jiefen-bench-service-"))
    _setup(workdir)
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from jiefen.accounts.models import Organisation, Role, User
    from jiefen.cases.models import Series
    from jiefen.demo.staff import seed_staff

    seed_staff()
    _holiday_years()
    court = Organisation.objects.get(code="渝0105")
    bank = Organisation.objects.get(code="BANK01")
    staff = {
        "court": court,
        "bank": bank,
        "clerk": User.objects.get(username="clerk1"),
        "judge": User.objects.filter(role=Role.JUDGE, organisation=court).order_by("pk").first(),
        "series": Series.objects.get_or_create(
            institution=bank, court=court, case_type="financial_loan", product="个人消费贷款"
        )[0],
    }
    t = time.perf_counter()
    main_set = _make_cases(args.cases, 1, staff=staff, var_dir=workdir)
    dup_set = _make_cases(args.duplicates, args.cases + 1, staff=staff, var_dir=workdir)
    sample_set = _make_cases(
        args.sample, args.cases + args.duplicates + 1, staff=staff, var_dir=workdir
    )
    setup_seconds = time.perf_counter() - t
    connections.close_all()

    smtp_port = _free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    os.environ.update(JIEFEN_SMTP_HOST="127.0.0.1", JIEFEN_SMTP_PORT=str(smtp_port))
    web, counter = _serve_jiefen()
    os.environ["JIEFEN_SMS_RECEIPT_URL"] = (
        f"http://127.0.0.1:{web.server_port}/service/receipts/sms/"
    )
    wires = {"delay": args.delay, "failure_rate": args.failure_rate}
    problems: list[str] = []

    # ---- the batched path, timed: the job, then every receipt posted and recorded ----
    gateway = _gateway(**wires)
    started = time.perf_counter()
    job = _serve_job(list(main_set), staff["clerk"])
    sent_seconds = time.perf_counter() - started
    _flush(gateway, 120)
    seconds = time.perf_counter() - started
    if job.status != "done":
        problems.append(f"the service job ended {job.status}: {job.error}")
    counts = _check("batched", main_set, gateway, args.failure_rate, problems)

    # ---- duplicate receipts: every batch posted twice, counted once ----
    # The same gateway (receipt ids are the carrier's, unique across the run).
    gateway.poster.duplicate = True
    before = (counter.accepted, counter.duplicates)
    _serve_job(list(dup_set), staff["clerk"])
    _flush(gateway, 60)
    dup_counts = _check("duplicates", dup_set, gateway, args.failure_rate, problems)
    accepted, duplicates = counter.accepted - before[0], counter.duplicates - before[1]
    if not (accepted == duplicates == dup_counts["receipts"] > 0):
        problems.append(
            f"duplicates: {accepted} accepted and {duplicates} duplicates answered for"
            f" {dup_counts['receipts']} receipts posted twice"
        )
    gateway.poster.duplicate = False

    # ---- the naive baseline on a sample: per message, per receipt ----
    os.environ.pop("JIEFEN_SMS_RECEIPT_URL")  # receipts are fetched one by one instead
    t = time.perf_counter()
    _naive(sample_set, staff["clerk"], gateway)
    baseline_seconds = time.perf_counter() - t
    _check("baseline", sample_set, gateway, args.failure_rate, problems)
    gateway.shutdown()
    web.shutdown()
    smtp.stop()

    per_case_ms = seconds * 1000 / args.cases
    baseline_per_case_ms = baseline_seconds * 1000 / args.sample
    out = {
        "name": "service",
        "items": args.cases,
        "seconds": round(seconds, 2),
        "per_case_ms": round(per_case_ms, 3),
        "ratio": round(baseline_per_case_ms / per_case_ms, 1),
        "baseline_per_case_ms": round(baseline_per_case_ms, 3),
        "baseline": f"one request per SMS and SMTP session per e-mail, receipts one by one,"
        f" {args.sample} cases",
        "send_seconds": round(sent_seconds, 2),
        "setup_seconds": round(setup_seconds, 1),
        **counts,
        "duplicate_run": {"receipts": dup_counts["receipts"], "posted_twice": duplicates},
        "receipt_requests": counter.requests,
        "load_average": round(os.getloadavg()[0], 1),
        "database": connection.vendor,
    }
    shutil.rmtree(workdir, ignore_errors=True)
    for p in problems:
        print(f"错误：{p}", file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False))
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
