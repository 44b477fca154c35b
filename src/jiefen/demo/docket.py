"""The filing step of `jiefen demo`: keys, then one series filed with all its documents.

The clerk files the series with the most cases waiting for filing (awaiting_filing: failed
mediation; if mediation produced none, a series still in screening) through `start_filing` and
the filing job's task, as the one-click button on the filing desk does. Then BANK02's agent
declines mediation for its largest imported card series (`fail_mediation`, the bank's refusal),
which waits in 待立案 so the clerk can file it with one click in the browser.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Count, Q

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Series
from jiefen.cases.states import State
from jiefen.docket.actions import set_fee_account, start_filing
from jiefen.docket.tasks import run_job
from jiefen.documents.keys import ensure_court_seal, keys_dir
from jiefen.mediation.actions import fail_mediation

COURT = "渝0105"
DEMO_LIMIT = 300
# Clearly not a real account: printed on the demo's fee notices until an administrator sets one.
DEMO_FEE_ACCOUNT = {
    "payee": "重庆市江北区人民法院（演示数据）",
    "bank": "演示银行江北支行（演示数据，非真实账户）",
    "account": "0000 0000 0000 0000 000（演示账号，请勿汇款）",
}
WAITING = 200  # cases left for the clerk to file with one click in the browser


def _largest_series(court: Organisation, state: str, **filters: Any) -> Series | None:
    return (
        Series.objects.filter(court=court, **filters)
        .annotate(n=Count("cases", filter=Q(cases__state=state)))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )


def file_series(series: Series, state: str, *, clerk: User, limit: int | None = None) -> Any:
    """The clerk files up to `limit` of the series' cases in `state`; returns the finished job."""
    ids = list(series.cases.filter(state=state).order_by("pk").values_list("pk", flat=True))
    job = start_filing(by=clerk, case_ids=ids[:limit], series=series, run_now=True)
    run_job(job.pk, inline=True)  # what the worker runs for the queued job
    job.refresh_from_db()
    return job


def run_filing_demo(out: Any) -> None:
    court = Organisation.objects.get(code=COURT)
    ensure_court_seal(court.court_code or court.code, court.name)
    out.write(f"· 演示电子签章证书：{keys_dir()}（演示根证书 + {court.name}印章证书，私钥不入库）")
    set_fee_account(court, by=User.objects.get(username="admin"), **DEMO_FEE_ACCOUNT)
    out.write("· 诉讼费收款账户：演示数据（管理后台「诉讼费收款账户」可改为法院的真实账户）")
    clerk = User.objects.get(username="clerk1")
    for state in (State.AWAITING_FILING, State.SCREENING):
        series = _largest_series(court, state)
        if series is None:
            continue
        started = time.perf_counter()
        job = file_series(series, state, clerk=clerk, limit=DEMO_LIMIT)
        out.write(
            f"· 批量立案：{series} {job.filed} 件，生成签章文书 {job.documents} 份，"
            f"用时 {time.perf_counter() - started:.1f} 秒（书记员 clerk1 在案件页可预览、下载）"
        )
        break
    bank02 = Organisation.objects.get(code="BANK02")
    waiting = _largest_series(court, State.SCREENING, institution=bank02)
    if waiting is None:
        return
    ids = list(
        waiting.cases.filter(state=State.SCREENING)
        .order_by("pk")
        .values_list("pk", flat=True)[:WAITING]
    )
    agent = User.objects.filter(role=Role.BANK_AGENT, organisation=bank02).order_by("pk").first()
    assert agent is not None
    declined = fail_mediation(ids, by=agent, reason="金融机构不同意诉前调解，申请直接立案")
    out.write(
        f"· 待立案系列案：{waiting}（{len(declined)} 件，银行不同意调解），"
        "留给书记员在「批量立案」页一键立案"
    )
