"""Benchmark: batch filing of N generated cases with their full signed document set.

    uv run python benchmarks/filing.py --cases 1000 [--workers 2]

`seconds` is the whole job — numbering, procedure, fees, assignment, rendering, signing and
storing — with the documents rendered by `--workers` processes (as `--workers` task workers
would). The baseline is the way a clerk's office produces the same documents today: DOCX filled
from the same data with the docxtpl templates, then converted to PDF by LibreOffice headless,
many files per `soffice --convert-to pdf` call (its fastest use), measured in the same run on a
sample. `ratio` = baseline seconds per document / typst seconds per document (rendering alone).
The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILED_ON = date(2025, 7, 1)


def _setup(var_dir: Path) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    os.environ.pop("DATABASE_URL", None) if os.environ.get("BENCH_SQLITE") else None
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _cpu() -> float:
    """User + system CPU seconds of this process and of its finished (reaped) workers."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _chunk(args: tuple[int, int]) -> int:
    """One chunk of the job in a worker process: file its cases, then store their documents."""
    from django.db import connections

    connections.close_all()
    from jiefen.docket.tasks import run_chunk

    run_chunk(*args)
    return args[1]


def _baseline(sample_data: list[tuple[str, dict]], workdir: Path) -> float:
    """docxtpl fill + LibreOffice conversion of the sample, seconds per document."""
    from jiefen.documents.docx import render_docx

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice not found: run scripts/bootstrap.sh bench")
    docx_dir = workdir / "docx"
    docx_dir.mkdir()
    # Warm-up (profile creation) is not counted.
    profile = workdir / "lo-profile"
    (docx_dir / "warm.docx").write_bytes(render_docx(*sample_data[0]))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir / "warm"),
            str(docx_dir / "warm.docx"),
        ],
        check=True,
        capture_output=True,
    )
    (docx_dir / "warm.docx").unlink()
    started = time.perf_counter()
    files = []
    for i, (kind, data) in enumerate(sample_data):
        path = docx_dir / f"{i:04d}-{kind}.docx"
        path.write_bytes(render_docx(kind, data))
        files.append(str(path))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir / "pdf"),
            *files,
        ],
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    made = len(list((workdir / "pdf").glob("*.pdf")))
    if made != len(files):
        raise SystemExit(f"LibreOffice converted {made} of {len(files)} files")
    return elapsed / len(files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=10, help="cases in the baseline sample")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jiefen-bench-filing-"))
    fonts = ROOT / "var" / "fonts"
    if fonts.is_dir():
        shutil.copytree(fonts, workdir / "fonts")
    _setup(workdir)
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from jiefen.accounts.models import Organisation, User
    from jiefen.cases.models import Case
    from jiefen.demo.intake import import_generated
    from jiefen.demo.staff import seed_staff
    from jiefen.docket.actions import start_filing
    from jiefen.docket.paperwork import cases_for_documents, packets_for
    from jiefen.documents.keys import ensure_court_seal
    from jiefen.documents.models import StoredDocument
    from jiefen.documents.rendering import render_pdf
    from jiefen.intake.format import LOAN

    seed_staff()
    court = Organisation.objects.get(code="渝0105")
    ensure_court_seal(court.court_code, court.name)
    # The cases enter as a bank's generated batch through intake, as every case does.
    batch = import_generated("BANK01", LOAN, args.cases, file_name="benchmark-filing.csv", seed=6)
    case_ids = list(Case.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    clerk = User.objects.get(username="clerk1")
    connections.close_all()

    # ---- the whole job, timed (wall clock, and CPU of this process and its workers) ----
    cpu_started = _cpu()
    load_started = os.getloadavg()[0]
    started = time.perf_counter()
    # A fixed filing day whose hearings fall in a year the holiday calendar covers.
    job = start_filing(by=clerk, case_ids=case_ids, run_now=True, filed_on=FILED_ON)
    from jiefen.docket.actions import plan_job

    # As the task worker does: plan the job, then each chunk (filing + documents) in a worker.
    chunks = [(job.pk, chunk.index) for chunk in plan_job(job.pk)]
    connections.close_all()
    import multiprocessing

    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_chunk, chunks))
    seconds = time.perf_counter() - started
    cpu_seconds = _cpu() - cpu_started
    ids = sorted(job.filings.values_list("case_id", flat=True))
    documents = StoredDocument.objects.count()
    # One signature per recipient: the packet's cover notice, which lists the others' hashes.
    signatures = StoredDocument.objects.filter(signed=True, packet=None).count()
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"the filing job ended {job.status}: {job.error}")

    # ---- rendering alone, per document: typst vs docxtpl + LibreOffice, same sample ----
    sample_cases = cases_for_documents(ids[: args.sample])
    sample = [
        (k, d)
        for c in sample_cases
        for spec in packets_for(c, issued_on=c.filed_on)
        for k, d in spec.documents
    ]
    render_pdf(*sample[0])  # the compiler is created once per process; not counted
    t = time.perf_counter()
    for kind, data in sample:
        render_pdf(kind, data)
    typst_per_doc = (time.perf_counter() - t) / len(sample)
    baseline_per_doc = _baseline(sample, workdir)

    out = {
        "name": "filing",
        "items": len(ids),
        "documents": documents,
        "signatures": signatures,
        "seconds": round(seconds, 2),
        "workers": args.workers,
        # CPU the job used: on an otherwise idle machine `seconds` ≈ cpu_seconds / workers.
        # Other processes' load (the 1-minute load average at the start) stretches `seconds`.
        "cpu_seconds": round(cpu_seconds, 1),
        "load_average": round(load_started, 1),
        "job_status": job.status,
        "baseline": f"docxtpl + LibreOffice headless, {len(sample)} documents in one soffice call",
        "baseline_seconds": round(baseline_per_doc, 4),
        "typst_seconds": round(typst_per_doc, 4),
        "ratio": round(baseline_per_doc / typst_per_doc, 1),
    }
    shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
