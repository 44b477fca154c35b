"""The mediation step of `jiefen demo`: one imported series mediated from notice to outcome.

Takes the court's largest series in `screening` (from the intake step), opens mediation with
automatic assignment as the platform's administrator does (a lawyer tied to the bank is never picked),
sends notices through the local SMS gateway simulator, a bulk offer, and plays the borrowers:
some accept, some propose plans inside and outside the bank's standing rule, some dispute, some
ask for a video session, some never answer. Agreements are signed by all three; outcomes cover
judicial confirmation, notarized enforcement, payment order (one objected) and failure to filing;
payments arrive and a missed instalment opens an enforcement application.

Each act is done by the person who does it in the browser, through the same actions: the bank's
agent, the case's own mediator, the judge the case is assigned to, the notary; the borrowers'
answers go through the portal's actions and the periodic sweeps run with a date in the future.
"""

from __future__ import annotations

import socket
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.mediation import actions
from jiefen.mediation.actions.common import today
from jiefen.mediation.models import (
    Agreement,
    Conflict,
    InstalmentPlan,
    MediationCase,
    MediatorProfile,
    Offer,
    OfferStatus,
    PaymentOrder,
)
from jiefen.notifications import config as notify_config

DEMO_SIZE = 300


def _gateway(out: Any) -> None:
    """Use the gateway JIEFEN_SMS_GATEWAY_URL names if it answers; if it is a local address
    nothing listens on, start the simulator there, in this process (it lives while the demo
    serves)."""
    url = urlsplit(notify_config.load().sms_gateway_url)
    if url.hostname not in ("127.0.0.1", "localhost") or url.port is None:
        return
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", url.port)) == 0:
            return
    from jiefen.notifications.gateway import start_in_thread

    server = start_in_thread(url.port, settings.JIEFEN_VAR_DIR / "sms_gateway.jsonl")
    out.write(f"· 短信网关模拟器：{server.url}/ （借款人收到的短信在此查看）")


def _series(court: Organisation) -> Series | None:
    return (
        Series.objects.filter(court=court)
        .annotate(n=Count("cases", filter=Q(cases__state=State.SCREENING)))
        .filter(n__gt=0)
        .order_by("-n")
        .first()
    )


def _by_mediator(case_ids: list[int]) -> dict[User, list[int]]:
    """The cases grouped by their assigned mediator: each mediator acts on their own cases."""
    groups: dict[int, list[int]] = defaultdict(list)
    for pk, mediator_id in (
        Case.objects.filter(pk__in=case_ids).order_by("pk").values_list("pk", "mediator_id")
    ):
        if mediator_id is not None:
            groups[mediator_id].append(pk)
    users = User.objects.in_bulk(list(groups))
    return {users[m]: ids for m, ids in sorted(groups.items())}


def _setup_people(bank: Organisation) -> None:
    """The lawyer pool sits in turns; lawyer1's firm acts for the bank, so lawyer1 must withdraw."""
    for n, username in enumerate(["lawyer1", "lawyer2"]):
        user = User.objects.get(username=username)
        MediatorProfile.objects.get_or_create(
            user=user, defaults={"duty_weekdays": "024" if n == 0 else "13", "roster_position": n}
        )
        if n == 0:
            Conflict.objects.get_or_create(
                mediator=user,
                institution=bank,
                defaults={"reason": "所在律师事务所为该行常年法律顾问"},
            )


