"""Benchmark: the batch-filing job on PostgreSQL with 1, then 2 task-worker processes.

    uv run --frozen python benchmarks/scale.py [--cases 500] [--interval 1]

Scale-out means more workers finish the same job sooner. The job is the real one: N generated
cases enter as a bank's batch through intake (not timed), the clerk starts the filing job
(`docket.actions.start_filing`, which queues the job's task) and real `jiefen db_worker`
processes — 1 the first time, 2 the second — drain the queue: planning, then the chunks (case
numbers, procedure, fees, assignment, hearing booking, signed PDF packets). The time runs from
the clerk's start until the job's row says done (polled as the progress page does); the
workers are started and ready before it. Both runs file the same cases of the same court from
the same setup: the database is emptied and seeded again between them, so the second run
starts exactly where the first did. `--interval` is db_worker's polling interval when the queue
is empty; 1 s is its default and what `jiefen worker` / `jiefen serve` run in a deployment.

The database is PostgreSQL: a throwaway `jiefen_scale_<pid>` on 127.0.0.1:5432 (user postgres)
dropped at the end, or `BENCH_DATABASE_URL` if set (that database is EMPTIED). `DATABASE_URL`
is never used: it may name a real database.
Documents and keys go to a temporary JIEFEN_VAR_DIR.

After each run it checks what a court cares about and exits 1 if any fails: every case filed
exactly once, no case number used twice (per court, year and type code, and across the runs),
exactly one filing document set per case (no document made twice, counted by case and kind),
the job done and the audit chain intact. `speedup` = seconds_1 / seconds_2 (the target on a
2-core machine is ≥ 1.6). The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FILED_ON = date(2025, 7, 1)  # hearings then fall in years the holiday calendar covers
SERVER = "postgres://postgres@127.0.0.1:5432"
READY_TIMEOUT = 120
JOB_TIMEOUT = 1800


class Failed(SystemExit):
    """A check failed: the message in Chinese and English, exit status 1."""

    def __init__(self, message: str) -> None:
        print(f"检查失败 / check failed: {message}", file=sys.stderr)
        super().__init__(1)


def _database_url() -> tuple[str, str | None]:
    """(DATABASE_URL to use, name of the throwaway database this run creates or None)."""
    # Not DATABASE_URL: that may name the court's own database, and this run empties its own.
    given = os.environ.get("BENCH_DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return given, None
    import psycopg

    name = f"jiefen_scale_{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}", name


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup(var_dir: Path, url: str) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _empty_setup(var_dir: Path) -> Any:
    """Empty database and document store, staff seeded, the court's seal made; the clerk."""
    from django.core.management import call_command
    from django.db import connections

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    shutil.rmtree(var_dir / "documents", ignore_errors=True)
    from jiefen.accounts.models import Organisation, User
    from jiefen.demo.staff import seed_staff
    from jiefen.documents.keys import ensure_court_seal

    seed_staff()
    court = Organisation.objects.get(code="渝0105")
    ensure_court_seal(court.court_code, court.name)
    clerk = User.objects.get(username="clerk1")
    connections.close_all()
    return clerk


