"""The case lifecycle as one transition table (rule 3 of the architecture).

Each move is named, has a guard (a function that returns a refusal reason in Chinese, or None),
the roles that may make it (`actors`, with `SYSTEM` for sweeps, workers and the borrower portal)
and one line of legal meaning. The actions in `jiefen.cases.actions` refuse any move that is not
in this table, from a state it does not leave, whose guard fails or by a role not among its
actors; `jiefen.cases.access.allowed_events(case, user)` drives the buttons in the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from jiefen.accounts.models import Role

if TYPE_CHECKING:
    from jiefen.cases.models import Case


class State(models.TextChoices):
    RECEIVED = "received", "已接收"
    SCREENING = "screening", "诉前筛查"
    IN_MEDIATION = "in_mediation", "调解中"
    MEDIATED = "mediated", "已达成调解协议"
    CONFIRMATION_PENDING = "confirmation_pending", "司法确认审查中"
    CONFIRMED = "confirmed", "已司法确认"
    NOTARIZATION_PENDING = "notarization_pending", "赋强公证办理中"
    NOTARIZED = "notarized", "已赋强公证"
    PAYMENT_ORDER_PENDING = "payment_order_pending", "支付令申请审查中"
    PAYMENT_ORDER_ISSUED = "payment_order_issued", "支付令已发出"
    PAYMENT_ORDER_EFFECTIVE = "payment_order_effective", "支付令已生效"
    AWAITING_FILING = "awaiting_filing", "待立案"
    FILED = "filed", "已立案"
    SERVED = "served", "已送达"
    HEARING_SCHEDULED = "hearing_scheduled", "已排期"
    HEARD = "heard", "已开庭"
    JUDGED = "judged", "已判决"
    APPEALED = "appealed", "已上诉"
    EFFECTIVE = "effective", "已生效"
    IN_ENFORCEMENT = "in_enforcement", "执行中"
    TERMINATED_FOR_NOW = "terminated_for_now", "终结本次执行"
    WITHDRAWN = "withdrawn", "已撤诉"
    # Suspected crime (涉嫌犯罪移送, jiefen.referrals): stopped while the police examine it, or
    # dismissed because the claim itself rests on the suspected crime.
    SUSPENDED = "suspended", "已中止"
    DISMISSED = "dismissed", "已驳回起诉"
    CLOSED = "closed", "已结案"


Guard = Callable[["Case"], str | None]


def _always(case: Case) -> str | None:
    return None


def _has_mediator(case: Case) -> str | None:
    return None if case.mediator_id else "尚未指派调解员"


def _has_case_number(case: Case) -> str | None:
    return None if case.case_number else "尚未编立案号"


def _has_judge(case: Case) -> str | None:
    return None if case.judge_id else "尚未分案给承办法官"


def _has_notary(case: Case) -> str | None:
    return None if case.notary_office_id else "尚未选择公证机构"


_LITIGATING_STATES = (State.FILED, State.SERVED, State.HEARING_SCHEDULED, State.HEARD)


def _was_suspended(case: Case) -> str | None:
    return None if case.suspended_from else "案件没有记录中止前的状态，不能恢复"


def _dismissable(case: Case) -> str | None:
    """A suspended case may be dismissed only if it was suspended in litigation (a filed case)."""
    if case.state == State.SUSPENDED and case.suspended_from not in _LITIGATING_STATES:
        return "案件尚未立案或处于执行阶段，不能裁定驳回起诉"
    return None


# No signed-in user: a periodic sweep, a worker, or the borrower portal acting for a borrower it
# identified by case code and one-time code. Only moves listing it may happen with `by=None`.
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """One allowed move.

    `guard` must hold before the move (it decides whether a button is offered); `requires` is
    what the move's own field changes must supply (e.g. the case number given at filing), checked
    on the case as changed when the move is made. `actors` are the roles (and `SYSTEM`) that may
    make it; an empty set would mean nobody, which the tests forbid.
    """

    name: str
    label: str
    sources: tuple[State, ...]
    target: State
    meaning: str
    guard: Guard = _always
    requires: Guard = _always
    actors: frozenset[str] = frozenset()
    # True for `resume`: the case goes back to the state it was suspended from
    # (`Case.suspended_from`), and `target` is only what the table shows.
    returns: bool = False


# The claimant's side submits and screens its batches; the intake worker screens API batches.
_CLAIMANT_SIDE = frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN, SYSTEM})
# Judicial confirmation and notarization are applied for by the parties; the mediator (or the
# platform's administrator for the mediation centre) files the joint application for them.
_APPLICANTS = frozenset({Role.BANK_AGENT, Role.MEDIATOR, Role.PLATFORM_ADMIN})
# Rulings, orders and hearings are judicial acts: the judge alone.
_JUDGE = frozenset({Role.JUDGE})
# Enforcement measures are the enforcement officer's; the filing and money sweeps act as SYSTEM.
_ENFORCER = frozenset({Role.ENFORCEMENT_OFFICER})
_ENFORCER_OR_SYSTEM = frozenset({Role.ENFORCEMENT_OFFICER, SYSTEM})


_ENFORCEABLE_TITLES = (
    State.CONFIRMED,
    State.NOTARIZED,
    State.PAYMENT_ORDER_EFFECTIVE,
    State.EFFECTIVE,
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "screen",
        "诉前筛查",
        (State.RECEIVED,),
        State.SCREENING,
        "Intake checks caps, limitation and reachability before any procedure starts.",
        actors=_CLAIMANT_SIDE,
    ),
    Transition(
        "open_mediation",
        "转入诉前调解",
        (State.SCREENING,),
        State.IN_MEDIATION,
        "Pre-litigation mediation with the parties' consent (民诉法 Art. 125; 民诉前调 number).",
        requires=_has_mediator,
        # The bank sends its own screened cases, or the centre routes them (or the automatic
        # diversion does); a mediator receives them and has no screened case in scope before.
        actors=frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN, SYSTEM}),
    ),
    Transition(
        "sign_agreement",
        "签署调解协议",
        (State.IN_MEDIATION,),
        State.MEDIATED,
        "Both parties and the mediator sign a mediation agreement (人民调解法 Arts. 28-31).",
        # The move follows from the third signature (`mediation.sign`), never from a click.
        actors=frozenset({SYSTEM}),
    ),
    Transition(
        "fail_mediation",
        "调解不成转立案",
        (State.SCREENING, State.IN_MEDIATION),
        State.AWAITING_FILING,
        "Mediation failed, declined or expired: the claim goes to filing with what is known.",
        # The mediator records failure, the claimant may decline (mediation is voluntary,
        # 人民调解法 Art. 3), the expiry sweep ends it; the borrower's answer goes to the mediator.
        actors=frozenset({Role.MEDIATOR, Role.BANK_AGENT, Role.PLATFORM_ADMIN, SYSTEM}),
    ),
    Transition(
        "apply_confirmation",
        "申请司法确认",
        (State.MEDIATED,),
        State.CONFIRMATION_PENDING,
        "Both parties apply within 30 days of the agreement taking effect (民诉法 Art. 205).",
        actors=_APPLICANTS,
    ),
    Transition(
        "confirm_agreement",
        "裁定确认有效",
        (State.CONFIRMATION_PENDING,),
        State.CONFIRMED,
        "Ruling that the agreement is valid: an enforceable title (民诉法 Art. 206).",
        actors=_JUDGE,
    ),
    Transition(
        "reject_confirmation",
        "裁定驳回申请",
        (State.CONFIRMATION_PENDING,),
        State.AWAITING_FILING,
        "Application rejected: the parties may sue (民诉法 Art. 206).",
        actors=_JUDGE,
    ),
    Transition(
        "apply_notarization",
        "申请赋强公证",
        (State.MEDIATED,),
        State.NOTARIZATION_PENDING,
        "The agreement goes to a notary as a debt instrument with enforcement effect.",
        requires=_has_notary,
        actors=_APPLICANTS,
    ),
    Transition(
        "notarize",
        "出具公证书",
        (State.NOTARIZATION_PENDING,),
        State.NOTARIZED,
        "Notarized debt instrument with enforcement effect (民诉法 Art. 249).",
        actors=frozenset({Role.NOTARY}),
    ),
    Transition(
        "apply_payment_order",
        "申请支付令",
        (State.SCREENING, State.MEDIATED),
        State.PAYMENT_ORDER_PENDING,
        "Creditor applies for a payment order for an undisputed money debt (民诉法 Art. 225).",
        actors=frozenset({Role.BANK_AGENT}),
    ),
    Transition(
        "issue_payment_order",
        "发出支付令",
        (State.PAYMENT_ORDER_PENDING,),
        State.PAYMENT_ORDER_ISSUED,
        "Payment order issued within 15 days of acceptance (民诉法 Art. 227).",
        actors=_JUDGE,
    ),
    Transition(
        "payment_order_objected",
        "债务人提出异议",
        (State.PAYMENT_ORDER_ISSUED,),
        State.AWAITING_FILING,
        "A valid written objection ends the procedure; it turns into litigation (Art. 228).",
        # The debtor objects (on the portal: SYSTEM) or the judge records a paper objection.
        actors=frozenset({Role.DEFENDANT, Role.JUDGE, SYSTEM}),
    ),
    Transition(
        "payment_order_takes_effect",
        "支付令生效",
        (State.PAYMENT_ORDER_ISSUED,),
        State.PAYMENT_ORDER_EFFECTIVE,
        "No objection within 15 days of receipt: the order is enforceable (Art. 227).",
        actors=frozenset({SYSTEM}),
    ),
    Transition(
        "instalments_missed",
        "未按期履行转立案",
        (State.MEDIATED,),
        State.AWAITING_FILING,
        "An unconfirmed agreement is not enforceable: a missed instalment sends it to filing.",
        # Only the missed-instalment sweep; likewise for other moves that follow from dates.
        actors=frozenset({SYSTEM}),
    ),
    Transition(
        "file",
        "立案",
        (State.SCREENING, State.AWAITING_FILING),
        State.FILED,
        "The court dockets the case: number, fee, procedure, assignment (民诉法 Art. 126).",
        requires=_has_case_number,
        actors=frozenset({Role.CLERK, Role.PLATFORM_ADMIN}),
    ),
    Transition(
        "serve",
        "送达完成",
        (State.FILED,),
        State.SERVED,
        "Complaint copy and summons served (民诉法 Arts. 90, 128).",
        actors=frozenset({Role.CLERK, SYSTEM}),
    ),
    Transition(
        "convert_to_ordinary",
        "转为普通程序",
        (State.FILED,),
        State.FILED,
        "A defendant reachable only by public notice: summary procedure and small claims do not "
        "apply (民诉解释 Arts. 140, 275); the case goes on in ordinary procedure (Art. 258).",
        # The service sweep converts when it must publish; the clerk or judge may convert too.
        actors=frozenset({Role.CLERK, Role.JUDGE, SYSTEM}),
    ),
    Transition(
        "schedule_hearing",
        "排期开庭",
        (State.SERVED,),
        State.HEARING_SCHEDULED,
        "Hearing date fixed after every defendant's answer and evidence periods, within the "
        "procedure's time limit, and summons served (民诉法 Arts. 128, 139, 152, 164).",
        _has_judge,
        # The judge or clerk confirms a series' dates; the sweep confirms or moves them once
        # every party is served.
        actors=frozenset({Role.JUDGE, Role.CLERK, SYSTEM}),
    ),
    Transition(
        "reschedule_hearing",
        "改期开庭",
        (State.HEARING_SCHEDULED,),
        State.HEARING_SCHEDULED,
        "A changed hearing date: a new summons is issued and served (民诉法 Art. 139; 民诉解释 "
        "Art. 227).",
        actors=frozenset({Role.JUDGE, Role.CLERK, SYSTEM}),
    ),
    Transition(
        "hold_hearing",
        "开庭审理",
        (State.HEARING_SCHEDULED,),
        State.HEARD,
        "Element-based hearing held, in default only if the absent defendant's summons was served "
        "(民诉法 Art. 147).",
        actors=_JUDGE,
    ),
    Transition(
        "pronounce_judgment",
        "宣判",
        (State.HEARD,),
        State.JUDGED,
        "Signed judgment pronounced and sent to the parties (民诉法 Art. 151).",
        actors=_JUDGE,
    ),
    Transition(
        "mediate_in_court",
        "法庭调解",
        (State.HEARING_SCHEDULED, State.HEARD),
        State.JUDGED,
        "In-court mediation: a 民事调解书, effective once every party has signed for it "
        "(民诉法 Art. 100); fee halved (办法 Art. 15).",
        actors=_JUDGE,
    ),
    Transition(
        "appeal",
        "上诉",
        (State.JUDGED,),
        State.APPEALED,
        "A party appeals within its own appeal period (民诉法 Arts. 171, 286).",
        # The party or its lawyer online; the clerk registers a paper appeal.
        actors=frozenset({Role.DEFENDANT, Role.LAWYER, Role.BANK_AGENT, Role.CLERK}),
    ),
    Transition(
        "take_effect",
        "判决生效",
        (State.JUDGED,),
        State.EFFECTIVE,
        "Every party's appeal period passed without appeal (民诉法 Art. 171), or every party "
        "signed for the mediation document (Art. 100).",
        actors=frozenset({SYSTEM}),
    ),
    Transition(
        "withdraw",
        "撤诉",
        (State.FILED, State.SERVED, State.HEARING_SCHEDULED, State.HEARD),
        State.WITHDRAWN,
        "The court's ruling allows the claimant's withdrawal (民诉法 Art. 148); fee halved "
        "(办法 Art. 15).",
        actors=_JUDGE,
    ),
    # Suspected crime (jiefen.referrals; docs/referrals.md). The judge decides on the referral;
    # the stages' other cases of the referral follow as consequences made by the system.
    Transition(
        "suspend_mediation",
        "中止调解",
        (State.SCREENING, State.IN_MEDIATION, State.AWAITING_FILING),
        State.SUSPENDED,
        "A claim suspected to rest on a crime is neither mediated nor filed while the police "
        "examine the referred clues (民间借贷规定 Art. 5; 法释〔1998〕7号 Art. 11).",
        actors=frozenset({Role.MEDIATOR, Role.JUDGE, SYSTEM}),
    ),
    Transition(
        "suspend_litigation",
        "中止诉讼",
        _LITIGATING_STATES,
        State.SUSPENDED,
        "The case must wait for the criminal case it depends on (民诉法 Art. 153(1)(五); "
        "民间借贷规定 Art. 7).",
        actors=_JUDGE | {SYSTEM},
    ),
    Transition(
        "suspend_enforcement",
        "中止执行",
        (State.IN_ENFORCEMENT, State.TERMINATED_FOR_NOW),
        State.SUSPENDED,
        "Enforcement of a title resting on a suspected crime stops while it is examined "
        "(民诉法 Art. 267(五); 法释〔1998〕7号 Art. 12).",
        actors=frozenset({Role.ENFORCEMENT_OFFICER, Role.JUDGE, SYSTEM}),
    ),
    Transition(
        "resume",
        "恢复",
        (State.SUSPENDED,),
        State.SUSPENDED,
        "The cause of the suspension is gone (the police declined to file, or the criminal case "
        "ended): mediation, litigation or enforcement resumes where it stopped (民诉法 Arts. "
        "153 para. 2, 267 para. 2).",
        _was_suspended,
        actors=frozenset({Role.JUDGE, Role.MEDIATOR, Role.ENFORCEMENT_OFFICER, SYSTEM}),
        returns=True,
    ),
    Transition(
        "dismiss_suit",
        "裁定驳回起诉",
        (*_LITIGATING_STATES, State.SUSPENDED),
        State.DISMISSED,
        "The claim itself rests on a suspected crime: the suit is dismissed and the clues go "
        "to the police (民间借贷规定 Art. 5; 法释〔1998〕7号 Arts. 11-12); the fee is refunded.",
        _dismissable,
        actors=_JUDGE,
    ),
    Transition(
        "apply_enforcement",
        "申请执行",
        _ENFORCEABLE_TITLES,
        State.IN_ENFORCEMENT,
        "The creditor applies to enforce a title within 2 years of the performance period "
        "(民诉法 Arts. 247, 249, 250); the court files it with a 执 number.",
        actors=frozenset({Role.BANK_AGENT}),
    ),
    *(
        Transition(
            name,
            label,
            (State.IN_ENFORCEMENT,),
            State.IN_ENFORCEMENT,
            meaning,
            actors=actors,
        )
        for name, label, meaning, actors in (
            (
                "issue_execution_notice",
                "发出执行通知书、报告财产令",
                "Execution notice and order to report assets on filing (民诉法 Arts. 251-252).",
                _ENFORCER_OR_SYSTEM,
            ),
            (
                "inquire_assets",
                "网络查控",
                "Online inquiry of the debtor's deposits, vehicles, real estate, securities and "
                "wages (民诉法 Art. 253).",
                _ENFORCER_OR_SYSTEM,
            ),
            (
                "freeze",
                "冻结存款",
                "Deposits frozen by ruling, at most 1 year (民诉解释 Art. 485).",
                _ENFORCER,
            ),
            (
                "deduct",
                "扣划存款",
                "Frozen deposits deducted to the court's account (民诉法 Art. 253).",
                _ENFORCER,
            ),
            (
                "seize",
                "查封、扣押财产",
                "Vehicles seized (2 years), real estate sealed (3 years) (民诉法 Art. 254).",
                _ENFORCER,
            ),
            (
                "restrict_consumption",
                "限制消费",
                "High consumption restricted for a debtor who did not perform within the "
                "notice's period (SPC provisions on restricting high consumption Art. 1).",
                _ENFORCER,
            ),
            (
                "list_dishonest",
                "纳入失信被执行人名单",
                "A debtor able but refusing, or on another ground of the SPC provisions Art. 1, "
                "listed with the ground and duration; never a minor.",
                _ENFORCER,
            ),
            (
                "execution_settlement",
                "执行和解",
                "The parties settle in execution (SPC provisions on execution settlement 2018).",
                _ENFORCER,
            ),
            (
                "record_receipt",
                "执行款到账",
                "Money received and distributed: the money debt first, then the doubled-part "
                "interest (法释〔2014〕8号 Art. 4).",
                _ENFORCER_OR_SYSTEM,
            ),
        )
    ),
    Transition(
        "terminate_for_now",
        "终结本次执行",
        (State.IN_ENFORCEMENT,),
        State.TERMINATED_FOR_NOW,
        "No disposable assets after the full inquiry, 3 months after filing, the creditor heard "
        "(SPC provisions on 终本 2016, Art. 1); assets checked again every 6 months.",
        actors=_ENFORCER,
    ),
    Transition(
        "reinquire_assets",
        "终本后财产复查",
        (State.TERMINATED_FOR_NOW,),
        State.TERMINATED_FOR_NOW,
        "The six-monthly online inquiry of a case terminated for now (终本规定 Art. 9).",
        actors=_ENFORCER_OR_SYSTEM,
    ),
    Transition(
        "resume_enforcement",
        "恢复执行",
        (State.TERMINATED_FOR_NOW,),
        State.IN_ENFORCEMENT,
        "Assets found: enforcement resumes with a 执恢 number, no time limit, no new fee "
        "(终本规定 Art. 9).",
        # The re-inquiry sweep resumes when it finds assets; the creditor may apply; the
        # officer may resume.
        actors=frozenset({Role.ENFORCEMENT_OFFICER, Role.BANK_AGENT, SYSTEM}),
    ),
    Transition(
        "close",
        "结案",
        (State.MEDIATED, *_ENFORCEABLE_TITLES, State.IN_ENFORCEMENT),
        State.CLOSED,
        "Debt fully performed or enforcement completed.",
        # The creditor's payment report completes the plan, or the enforcement officer closes.
        actors=frozenset({Role.BANK_AGENT, Role.ENFORCEMENT_OFFICER, SYSTEM}),
    ),
    Transition(
        "delist_dishonest",
        "删除失信信息",
        (State.CLOSED,),
        State.CLOSED,
        "The dishonest-debtor entry deleted within 3 working days of full performance, and "
        "the consumption restriction lifted (SPC dishonest-list provisions Art. 10).",
        actors=_ENFORCER_OR_SYSTEM,
    ),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def offer_refusal(case: Case, transition: Transition) -> str | None:
    """Why `transition` cannot be offered for `case` now (state and guard), or None."""
    if case.state not in transition.sources:
        return f"案件当前状态为「{State(case.state).label}」，不能「{transition.label}」"
    return transition.guard(case)


def target_of(case: Case, transition: Transition) -> str:
    """Where the move takes `case`: its target, or for `resume` the state it was suspended from."""
    return case.suspended_from if transition.returns else transition.target


def refusal(case: Case, transition: Transition) -> str | None:
    """Why `transition` may not happen to `case` as changed by the move, or None if it may."""
    return offer_refusal(case, transition) or transition.requires(case)


def actor_refusal(by_role: str | None, transition: Transition) -> str | None:
    """Why a user of role `by_role` (None: the system) may not make this move, or None."""
    if (by_role or SYSTEM) in transition.actors:
        return None
    if by_role is None:
        return f"「{transition.label}」须由经办人员操作，系统不能自动执行"
    return f"无权执行此操作：「{transition.label}」不属于{Role(by_role).label}的职权"


def allowed_transitions(case: Case) -> list[Transition]:
    """Moves whose state and guard allow them now, whoever acts (see `access.allowed_events`)."""
    return [t for t in TRANSITIONS if offer_refusal(case, t) is None]
