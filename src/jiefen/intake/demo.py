"""The intake step of `jiefen demo`: two generated batches imported the way a bank imports them.

BANK01 uploads a loan batch of `cases` rows with a few broken rows of every kind, BANK02 a
smaller credit-card batch (GBK-encoded CSV, as many card systems export), both to the demo
court through `create_batch` + `process_batch` — the same actions the upload page and the API
queue for the worker. The bank's batch page then shows the batch, its errors and its series.
"""

from __future__ import annotations

import time
from typing import Any

from jiefen.accounts.models import Organisation, User
from jiefen.intake.actions import create_batch, process_batch, summary
from jiefen.intake.format import CARD, LOAN
from jiefen.intake.generator import generate_rows, render

COURT = "渝0105"


def run_intake_demo(out: Any, cases: int = 2000) -> None:
    court = Organisation.objects.get(code=COURT)
    plan = [
        ("BANK01", "bank01", LOAN, cases, 0.02, "utf-8", "长江银行-消费贷款-2025年第3批.csv"),
        (
            "BANK02",
            "bank02",
            CARD,
            max(cases // 4, 50),
            0.02,
            "gbk",
            "巴渝银行-信用卡-2025年第3批.csv",
        ),
    ]
    for code, username, case_type, n, bad, encoding, name in plan:
        started = time.perf_counter()
        institution = Organisation.objects.get(code=code)
        agent = User.objects.get(username=username)
        rows, _ = generate_rows(case_type, n, bad_fraction=bad, seed=2026 + len(code) + n)
        data = render(rows, case_type, encoding=encoding)
        batch, _ = create_batch(institution, court, data, name, by=agent)
        result = summary(process_batch(batch.pk))
        out.write(
            f"· 批量导入 {institution.name}：{result['rows']} 行，受理 {result['accepted']}，"
            f"退回 {result['rejected']}，系列案 {result['series']}，有筛查提示 {result['flagged']}"
            f"（{time.perf_counter() - started:.1f} 秒）"
        )
