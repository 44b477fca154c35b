"""Demo of legal-service matching (法律服务对接): the demo's banks ask the lawyer pool, the duty
lawyers answer, one request stays waiting for its answer. Everything goes through the actions.

The pool is MED02's lawyers (demo/staff.py) on the roster the mediation demo sets: lawyer1 on
Monday, Wednesday and Friday, lawyer2 on Tuesday and Thursday; where lawyer1's firm advises
BANK01 (a `Conflict`), BANK01's requests go to lawyer2 only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.actions import TransitionRefused
from jiefen.law.errors import LawError
from jiefen.legal_services import actions
from jiefen.legal_services.models import LegalRequest, RequestKind
from jiefen.mediation.models import MediatorProfile

# (bank user, days before today, kind, subject, body, answered, follow-up, close rating)
REQUESTS: list[tuple[str, int, str, str, str, bool, str, int | None]] = [
    (
        "bank01",
        6,
        RequestKind.COMPLIANCE,
        "催收短信模板的个人信息保护合规审查",
        "我行拟向逾期持卡人发送催收短信，请就短信中可否显示欠款金额、身份证号后四位，"
        "以及向紧急联系人发送提醒是否符合《个人信息保护法》提出意见。",
        True,
        "",
        5,
    ),
    (
        "bank01",
        5,
        RequestKind.CONTRACT_REVIEW,
        "信用卡领用合约违约金条款审查",
        "请审查新版信用卡领用合约中违约金和分期手续费条款，是否需要按格式条款作提示说明。",
        True,
        "如违约金按未还最低还款额的5%收取，是否可能被认定为过高？",
        None,
    ),
    (
        "bank02",
        4,
        RequestKind.RISK_REVIEW,
        "外包催收机构合规风险排查",
        "本中心合作的三家外包催收机构近期投诉增多，请协助排查合同约定和作业规范中的合规风险。",
        True,
        "",
        4,
    ),
    (
        "bank02",
        3,
        RequestKind.LITIGATION,
        "批量信用卡纠纷诉前调解与诉讼衔接",
        "本中心拟将约两百件信用卡逾期案件提交诉前调解，调解不成的转入诉讼，请就材料准备提出建议。",
        True,
        "",
        None,
    ),
    (
        "bank01",
        1,
        RequestKind.TRAINING,
        "金融消费者权益保护法治培训",
        "拟于下月为客服及贷后团队组织一次金融消费者权益保护专题培训，请律师安排授课。",
        False,
        "",
        None,
    ),
]

ANSWER = (
    "经审查，提出意见如下：一、相关做法须有明确的合同依据并履行告知义务；"
    "二、涉及个人信息的，应遵循最小必要原则；三、建议保留处理记录备查。具体可另行约谈。"
)

FOLLOW_UP_ANSWER = (
    "约定的违约金过分高于造成的损失的，人民法院可以根据当事人的请求予以适当减少"
    "（民法典第五百八十五条）。建议结合实际损失设定比例，并在合约中以显著方式提示。"
)


def _roster() -> None:
    """The pool's duty days, as the mediation demo sets them (kept if already there)."""
    for n, username in enumerate(["lawyer1", "lawyer2"]):
        user = User.objects.filter(username=username, role=Role.MEDIATOR).first()
        if user is not None:
            MediatorProfile.objects.get_or_create(
                user=user,
                defaults={"duty_weekdays": "024" if n == 0 else "13", "roster_position": n},
            )


def run_legal_services_demo(out: Any) -> None:
    if LegalRequest.objects.exists():
        out.write("· 法律服务：已有法律服务需求，跳过")
        return
    _roster()
    today = timezone.localdate()
    posted = answered = closed = 0
    for username, days_ago, kind, subject, body, answer, follow, rating in REQUESTS:
        bank = User.objects.filter(username=username, role=Role.BANK_AGENT).first()
        if bank is None:
            continue
        try:
            request = actions.post_request(
                by=bank, kind=kind, subject=subject, body=body, on=today - timedelta(days=days_ago)
            )
            posted += 1
            if not answer or request.lawyer is None:
                continue
            actions.answer_request(request, ANSWER, by=request.lawyer)
            answered += 1
            if follow:
                actions.follow_up(request, follow, by=bank)
                actions.answer_request(request, FOLLOW_UP_ANSWER, by=request.lawyer)
            if rating is not None:
                actions.close_request(request, by=bank, rating=rating)
                closed += 1
        except (TransitionRefused, LawError) as exc:
            out.write(f"  法律服务需求「{subject}」未完成：{exc}")
    waiting = posted - answered
    out.write(
        f"· 法律服务：金融机构发布需求 {posted} 项，轮值律师已答复 {answered} 项、"
        f"办结评价 {closed} 项，{waiting} 项待律师答复"
    )
