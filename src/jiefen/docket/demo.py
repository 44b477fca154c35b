"""The filing step of `jiefen demo`: keys, then one series filed with all its documents.

Files the series with the most cases waiting for filing (awaiting_filing: failed mediation);
if mediation produced none, a series still in screening; if there are no cases at all, a
generated series of 80. Then BANK02 declines mediation for its largest imported card series,
which waits in 待立案 so the clerk can file it with one click in the browser.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Count, Q

from jiefen.accounts.models import Organisation, User
from jiefen.cases.actions import transition_many
from jiefen.cases.models import Series
from jiefen.docket.actions import set_fee_account, start_filing
from jiefen.docket.sample import make_series
from jiefen.docket.tasks import run_job
from jiefen.documents.keys import ensure_court_seal, keys_dir

DEMO_LIMIT = 300
# Clearly not a real account: printed on the demo's fee notices until an administrator sets one.
DEMO_FEE_ACCOUNT = {
    "payee": "重庆市江北区人民法院（演示数据）",
    "bank": "演示银行江北支行（演示数据，非真实账户）",
    "account": "0000 0000 0000 0000 000（演示账号，请勿汇款）",
}
WAITING = 200  # cases left for the clerk to file with one click in the browser


def _pick_series(court: Organisation) -> tuple[Series | None, str]:
    for state in ("awaiting_filing", "screening"):
        s = (
            Series.objects.filter(court=court)
            .annotate(n=Count("cases", filter=Q(cases__state=state)))
            .filter(n__gt=0)
            .order_by("-n")
            .first()
        )
        if s is not None:
            return s, state
    return None, ""


def run_filing_demo(out: Any) -> None:
    court = Organisation.objects.get(code="渝0105")
    ensure_court_seal(court.court_code or court.code, court.name)
    out.write(f"· 演示电子签章证书：{keys_dir()}（演示根证书 + {court.name}印章证书，私钥不入库）")
    set_fee_account(court, by=None, **DEMO_FEE_ACCOUNT)
    out.write("· 诉讼费收款账户：演示数据（管理后台「诉讼费收款账户」可改为法院的真实账户）")
    clerk = User.objects.get(username="clerk1")
    series, state = _pick_series(court)
    if series is None:
        bank = Organisation.objects.get(code="BANK01")
        series = make_series(court, bank, 80, product="个人消费贷款（演示）")
        state = "awaiting_filing"
    ids = list(
        series.cases.filter(state=state).order_by("pk").values_list("pk", flat=True)[:DEMO_LIMIT]
    )
    started = time.perf_counter()
    job = start_filing(by=clerk, case_ids=ids, series=series, run_now=True)
    run_job(job.pk, inline=True)
    job.refresh_from_db()
    out.write(
        f"· 批量立案：{series} {job.filed} 件，生成签章文书 {job.documents} 份，"
        f"用时 {time.perf_counter() - started:.1f} 秒（书记员 clerk1 在案件页可预览、下载）"
    )
    bank02 = Organisation.objects.get(code="BANK02")
    waiting = (
        Series.objects.filter(court=court, institution=bank02)
        .annotate(n=Count("cases", filter=Q(cases__state="screening")))
        .filter(n__gt=0)
        .order_by("-n")
        .first()
    )
    if waiting is None:
        return
    ids = list(
        waiting.cases.filter(state="screening")
        .order_by("pk")
        .values_list("pk", flat=True)[:WAITING]
    )
    transition_many(
        ids,
        "fail_mediation",
        by=User.objects.get(username="bank02"),
        note="金融机构不同意诉前调解，申请直接立案",
    )
    out.write(
        f"· 待立案系列案：{waiting}（{len(ids)} 件，银行不同意调解），留给书记员在「批量立案」页一键立案"
    )
