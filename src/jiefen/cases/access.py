"""Who may see which case (rule 4 of the architecture).

`visible_cases(user)` is the one place that scopes cases by role; `case_for` returns a case or
raises the same Http404 for a missing and a forbidden case, so nothing leaks which ids exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Case


def visible_cases(user: User) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    match user.role:
        case Role.PLATFORM_ADMIN:
            return cases
        case Role.BANK_AGENT:
            return cases.filter(institution_id=user.organisation_id)
        case Role.MEDIATOR:
            return cases.filter(mediator=user)
        case Role.JUDGE:
            return cases.filter(judge=user)
        case Role.CLERK:
            # Assigned to them, waiting for filing at their court, or filed by them (立案).
            return cases.filter(
                Q(clerk=user)
                | Q(
                    court_id=user.organisation_id,
                    judge__isnull=True,
                    state__in=["awaiting_filing", "screening"],
                )
                | Q(filing__job__requested_by=user)
            )
        case Role.ENFORCEMENT_OFFICER:
            return cases.filter(enforcement_officer=user)
        case Role.NOTARY:
            return cases.filter(notary_office_id=user.organisation_id)
        case Role.DEFENDANT:
            if user.party_id is None:
                return cases.none()
            return cases.filter(case_parties__party_id=user.party_id).distinct()
    return cases.none()


def case_for(user: User, case_id: int) -> Case:
    try:
        return visible_cases(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("案件不存在或无权查看") from None

# =============================================================================================
# Who may act on a case (decided here once; every action asks before it writes).
#
# A user may act on a case only if the case is in their scope (`visible_cases`) AND their role
# is an actor of the move (`Transition.actors` in `states.py`) or of the named ability below
# (acts that are not moves of the lifecycle). `None` as the user is the system: a sweep, a
# worker or the borrower portal; it has every case in scope but only the moves and abilities
# that list `SYSTEM`.
# =============================================================================================

from dataclasses import dataclass  # noqa: E402  (kept with the section it serves)

from jiefen.cases.states import (  # noqa: E402
    BY_NAME,
    SYSTEM,
    TRANSITIONS,
    Transition,
    actor_refusal,
    offer_refusal,
)

NOT_IN_SCOPE = "无权执行此操作：案件不在您的办理范围内"


@dataclass(frozen=True)
class Ability:
    """A named act on a case that is not a move of the lifecycle, with who may do it and why."""

    label: str
    actors: frozenset[str]
    reason: str


ABILITIES: dict[str, Ability] = {
    "mediation.reassign": Ability(
        "改派调解员",
        frozenset({Role.PLATFORM_ADMIN, Role.MEDIATOR}),
        "The centre re-routes a case; a mediator may hand their own case to a colleague.",
    ),
    "mediation.sign": Ability(
        "签署调解协议",
        frozenset({Role.BANK_AGENT, Role.MEDIATOR}),
        "Claimant and mediator sign in the platform (人民调解法 Art. 29); the borrower on the portal.",
    ),
    "mediation.send_offer": Ability(
        "发送调解方案",
        frozenset({Role.MEDIATOR, Role.PLATFORM_ADMIN}),
        "The mediator puts terms to the borrowers; the claimant's own say is its settlement rule.",
    ),
    "mediation.decide_offer": Ability(
        "处理借款人方案",
        frozenset({Role.BANK_AGENT, Role.MEDIATOR, Role.PLATFORM_ADMIN}),
        "The claimant decides a plan outside its rule; the mediator may reject or counter it.",
    ),
    "mediation.set_rule": Ability(
        "设置预设和解规则",
        frozenset({Role.BANK_AGENT}),
        "Only the creditor can say in advance which borrower plans it accepts (预设和解规则).",
    ),
    "mediation.record_payments": Ability(
        "登记还款",
        frozenset({Role.BANK_AGENT}),
        "Payments are reported by the creditor that received them, for its own cases only.",
    ),
    "docket.file_series": Ability(
        "批量立案",
        frozenset({Role.CLERK, Role.PLATFORM_ADMIN}),
        "Filing (立案) is the court registry's act (民诉法 Art. 126), at the clerk's own court.",
    ),
    "docket.set_fee_account": Ability(
        "设置诉讼费收款账户",
        frozenset({Role.PLATFORM_ADMIN, SYSTEM}),
        "The account printed on fee notices is back-office data the administrator keeps.",
    ),
    "intake.submit_batch": Ability(
        "提交批量数据",
        frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN, SYSTEM}),
        "A batch is the claimant's submission; the administrator and workers may load one.",
    ),
}


def _role(user: User | None) -> str | None:
    return None if user is None else str(user.role)


def role_refusal(user: User | None, name: str) -> str | None:
    """Why `user`'s role may never do `name` (a transition or an ability), or None.

    Independent of any case: actions that work on many cases ask it first and refuse at once.
    """
    if user is not None and not (user.is_authenticated and user.is_active):
        return "无权执行此操作：账号未登录或已停用"
    if name in BY_NAME:
        return actor_refusal(_role(user), BY_NAME[name])
    ability = ABILITIES[name]
    if (_role(user) or SYSTEM) in ability.actors:
        return None
    if user is None:
        return f"「{ability.label}」须由经办人员操作，系统不能自动执行"
    return f"无权执行此操作：{Role(user.role).label}不能「{ability.label}」"


def in_scope(user: User | None, case_ids: list[int]) -> set[int]:
    """The ids among `case_ids` that `user` may act on by scope (the system: all of them)."""
    if user is None:
        return set(case_ids)
    return set(visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def act_refusal(user: User | None, case: Case, name: str) -> str | None:
    """Why `user` may not do `name` on `case` (role first, then scope), or None if they may."""
    reason = role_refusal(user, name)
    if reason is None and case.pk not in in_scope(user, [case.pk]):
        reason = NOT_IN_SCOPE
    return reason


def allowed_events(case: Case, user: User | None) -> list[Transition]:
    """Moves `user` may make on `case` now: source state, guard, actor and scope all pass.

    This is what case pages render their buttons from; `requires` is left to the move itself,
    which supplies those fields (e.g. the notary office chosen when applying for notarization).
    """
    if user is not None and case.pk not in in_scope(user, [case.pk]):
        return []
    return [
        t
        for t in TRANSITIONS
        if offer_refusal(case, t) is None and role_refusal(user, t.name) is None
    ]


def may_do(case: Case, user: User | None, name: str) -> bool:
    """Whether `user` may do the ability or move `name` on `case` (for buttons of abilities)."""
    if name in BY_NAME:
        return any(t.name == name for t in allowed_events(case, user))
    return act_refusal(user, case, name) is None