def run_mediation_demo(out: Any) -> None:
    started = time.perf_counter()
    court = Organisation.objects.get(code="渝0105")
    series = _series(court)
    if series is None:
        out.write("· 诉前调解：没有处于诉前筛查的系列案，跳过")
        return
    bank = series.institution
    agent = User.objects.filter(role=Role.BANK_AGENT, organisation=bank).order_by("pk").first()
    if agent is None:
        return
    _gateway(out)
    _setup_people(bank)
    actions.set_rule(
        by=agent,
        series=series,
        max_instalments=24,
        min_first_payment_percent=Decimal("10"),
        waivable=["penalty_interest", "compound_interest"],
        grace_days=10,
    )
    ids = list(
        series.cases.filter(state=State.SCREENING)
        .order_by("pk")
        .values_list("pk", flat=True)[:DEMO_SIZE]
    )
    opened = actions.open_mediation(
        ids,
        Organisation.objects.get(code="MED01"),
        by=User.objects.get(username="admin"),
        as_of=today() - timedelta(days=12),
    ).opened
    actions.deliver_notices()
    sent = 0
    for mediator in _by_mediator(opened):
        sent += actions.send_bulk_offer(
            series,
            by=mediator,
            instalments=12,
            first_payment_percent=Decimal("10"),
            waived=["penalty_interest"],
            first_due=today() + timedelta(days=15),
        ).count
    actions.deliver_notices()
    out.write(
        f"· 诉前调解：{series} {len(opened)} 件转入调解（编民诉前调号、按负荷自动指派），"
        f"各调解员向本人承办的借款人批量发送方案 {sent} 件"
    )

    meds = list(
        MediationCase.objects.filter(case_id__in=opened).select_related("case").order_by("case_id")
    )
    due = today() + timedelta(days=10)
    kinds: dict[str, int] = {}
    outside: list[Any] = []
    for i, m in enumerate(meds):
        kind = (
            "accept",
            "accept",
            "inside",
            "inside",
            "outside",
            "dispute",
            "session",
            "none",
            "none",
            "once",
        )[i % 10]
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "accept":
            actions.borrower_accept(m)
        elif kind == "once":
            # Pays the whole claim in one go: inside any rule, accepted at once.
            actions.propose_plan(m, instalments=1, first_payment=None, first_due=due, waived=[])
        elif kind == "inside":
            actions.propose_plan(
                m,
                instalments=12,
                first_payment=m.case.claim_total * Decimal("0.15"),
                first_due=due,
                waived=["penalty_interest", "compound_interest"],
            )
        elif kind == "outside":
            outside.append(
                actions.propose_plan(
                    m, instalments=36, first_payment=None, first_due=due, waived=["interest"]
                )
            )
        elif kind == "dispute":
            actions.dispute(m, elements=["interest"], reason="罚息和复利计算有误，要求核对还款记录")
        elif kind == "session":
            actions.request_session(m, preference="工作日晚上七点后视频调解")
    for n, offer in enumerate(outside):
        if n % 2 == 0:
            counter = actions.counter_offer(
                offer, by=agent, instalments=24, first_payment=offer.total * Decimal("0.10")
            )
            actions.borrower_accept(counter.mediation)
    out.write(
        "· 借款人答复：接受 {accept}，一次性还款 {once}，规则内分期 {inside}（自动接受），"
        "规则外分期 {outside}"
        "（半数经银行还价后接受），异议 {dispute}，申请视频调解 {session}，未答复 {none}".format(
            **{
                k: kinds.get(k, 0)
                for k in ("accept", "once", "inside", "outside", "dispute", "session", "none")
            }
        )
    )

    agreements = list(
        Agreement.objects.filter(mediation__case_id__in=opened).select_related("mediation__case")
    )
    for n, a in enumerate(agreements):
        if n % 12 == 11:
            continue  # a few borrowers never sign
        code = actions.issue_code(a.mediation, "sign")
        actions.sign_as_borrower(a, code=code, ip="127.0.0.1")
    signed = actions.sign_many([a.pk for a in agreements], by=agent, ip="127.0.0.1")
    for mediator in _by_mediator([a.mediation.case_id for a in agreements]):
        actions.sign_many([a.pk for a in agreements], by=mediator, ip="127.0.0.1")
    actions.deliver_notices()
    out.write(f"· 调解协议：生成 {len(agreements)} 份 PDF，申请人签署 {signed} 份，三方签署后生效")

    _outcomes(out, opened, agent)
    unanswered = [
        m.case_id
        for m in MediationCase.objects.filter(
            case_id__in=opened, response__in=["none", "disputed"], case__state=State.IN_MEDIATION
        )
    ]
    failed = 0
    for mediator, own in _by_mediator(unanswered).items():
        failed += len(actions.fail_mediation(own, by=mediator, reason="借款人未答复或对要素有异议"))
    out.write(
        f"· 调解不成转立案 {failed} 件（已知的联系方式、异议理由随案移送）；"
        f"用时 {time.perf_counter() - started:.1f} 秒"
    )


