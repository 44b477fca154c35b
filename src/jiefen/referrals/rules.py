"""The legal basis of each step of a suspected-crime referral, as data (no writes).

The judge's decision on the civil cases (`Outcome`) follows three rules of the Supreme People's
Court, applied at the stage each case has reached:

- the claim itself rests on the suspected crime (the same facts): the suit is dismissed and the
  clues sent (民间借贷规定 Art. 5 para. 1; 法释〔1998〕7号 Art. 11; 民诉法 Art. 157(1)(三));
- a related lead, not the same legal relation: the lead is sent, the civil case goes on
  (民间借贷规定 Art. 6; 法释〔1998〕7号 Art. 10);
- the civil facts must wait for the criminal case: litigation is suspended (民诉法 Arts.
  153(1)(五), 157(1)(六); 民间借贷规定 Art. 7).

Cases not yet filed are not mediated or filed while the police examine the clues; enforcement
of a title resting on the suspected crime stops (民诉法 Art. 267(1)(五)). The police's answer
decides what follows: not filed (不立案) lets the suspended cases resume (民诉法 Arts. 153 para. 2,
267 para. 2) and the claimant of a dismissed case sue again (民间借贷规定 Art. 5 para. 2).

Documents and pages read their citations from here; docs/referrals.md explains them.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiefen.cases.models import Case
from jiefen.cases.states import BY_NAME, State
from jiefen.referrals.models import Answer, Outcome

# --- which stage a case is at (the stage decides the consequence of a decision) -------------

# Not yet filed: mediation or the filing queue (the move `suspend_mediation`).
PRE_FILING_STATES: tuple[str, ...] = tuple(BY_NAME["suspend_mediation"].sources)
# Filed and not yet judged: the judge's own cases (`suspend_litigation`, `dismiss_suit`).
LITIGATING_STATES: tuple[str, ...] = tuple(BY_NAME["suspend_litigation"].sources)
# Enforcing an effective title (`suspend_enforcement`).
ENFORCEMENT_STATES: tuple[str, ...] = tuple(BY_NAME["suspend_enforcement"].sources)
# Ended: nothing left to refer or to stop.
ENDED_STATES: tuple[str, ...] = (State.CLOSED, State.WITHDRAWN, State.DISMISSED)

PRE_FILING = "pre_filing"
LITIGATING = "litigating"
ENFORCEMENT = "enforcement"
OTHER = "other"

STAGE_LABELS: dict[str, str] = {
    PRE_FILING: "诉前调解/待立案",
    LITIGATING: "审理中",
    ENFORCEMENT: "执行中",
    OTHER: "其他阶段",
}


def stage_of(state: str) -> str:
    """The stage of a case state: pre_filing, litigating, enforcement or other."""
    if state in PRE_FILING_STATES:
        return PRE_FILING
    if state in LITIGATING_STATES:
        return LITIGATING
    if state in ENFORCEMENT_STATES:
        return ENFORCEMENT
    return OTHER


# --- the law ------------------------------------------------------------------------------

PRIVATE_LENDING = "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》"
ECONOMIC_CRIME = "《最高人民法院关于在审理经济纠纷案件中涉及经济犯罪嫌疑若干问题的规定》"
CIVIL_PROCEDURE = "《中华人民共和国民事诉讼法》"


@dataclass(frozen=True)
class Basis:
    """One step's legal basis: a short label, the citations as they are written in documents,
    and one line saying what it means for the cases."""

    label: str
    citations: tuple[str, ...]
    meaning: str

    @property
    def text(self) -> str:
        """The citations joined as a document writes them after 依照 (…、…)."""
        return "、".join(self.citations)


OUTCOME_BASIS: dict[str, Basis] = {
    Outcome.DISMISS: Basis(
        Outcome.DISMISS.label,
        (
            f"{PRIVATE_LENDING}第五条第一款",
            f"{ECONOMIC_CRIME}第十一条",
            f"{CIVIL_PROCEDURE}第一百五十七条第一款第三项",
        ),
        "借贷行为本身涉嫌犯罪：已立案的案件裁定驳回起诉，涉嫌犯罪的线索、材料移送公安或者检察机关。",
    ),
    Outcome.REFER_LEAD: Basis(
        Outcome.REFER_LEAD.label,
        (f"{PRIVATE_LENDING}第六条", f"{ECONOMIC_CRIME}第十条"),
        "涉嫌犯罪的线索与本案有关联但不是同一事实：移送线索、材料，民事案件继续审理或者执行。",
    ),
    Outcome.SUSPEND: Basis(
        Outcome.SUSPEND.label,
        (
            f"{CIVIL_PROCEDURE}第一百五十三条第一款第五项",
            f"{CIVIL_PROCEDURE}第一百五十七条第一款第六项",
            f"{PRIVATE_LENDING}第七条",
        ),
        "民事案件的基本事实须以刑事案件的审理结果为依据：裁定中止诉讼，同时移送涉嫌犯罪的线索、材料。",
    ),
    Outcome.NO_REFERRAL: Basis(
        Outcome.NO_REFERRAL.label,
        (f"{ECONOMIC_CRIME}第十二条",),
        "经审查不属于涉嫌犯罪：不予移送，民事案件依法继续审理或者执行。",
    ),
}

# Cases not yet filed: neither mediated nor filed while the clues are examined.
MEDIATION_SUSPENSION = Basis(
    "中止调解",
    (f"{PRIVATE_LENDING}第五条第一款", f"{ECONOMIC_CRIME}第十一条"),
    "尚未立案的纠纷涉嫌犯罪：中止诉前调解，不予立案，待公安或者检察机关处理结果。",
)

# Enforcement of the same cases stops (a ruling of the enforcement court).
ENFORCEMENT_SUSPENSION = Basis(
    "中止执行",
    (f"{CIVIL_PROCEDURE}第二百六十七条第一款第五项",),
    "执行依据所涉借贷行为涉嫌犯罪：裁定中止执行，不再采取执行措施、不发放执行款。",
)

# After the police opened a criminal case: the suspended suits are dismissed.
DISMISSAL_AFTER_FILING = Basis(
    "立案后裁定驳回起诉",
    (
        f"{PRIVATE_LENDING}第五条第一款",
        f"{ECONOMIC_CRIME}第十一条",
        f"{CIVIL_PROCEDURE}第一百五十七条第一款第三项",
    ),
    "公安机关已立案侦查，借贷行为本身涉嫌犯罪：中止诉讼的案件裁定驳回起诉。",
)

# The police's answer.
ANSWER_BASIS: dict[str, Basis] = {
    Answer.ACCEPTED: Basis(
        Answer.ACCEPTED.label,
        (f"{CIVIL_PROCEDURE}第一百五十三条第一款第五项", f"{PRIVATE_LENDING}第七条"),
        "公安机关已立案：中止的案件继续中止，待刑事案件处理结果；承办法官可裁定驳回起诉。",
    ),
    Answer.DECLINED: Basis(
        Answer.DECLINED.label,
        (
            f"{CIVIL_PROCEDURE}第一百五十三条第二款",
            f"{CIVIL_PROCEDURE}第二百六十七条第二款",
            f"{PRIVATE_LENDING}第五条第二款",
        ),
        "公安机关不予立案：中止的调解、诉讼和执行恢复；已驳回起诉的，当事人可以同一事实重新起诉。",
    ),
}

# Said to the claimant of a dismissed case when the police decline (民间借贷规定 Art. 5 para. 2).
SUE_AGAIN = Basis(
    "可以重新起诉",
    (f"{PRIVATE_LENDING}第五条第二款",),
    "公安或者检察机关不予立案、撤销案件、不起诉，或者生效判决认定不构成犯罪的，当事人以同一事实"
    "再次起诉，人民法院应予受理。",
)
# Suspended cases resume where they stopped.
RESUMPTION = Basis(
    "恢复",
    (f"{CIVIL_PROCEDURE}第一百五十三条第二款", f"{CIVIL_PROCEDURE}第二百六十七条第二款"),
    "中止的原因消除：恢复调解、诉讼或者执行，回到中止前的状态。",
)


def outcome_basis(outcome: str, *, private_lending: bool = True) -> Basis:
    """The basis of a decision `Outcome` (KeyError for an unknown one), for private lending or,
    with `private_lending=False`, for a licensed lender's loan (see `for_loans`)."""
    return for_loans(OUTCOME_BASIS[outcome], private_lending=private_lending)


# --- private lending or a licensed lender's loan ---------------------------------------------


def is_private_lending(case: Case) -> bool:
    """Whether the loan is private lending (民间借贷规定 Art. 1): lending by anyone but a financial
    institution licensed to lend. A claimant without a lending licence makes its loans private
    lending whatever the batch called them, and the court names the dispute by the relation."""
    return case.case_type != "credit_card" and case.institution.is_private_lender


def dispute_name(case: Case) -> str:
    """The cause of action a ruling names: 民间借贷纠纷 for private lending, else the case type."""
    return "民间借贷纠纷" if is_private_lending(case) else case.get_case_type_display()


def for_loans(basis: Basis, *, private_lending: bool) -> Basis:
    """`basis` without the private-lending provisions when the loan is a licensed lender's:
    there the SPC provisions on economic disputes and the civil procedure law alone apply."""
    if private_lending:
        return basis
    kept = tuple(c for c in basis.citations if not c.startswith(PRIVATE_LENDING))
    return Basis(basis.label, kept, basis.meaning)