def _import(bank: str, cases: int) -> list[int]:
    """N cases awaiting filing, entered as the bank's generated batch through intake.

    Each run takes the same generated rows from another bank, so its cases form series of their
    own (series are per bank) with the same amounts, parties and documents as the other run's.
    """
    from django.db import connections

    from jiefen.cases.models import Case
    from jiefen.demo.intake import import_generated
    from jiefen.intake.format import LOAN

    batch = import_generated(bank, LOAN, cases, file_name=f"benchmark-scale-{bank}.csv", seed=14)
    ids = list(Case.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    connections.close_all()
    if len(ids) != cases:
        raise Failed(f"{bank} 导入 {len(ids)} 件，应为 {cases} 件 / intake accepted {len(ids)}")
    return ids


def _start_workers(n: int, env: dict[str, str], interval: float, logs: Path) -> list[Any]:
    """N `jiefen db_worker` processes, returned once each has logged that it polls the queue."""
    workers = []
    for i in range(n):
        log = logs / f"worker-{n}-{i}.log"
        with log.open("wb") as out:  # a file, not a pipe: an unread pipe blocks the worker
            workers.append(
                (
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "jiefen.manage",
                            "db_worker",
                            "--interval",
                            str(interval),
                            "--no-reload",
                            "--no-startup-delay",
                        ],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
    deadline = time.monotonic() + READY_TIMEOUT
    for proc, log in workers:
        while "Starting worker" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop(workers)
                raise Failed(
                    f"任务进程未能启动 / a worker did not start: {log.read_text()[-2000:]}"
                )
            time.sleep(0.1)
    return workers


def _stop(workers: list[Any]) -> None:
    for proc, _ in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # db_worker stops gracefully (between tasks)
    for proc, _ in workers:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_done(job_id: int, workers: list[Any]) -> Any:
    from django.db import connections

    from jiefen.docket.models import FilingJob

    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        job = FilingJob.objects.get(pk=job_id)
        connections.close_all()
        if job.status in (FilingJob.Status.DONE, FilingJob.Status.FAILED):
            return job
        if any(proc.poll() is not None for proc, _ in workers):
            raise Failed("任务进程中途退出 / a worker exited during the job")
        failed = _failed_task()
        if failed:
            raise Failed(f"后台任务出错 / a task failed: {failed}")
        time.sleep(0.2)
    raise Failed(f"立案任务 {JOB_TIMEOUT} 秒内未完成 / the job did not finish in time")


def _failed_task() -> str:
    """The last line of a failed task's traceback ("" if none failed)."""
    from django_tasks_db.models import DBTaskResult

    failed = DBTaskResult.objects.failed().values_list("traceback", flat=True)
    tb = failed.first()
    return tb.strip().splitlines()[-1] if tb is not None else ""


def _check(job: Any, case_ids: list[int], filed_before: int) -> tuple[int, int]:
    """Every check of one run; return (documents, signatures) of its cases."""
    from jiefen.audit.chain import verify
    from jiefen.cases.models import Case, CaseEvent, CaseParty
    from jiefen.cases.states import State
    from jiefen.docket.models import Filing, FilingJob
    from jiefen.docket.paperwork import FILING_KINDS
    from jiefen.documents.kinds import FILING_SET_CLAIMANT
    from jiefen.documents.models import StoredDocument
    from jiefen.law.case_numbers import parse_case_number

    n = len(case_ids)
    if job.status != FilingJob.Status.DONE:
        raise Failed(f"立案任务状态为 {job.status}：{job.error} / the job ended {job.status}")
    filed = Case.objects.filter(pk__in=case_ids, state=State.FILED).count()
    filings = Filing.objects.filter(case_id__in=case_ids).count()
    events = CaseEvent.objects.filter(case_id__in=case_ids, transition="file").count()
    if not filed == filings == events == job.filed == n:
        raise Failed(
            f"应立案 {n} 件：立案 {filed}、立案记录 {filings}、立案事件 {events}、"
            f"任务计数 {job.filed} / not every case filed exactly once"
        )

    # Case numbers over the whole database, so across both runs: per court, year and type code
    # each sequence number once, and together exactly 1..(cases filed so far).
    numbers = Case.objects.exclude(case_number=None).values_list("court__code", "case_number")
    keys: Counter[tuple[str, int, str, int]] = Counter()
    seqs: dict[tuple[str, int, str], list[int]] = {}
    for court, number in numbers:
        parsed = parse_case_number(str(number))
        keys[(court, parsed.year, parsed.type_code, parsed.seq)] += 1
        seqs.setdefault((court, parsed.year, parsed.type_code), []).append(parsed.seq)
    twice = [k for k, c in keys.items() if c > 1]
    if twice:
        raise Failed(f"案号重复 / case numbers used twice: {twice[:5]}")
    total = filed_before + n
    if [sorted(v) for v in seqs.values()] != [list(range(1, total + 1))]:
        raise Failed(f"案号应为 1 至 {total} 号各一个 / case numbers not 1..{total} once each")

    # Exactly one filing set per case, counted by case and kind: each claimant document once,
    # each defendant document once per defendant or guarantor.
    claimant_kinds = {k.code for k in FILING_SET_CLAIMANT}
    others = Counter(
        CaseParty.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True)
    )
    made = Counter(
        StoredDocument.objects.filter(case_id__in=case_ids, kind__in=FILING_KINDS).values_list(
            "case_id", "kind"
        )
    )
    for case_id in case_ids:
        for kind in FILING_KINDS:
            expected = 1 if kind in claimant_kinds else others[case_id]
            if made[(case_id, kind)] != expected:
                raise Failed(
                    f"案件 {case_id} 的 {kind} 有 {made[(case_id, kind)]} 份，应为 {expected} 份"
                    " / a document missing or made twice"
                )
    documents = sum(made.values())
    if job.documents != documents or job.documented != n:
        raise Failed("任务的文书计数与存储不符 / the job's document counts do not match")
    signatures = StoredDocument.objects.filter(
        case_id__in=case_ids, signed=True, packet=None
    ).count()
    _, broken = verify()
    if broken is not None:
        raise Failed(f"审计链在第 {broken.seq} 条断开 / audit chain broken: {broken.reason}")
    return documents, signatures


def _timeline(started_at: datetime, full: bool) -> str:
    """What each worker did, from the queue's rows: tasks, busy seconds, idle at the end."""
    from django_tasks_db.models import DBTaskResult

    rows: list[Any] = list(
        DBTaskResult.objects.filter(started_at__gte=started_at, finished_at__isnull=False)
        .order_by("started_at")
        .values_list("worker_ids", "task_path", "args_kwargs", "started_at", "finished_at")
    )
    end = max((r[4] for r in rows), default=started_at)
    lines: list[str] = []
    busy: dict[str, float] = {}
    last: dict[str, datetime] = {}
    names: dict[str, str] = {}
    for worker_ids, path, args, began, finished in rows:
        worker = names.setdefault(worker_ids[-1], "ABCDEFGH"[len(names) % 8])
        seconds = (finished - began).total_seconds()
        busy[worker] = busy.get(worker, 0.0) + seconds
        last[worker] = finished
        what = path.rsplit(".", 1)[-1] + (f"[{args['args'][1]}]" if path.endswith("chunk") else "")
        lines.append(
            f"    {worker} {what:<18} {(began - started_at).total_seconds():7.2f} s +{seconds:.2f} s"
        )
    summary = "；".join(
        f"进程 {w}: 忙 {busy[w]:.1f} 秒，结束前空闲 {(end - last[w]).total_seconds():.1f} 秒"
        for w in sorted(busy)
    )
    return "\n".join([f"  {summary}", *(lines if full else [])])


def _run(workers_n: int, bank: str, clerk: Any, args: argparse.Namespace, var_dir: Path) -> float:
    """One filing job of `args.cases` new cases drained by `workers_n` worker processes."""
    from django.db import connections
    from django.utils import timezone

    from jiefen.docket.actions import start_filing
    from jiefen.docket.models import Filing

    case_ids = _import(bank, args.cases)
    filed_before = Filing.objects.count()
    connections.close_all()
    env = {**os.environ, "JIEFEN_FILING_THROTTLE_MS": "0"}
    workers = _start_workers(workers_n, env, args.interval, var_dir)
    try:
        # ---- timed: the clerk's start until the job's row says done ----
        started = time.perf_counter()
        started_at = timezone.now()
        job = start_filing(by=clerk, case_ids=case_ids, filed_on=FILED_ON)
        connections.close_all()
        job = _wait_done(job.pk, workers)
        seconds = time.perf_counter() - started
    finally:
        _stop(workers)
    documents, signatures = _check(job, case_ids, filed_before)
    print(
        f"{workers_n} 个任务进程 / worker(s): {len(case_ids)} 件立案，{documents} 份文书"
        f"（{signatures} 个签章），{job.chunks.count()} 块，{seconds:.2f} 秒",
        flush=True,
    )
    print(_timeline(started_at, args.timeline), flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--interval", type=float, default=1.0, help="db_worker polling (s)")
    parser.add_argument("--timeline", action="store_true", help="print every task's timing")
    args = parser.parse_args()

    url, throwaway = _database_url()
    var_dir = Path(tempfile.mkdtemp(prefix="jiefen-bench-scale-"))
    try:
        _setup(var_dir, url)
        clerk = _empty_setup(var_dir)
        seconds_1 = _run(1, "BANK01", clerk, args, var_dir)
        seconds_2 = _run(2, "BANK02", clerk, args, var_dir)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if throwaway:
            _drop(throwaway)
        shutil.rmtree(var_dir, ignore_errors=True)
    out = {
        "name": "scale",
        "items": args.cases,
        "seconds_1": round(seconds_1, 2),
        "seconds_2": round(seconds_2, 2),
        "speedup": round(seconds_1 / seconds_2, 3),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
