"""Benchmark: a served series of N cases heard on its elements and judged, a series at a time.

    uv run python benchmarks/judgment.py --cases 300

Setup (not timed): a fresh JIEFEN_VAR_DIR and database (SQLite, or `DATABASE_URL`), the demo
court (with its courtrooms), bank, judge and clerk; N cases of a generated loan batch through
intake, filed by the filing job with their signed documents (hearings booked by the scheduler);
the filing packets recorded as served by post three days after filing (bulk rows: what the
service stage records once the receipts are in, benchmarked by `service.py`); the hearings
confirmed by `confirm_hearings`; `--disputed` of the borrowers submitting an element-style
answer that objects to the interest (half of them also to the principal).

Timed (`seconds`, wall clock; the generated batch has several series, each with its judge, and
the judges work at the same time, served by `--workers` processes, default 2), as a judge does it: the element record opened for the series, every
undisputed element confirmed in one step, each disputed element worked (principal found 1,000
yuan lower for those who objected to it), the sessions held (the borrowers who did not answer in
default, their summons served), every judgment computed with `jiefen.law`, rendered with typst
and signed with the court's seal (`draft` + `sign_all`).

Checked (exit 1 if wrong): one signed judgment per case; every awarded component ≤ its claim;
each fee split adds up to the fee; the judgments of the borrowers whose principal was reduced
award exactly their claim less 1,000 yuan of principal.

Baseline, same run: the way a judge's office writes the same judgments today — the Word copy
filled from the same data (docxtpl) and converted to PDF by LibreOffice headless, `--sample`
judgments in one `soffice` call. `ratio` = baseline seconds per judgment / typst seconds per
judgment (rendering alone). The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FILED_ON = date(2025, 7, 1)
REDUCED = Decimal("1000.00")


def _setup(var_dir: Path) -> None:
    os.environ["JIEFEN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _served(case_ids: list[int]) -> None:
    """Record the filing packets as served by post on FILED_ON + 3 (the service stage's rows)."""
    from jiefen.cases.actions import transition_many
    from jiefen.documents.models import StoredDocument
    from jiefen.law.periods import HolidayCalendar, answer_deadline
    from jiefen.lawdata.selectors import current_parameters
    from jiefen.service.models import Purpose, Service, Stage

    params = current_parameters()
    calendar = HolidayCalendar.from_params(params)
    served_on = FILED_ON + timedelta(days=3)
    ends = answer_deadline(served_on, calendar=calendar, params=params)
    covers = StoredDocument.objects.filter(
        case_id__in=case_ids, kind="notice_to_respond", party__isnull=False, packet=None
    )
    Service.objects.bulk_create(
        [
            Service(
                case_id=d.case_id,
                party_id=d.party_id,
                packet=d,
                purpose=Purpose.FILING,
                state=Service.State.SERVED,
                stage=Stage.POST,
                served_on=served_on,
                reason="邮寄送达，受送达人签收（基准测试数据）",
                answer_ends=ends,
                evidence_ends=ends,
            )
            for d in covers
        ],
        batch_size=500,
    )
    transition_many(case_ids, "serve", by=None, note="基准测试：起诉材料已送达")


def _answers(case_ids: list[int], share: float) -> tuple[set[int], set[int]]:
    """A share of the borrowers answer, objecting to the interest (and half of those to the
    principal too); returns (answering cases, principal-objecting cases)."""
    from django.utils import timezone

    from jiefen.cases.models import CaseParty, PartyRole
    from jiefen.hearings.models import Answer, AnswerItem, AnswerPosition

    step = max(1, round(1 / share)) if share > 0 else 0
    chosen = case_ids[::step] if step else []
    principal = set(chosen[::2])
    borrowers = dict(
        CaseParty.objects.filter(case_id__in=chosen, role=PartyRole.DEFENDANT).values_list(
            "case_id", "party_id"
        )
    )
    answers = Answer.objects.bulk_create(
        [Answer(case_id=c, party_id=borrowers[c], submitted_at=timezone.now()) for c in chosen]
    )
    items = []
    for a in answers:
        items.append(
            AnswerItem(
                answer=a, key="interest", position=AnswerPosition.OBJECTION, reason="利息、罚息过高"
            )
        )
        if a.case_id in principal:
            items.append(
                AnswerItem(
                    answer=a,
                    key="principal",
                    position=AnswerPosition.OBJECTION,
                    reason="已还本金1,000元未扣除",
                )
            )
    AnswerItem.objects.bulk_create(items)
    return set(chosen), principal


def _hear_and_judge(
    case_ids: list[int], principal: set[int], judge: Any, steps: dict[str, float]
) -> list[int]:
    """The timed part: the element record, the hearing, the judgments computed and signed;
    `steps` adds up the seconds of each part."""
    from jiefen.hearings.actions.record import (
        confirm_undisputed,
        hold_hearing,
        open_record,
        record_finding,
    )
    from jiefen.hearings.models import Finding, Hearing, HearingState
    from jiefen.judgments.actions.drafting import draft
    from jiefen.judgments.actions.signing import sign_all

    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        steps[name] = steps.get(name, 0.0) + now - t
        t = now

    open_record(case_ids, by=judge)
    confirm_undisputed(case_ids=case_ids, by=judge)
    for f in Finding.objects.filter(case_id__in=case_ids, confirmed=False).select_related("case"):
        amounts = {}
        if f.key == "principal" and f.case_id in principal:
            amounts = {"principal": str(f.case.principal - REDUCED)}
        record_finding(
            f, text="经审查，本院认定如下", reasoning="以证据为准", amounts=amounts, by=judge
        )
    lap("record")
    answered = set(
        Hearing.objects.filter(
            case_id__in=case_ids, case__answers__submitted_at__isnull=False
        ).values_list("pk", flat=True)
    )
    hearings = list(
        Hearing.objects.filter(case_id__in=case_ids, state=HearingState.SCHEDULED).prefetch_related(
            "case__case_parties"
        )
    )
    absent = {
        h.pk: [cp.party_id for cp in h.case.case_parties.all()]
        for h in hearings
        if h.pk not in answered
    }
    held = hold_hearing([h.pk for h in hearings], absent_party_ids=absent, by=judge)
    if held.refused:
        raise SystemExit(f"hearings refused: {list(held.refused.values())[:3]}")
    lap("hearing")
    drafted = draft(case_ids, by=judge)
    if drafted.not_ready:
        raise SystemExit(f"not drafted: {list(drafted.not_ready.values())[:3]}")
    lap("draft")
    signed = sign_all(drafted.drafted, by=judge)
    lap("sign")
    return list(signed.signed)


def _warm(_: int) -> None:
    """Load what every judgment needs once per worker (the typst compiler and its fonts)."""
    import time as clock

    import jiefen.judgments.actions.signing  # noqa: F401  (the stage's imports)
    from jiefen.documents.rendering import compiler

    compiler()
    clock.sleep(0.5)  # so that each worker takes one warm-up


def _judge_worker(job: tuple[int, list[int], list[int]]) -> tuple[list[int], dict[str, float]]:
    """One judge's series in a worker process: (signed judgment ids, seconds per step)."""
    from django.db import connections

    from jiefen.accounts.models import User

    connections.close_all()
    judge_id, case_ids, principal = job
    steps: dict[str, float] = {}
    done = _hear_and_judge(case_ids, set(principal), User.objects.get(pk=judge_id), steps)
    return done, steps


def _check(case_ids: list[int], principal: set[int]) -> list[str]:
    from jiefen.cases.models import Case
    from jiefen.judgments.models import DecisionState, Judgment

    errors = []
    judgments = {j.case_id: j for j in Judgment.objects.filter(case_id__in=case_ids)}
    signed = [j for j in judgments.values() if j.state == DecisionState.SIGNED and j.document_id]
    if len(signed) != len(case_ids):
        errors.append(f"{len(signed)} signed judgments for {len(case_ids)} cases")
    for case in Case.objects.filter(pk__in=case_ids):
        c = judgments[case.pk].computation
        for key, awarded in c["awarded"].items():
            if Decimal(str(awarded)) > Decimal(str(c["claimed"][key])):
                errors.append(f"{case.case_number}: {key} awarded above the claim")
        fee = Decimal(str(c["acceptance_fee"]))
        if Decimal(str(c["fee_plaintiff"])) + Decimal(str(c["fee_defendants"])) != fee:
            errors.append(f"{case.case_number}: fee split does not add up to {fee}")
        if case.pk in principal:
            want = case.principal - REDUCED
            if Decimal(str(c["awarded"]["principal"])) != want:
                errors.append(
                    f"{case.case_number}: principal {c['awarded']['principal']} != {want}"
                )
    return errors


def _baseline(sample: list[dict[str, Any]], workdir: Path) -> float:
    """docxtpl fill + LibreOffice conversion of the sample judgments, seconds per judgment."""
    from jiefen.documents.docx import render_docx

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice not found: run scripts/bootstrap.sh bench")
    profile = workdir / "lo-profile"
    docx_dir = workdir / "docx"
    docx_dir.mkdir()

    def convert(files: list[str], out: str) -> None:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                out,
                *files,
            ],
            check=True,
            capture_output=True,
        )

    warm = docx_dir / "warm.docx"
    warm.write_bytes(render_docx("judgment", sample[0]))
    convert([str(warm)], str(workdir / "warm"))  # profile creation is not counted
    warm.unlink()
    started = time.perf_counter()
    files = []
    for i, data in enumerate(sample):
        path = docx_dir / f"{i:04d}.docx"
        path.write_bytes(render_docx("judgment", data))
        files.append(str(path))
    convert(files, str(workdir / "pdf"))
    elapsed = time.perf_counter() - started
    if len(list((workdir / "pdf").glob("*.pdf"))) != len(files):
        raise SystemExit("LibreOffice did not convert every judgment")
    return elapsed / len(files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--disputed", type=float, default=0.2, help="share of borrowers objecting")
    parser.add_argument("--sample", type=int, default=10, help="judgments in the baseline sample")
    parser.add_argument("--workers", type=int, default=2, help="processes serving the judges")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jiefen-bench-judgment-"))
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
    from jiefen.docket.tasks import run_job
    from jiefen.documents.keys import ensure_court_seal
    from jiefen.documents.rendering import render_pdf
    from jiefen.hearings.actions.rescheduling import confirm_hearings
    from jiefen.intake.format import LOAN
    from jiefen.judgments.actions.drafting import load_cases
    from jiefen.judgments.context import judgment_context
    from jiefen.judgments.models import Judgment
    from jiefen.judgments.rules import compute

    seed_staff()
    court = Organisation.objects.get(code="渝0105")
    ensure_court_seal(court.court_code, court.name)
    batch = import_generated(
        "BANK01", LOAN, args.cases, file_name="benchmark-judgment.csv", seed=11
    )
    ids = list(Case.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    clerk = User.objects.get(username="clerk1")
    job = start_filing(by=clerk, case_ids=ids, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"the filing job ended {job.status}: {job.error}")
    ids = sorted(job.filings.values_list("case_id", flat=True))
    _served(ids)
    fixed = confirm_hearings(ids, by=clerk, today=FILED_ON + timedelta(days=4))
    if fixed["refused"]:
        raise SystemExit(f"hearings not scheduled: {list(fixed['refused'].items())[:3]}")
    answering, principal = _answers(ids, args.disputed)
    # The generated batch holds several products (series), each with its own judge: every judge
    # hears and judges their own cases, at the same time as the others (their requests served by
    # `--workers` processes, as a deployment's application server would).
    judges: dict[int, list[int]] = {}
    for case_id, judge_id in Case.objects.filter(pk__in=ids).values_list("pk", "judge_id"):
        judges.setdefault(judge_id, []).append(case_id)
    jobs = [(judge_id, own, sorted(principal & set(own))) for judge_id, own in judges.items()]
    connections.close_all()

    steps: dict[str, float] = {}
    signed: list[int] = []
    # Fresh interpreters (spawn): forking a process whose threads hold locks can deadlock.
    # The workers start (Django set up, the typst compiler loaded) before the clock runs.
    with ProcessPoolExecutor(
        args.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_setup,
        initargs=(workdir,),
    ) as pool:
        list(pool.map(_warm, range(args.workers)))
        started = time.perf_counter()
        for done, own_steps in pool.map(_judge_worker, jobs):
            signed += done
            for k, v in own_steps.items():
                steps[k] = steps.get(k, 0.0) + v
    seconds = time.perf_counter() - started
    errors = _check(ids, principal)

    # ---- rendering alone, per judgment: typst vs docxtpl + LibreOffice, same sample ----
    sample = []
    for case in load_cases(ids[: args.sample]):
        j = Judgment.objects.get(case=case)
        sample.append(
            judgment_context(
                case, compute(case), edits=None, issued_on=date.today(), default=j.default
            )
        )
    render_pdf("judgment", sample[0])  # the compiler is created once per process
    t = time.perf_counter()
    for data in sample:
        render_pdf("judgment", data)
    typst_per_doc = (time.perf_counter() - t) / len(sample)
    baseline_per_doc = _baseline(sample, workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    for e in errors[:20]:
        print("ERROR", e, file=sys.stderr)
    out = {
        "name": "judgment",
        "items": len(signed),
        "seconds": round(seconds, 2),
        "cases": len(ids),
        "judges": len(judges),
        "workers": args.workers,
        # CPU seconds of each step, summed over the judges (with 2 workers ≈ 2 × wall clock).
        "steps": {k: round(v, 2) for k, v in steps.items()},
        "disputed": len(answering),
        "default": len(ids) - len(answering),
        "baseline": f"docxtpl + LibreOffice headless, {len(sample)} judgments in one soffice call",
        "baseline_seconds": round(baseline_per_doc, 4),
        "typst_seconds": round(typst_per_doc, 4),
        "ratio": round(baseline_per_doc / typst_per_doc, 1),
    }
    print(json.dumps(out, ensure_ascii=False))
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
