"""The intake step of `jiefen demo`: generated batches imported the way a bank imports them.

Every case of the demo (and of the filing benchmark) enters here, through the front door: the
institution's agent registers a generated batch with `create_batch` and the batch is processed
with `process_batch` — what the upload page, the API and `jiefen import_batch` queue for the
worker. So every case has its screening event and the audit chain records each batch.
"""

from __future__ import annotations

import time
from typing import Any

from jiefen.accounts.models import Organisation, Role, User
from jiefen.intake.actions import create_batch, process_batch, summary
from jiefen.intake.format import CARD, LOAN
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch

COURT = "渝0105"


def import_generated(
    institution_code: str,
    case_type: str,
    cases: int,
    *,
    file_name: str,
    bad_fraction: float = 0.0,
    seed: int = 2026,
    encoding: str = "utf-8",
    court_code: str = COURT,
) -> Batch:
    """Generate `cases` rows, upload them as the institution's agent and import them.

    Returns the finished batch; its cases are in `screening` with their CaseEvents.
    """
    institution = Organisation.objects.get(code=institution_code)
    court = Organisation.objects.get(code=court_code)
    agent = (
        User.objects.filter(role=Role.BANK_AGENT, organisation=institution).order_by("pk").first()
    )
    if agent is None:
        raise LookupError(f"no bank agent for {institution_code}: run seed_staff() first")
    rows, _ = generate_rows(case_type, cases, bad_fraction=bad_fraction, seed=seed)
    data = render(rows, case_type, encoding=encoding)
    batch, _ = create_batch(institution, court, data, file_name, by=agent)
    return process_batch(batch.pk)


def run_intake_demo(out: Any, cases: int = 2000) -> None:
    """BANK01 uploads a loan batch with a few broken rows of every kind; BANK02 a smaller
    credit-card batch as a GBK-encoded CSV (as many card systems export)."""
    plan = [
        ("BANK01", LOAN, cases, "utf-8", "长江银行-消费贷款-2025年第3批.csv"),
        ("BANK02", CARD, max(cases // 4, 50), "gbk", "巴渝银行-信用卡-2025年第3批.csv"),
    ]
    for code, case_type, n, encoding, name in plan:
        started = time.perf_counter()
        batch = import_generated(
            code,
            case_type,
            n,
            file_name=name,
            bad_fraction=0.02,
            seed=2026 + len(code) + n,
            encoding=encoding,
        )
        result = summary(batch)
        out.write(
            f"· 批量导入 {batch.institution.name}：{result['rows']} 行，受理 {result['accepted']}，"
            f"退回 {result['rejected']}，系列案 {result['series']}，有筛查提示 {result['flagged']}"
            f"（{time.perf_counter() - started:.1f} 秒）"
        )
