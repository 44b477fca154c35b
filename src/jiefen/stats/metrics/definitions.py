"""The fixed definitions of the statistics (docs/metrics.md says the same in words).

Each figure is counted once, by one local date (Asia/Shanghai) of its own, whatever page or
report shows it: the dashboards, `jiefen stats --json` and the white paper all read
`jiefen.stats.metrics.compute`. The closure rate follows the Supreme People's Court's
statistics (结案率 = 结案数 ÷ (旧存 + 新收)); the others are named where they are defined.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jiefen.mediation.models import Outcome
from jiefen.service.models import Channel

SHANGHAI = ZoneInfo("Asia/Shanghai")

DIMENSIONS = ("court", "institution", "case_type", "judge", "mediator", "month")
DIMENSION_LABELS = {
    "court": "法院",
    "institution": "金融机构",
    "case_type": "案由",
    "judge": "承办法官",
    "mediator": "调解员",
    "month": "月份",
}
# The key of "no one assigned" in a breakdown (judge, mediator).
NONE_KEY = "none"
NONE_LABEL = "未分配"

CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
# A first-instance case is closed (审结) by judgment, in-court mediation, withdrawal or a ruling
# dismissing the suit (a claim resting on a suspected crime, jiefen.referrals).
CLOSING = ("pronounce_judgment", "mediate_in_court", "withdraw", "dismiss_suit")
# Mediation outcomes that are a success (an agreement, whatever title it later became).
MEDIATION_SUCCESS: tuple[str, ...] = (
    Outcome.AGREED,
    Outcome.CONFIRMED,
    Outcome.NOTARIZED,
    Outcome.PAYMENT_ORDER,
)

# stage → (start, ends): days from the first `start` to the first of `ends`, counted in the period
# of the end. "created" is the case's receipt (Case.created_at), not an event.
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "mediation": ("open_mediation", ("sign_agreement", "fail_mediation")),
    "filing": ("created", ("file",)),
    "service": ("file", ("serve",)),
    "hearing": ("serve", ("hold_hearing",)),
    "judgment": ("hold_hearing", ("pronounce_judgment", "mediate_in_court")),
    "effect": ("pronounce_judgment", ("take_effect",)),
    "enforcement": ("apply_enforcement", ("close",)),
    "end_to_end": ("created", ("close",)),
}
STAGE_LABELS = {
    "mediation": "诉前调解",
    "filing": "收案至立案",
    "service": "立案至送达",
    "hearing": "送达至开庭",
    "judgment": "开庭至宣判",
    "effect": "宣判至生效",
    "enforcement": "申请执行至结案",
    "end_to_end": "收案至结案（全流程）",
}
# Every transition whose first occurrence a figure reads.
EVENTS: tuple[str, ...] = tuple(
    sorted(
        {*CLOSING}
        | {start for start, _ in STAGES.values() if start != "created"}
        | {end for _, ends in STAGES.values() for end in ends}
    )
)

COUNTS: tuple[str, ...] = (
    "received",
    "filed",
    "closed",
    "pending_at_start",
    "mediations_closed",
    "mediations_succeeded",
    "judgments",
    "default_judgments",
    "performance_due",
    "performed_voluntarily",
)
AMOUNTS: tuple[str, ...] = ("claimed", "awarded", "recovered")
# Count names that `metric_cases` accepts (the per-channel ones as "<name>:<channel>").
CASE_FIGURES: tuple[str, ...] = (
    *COUNTS,
    *AMOUNTS,
    *(f"service_attempts:{c}" for c in CHANNELS),
    *(f"service_successes:{c}" for c in CHANNELS),
)
# The cases behind a duration: those whose stage ended in the period ("days:<stage>").
DURATION_FIGURES: tuple[str, ...] = tuple(f"days:{stage}" for stage in STAGES)


@dataclass(frozen=True)
class Metric:
    name: str
    label_zh: str
    formula_zh: str
    period_rule_zh: str


def _m(name: str, label: str, formula: str, rule: str) -> tuple[str, Metric]:
    return name, Metric(name, label, formula, rule)


METRICS: dict[str, Metric] = dict(
    (
        _m("received", "收案数", "进入平台的案件数", "按案件接收时间（created_at）的北京时间日期"),
        _m("filed", "立案数（新收）", "已立案的案件数", "按立案日期（filed_on）"),
        _m(
            "closed",
            "审结数",
            "首次宣判、法庭调解或准予撤诉的案件数",
            "按上述三种事件中最早一次的北京时间日期",
        ),
        _m(
            "pending_at_start",
            "旧存数",
            "期初前已立案、且期初前尚未审结的案件数",
            "以期间首日为准；不指定期间时为 0",
        ),
        _m(
            "closure_rate",
            "结案率",
            "审结数 ÷（旧存数 + 立案数）",
            "分子分母均为同一期间；分母为 0 时为空",
        ),
        _m(
            "mediations_closed",
            "调解结束数",
            "调解结果不再是「调解中」的诉前调解案件数",
            "调解成功的按达成协议日，未成功的按调解结束日",
        ),
        _m(
            "mediations_succeeded",
            "调解成功数",
            "结果为达成协议、司法确认、赋强公证或支付令的调解结束案件数",
            "按达成协议日（无协议日的按调解结束日）",
        ),
        _m(
            "mediation_success_rate",
            "调解成功率",
            "调解成功数 ÷ 调解结束数",
            "同一期间；分母为 0 时为空",
        ),
        _m(
            "service_attempts",
            "送达次数（分渠道）",
            "已发出（或已公告）的送达尝试次数",
            "按发出时间（sent_at）的北京时间日期",
        ),
        _m(
            "service_successes",
            "送达成功次数（分渠道）",
            "上述送达尝试中已产生送达效力的次数",
            "随所属送达尝试的发出日期",
        ),
        _m(
            "service_success_rate",
            "送达成功率（分渠道）",
            "送达成功次数 ÷ 送达次数",
            "同一期间、同一渠道；分母为 0 时为空",
        ),
        _m(
            "judgments",
            "判决数",
            "已签发并宣判的民事判决书数（不含调解书、裁定书）",
            "按宣判日期（pronounced_on）",
        ),
        _m("default_judgments", "缺席判决数", "其中缺席判决的数量", "按宣判日期"),
        _m(
            "default_judgment_rate",
            "缺席判决率",
            "缺席判决数 ÷ 判决数",
            "同一期间；分母为 0 时为空",
        ),
        _m(
            "performance_due",
            "履行期届满数",
            "履行期届满的义务数：已生效判决书、调解书，以及分期还款计划",
            "判决书、调解书按履行期限届满日；分期计划按最后一期应还日",
        ),
        _m(
            "performed_voluntarily",
            "自动履行数",
            "判决书、调解书：债权人未提交强制执行申请；分期计划：已履行完毕",
            "随所属义务的届满日期",
        ),
        _m(
            "voluntary_performance_rate",
            "自动履行率",
            "自动履行数 ÷ 履行期届满数",
            "同一期间；分母为 0 时为空",
        ),
        _m(
            "days",
            "各环节用时（天）",
            "环节起止事件首次发生的北京时间日期之差：件数、平均数、中位数",
            "按环节结束事件的日期",
        ),
        _m("claimed", "起诉标的额", "已立案案件的标的总额之和", "按立案日期"),
        _m("awarded", "判决支持金额", "上述判决的判决支持金额之和", "按宣判日期"),
        _m(
            "recovered",
            "实际到位金额",
            "执行款到账金额与调解分期还款金额之和",
            "执行款按到账日期，还款按还款日",
        ),
    )
)