def _outcomes(out: Any, opened: list[int], agent: User) -> None:
    notary = User.objects.get(username="notary1")
    office = Organisation.objects.get(code="NOT01")
    mediated = list(
        MediationCase.objects.filter(case_id__in=opened, case__state=State.MEDIATED)
        .select_related("case", "agreement__offer")
        .order_by("case_id")
    )
    plans_first = [m for m in mediated if m.agreement.offer.instalments > 1]
    singles = [m for m in mediated if m.agreement.offer.instalments == 1]
    confirm, notar, kept = plans_first[0::3], plans_first[1::3], plans_first[2::3]
    for n, m in enumerate(confirm):
        conf = actions.apply_confirmation(m, by=agent)
        actions.rule_on_confirmation(
            conf,
            by=conf.judge,
            confirm=n != 1,
            reason="" if n != 1 else "协议约定的利息超过法定上限部分无效",
        )
    for m in notar:
        actions.notarize(actions.apply_notarization(m, office=office, by=agent), by=notary)
    orders = []
    for m in singles[:6]:
        po = actions.apply_payment_order(m, by=agent)
        # The judge the application was assigned to issues the order.
        judge = Case.objects.select_related("judge").get(pk=m.case_id).judge
        assert judge is not None
        actions.issue_payment_order(po, by=judge)
        orders.append(po)
    if orders:
        po = PaymentOrder.objects.get(pk=orders[0].pk)
        actions.object_to_payment_order(po, text="借款已部分归还，金额有异议")
        last = (
            PaymentOrder.objects.filter(pk__in=[o.pk for o in orders])
            .order_by("-objection_ends")
            .first()
        )
        assert last is not None and last.objection_ends is not None
        actions.payment_orders_take_effect(as_of=last.objection_ends + timedelta(days=1))
    # Payments: every plan's first instalment is paid, except one confirmed, one notarized and one
    # unconfirmed plan; a month later the sweep finds those three missed.
    missers = {x[0].pk for x in (confirm[:1], notar[:1], kept[:1]) if x}
    rows = []
    for plan in InstalmentPlan.objects.filter(mediation__case_id__in=opened).select_related(
        "mediation__case"
    ):
        if plan.mediation_id in missers:
            continue
        first = plan.instalments.order_by("number").first()
        if first is not None and plan.mediation.case.state != State.PAYMENT_ORDER_PENDING:
            rows.append(
                actions.PaymentRow(
                    plan.mediation.case.contract_number,
                    f"DEMO-{plan.pk}-1",
                    first.amount,
                    first.due_date,
                )
            )
    report = actions.record_payments(agent.organisation, rows, by=agent, source="api")  # type: ignore[arg-type]
    swept = actions.sweep_missed(as_of=today() + timedelta(days=30))
    out.write(
        f"· 结果：司法确认 {len(confirm)} 件（1件裁定驳回），赋强公证 {len(notar)} 件，支付令 {len(orders)} 件"
        f"（1件异议转立案），还款入账 {report.recorded} 笔、履行完毕 {report.completed_plans} 件；"
        f"30日后逾期：生成强制执行申请 {swept['enforcement_drafts']} 件，未确认协议转立案 {swept['to_filing']} 件"
        f"（超出规则待银行审核的方案 {Offer.objects.filter(status=OfferStatus.OPEN, made_by='borrower').count()} 件）"
    )
