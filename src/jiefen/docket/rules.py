"""Filing decisions as small functions over plain values: procedure, fee, assignment.

- Procedure (民诉法 Arts. 160, 165-166; 民诉解释 Art. 140): a defendant who must be served by
  public notice (no confirmed contact, no e-service consent, no address) rules out summary
  procedure and small claims → ordinary; otherwise small claims when the claim is within the province's threshold,
  else summary.
- Fee: `jiefen.law.fees.acceptance_fee`, halved once for summary procedure (incl. small claims,
  办法 Art. 16), rounded by the court's policy.
- Assignment: a series stays with the least-loaded judge unless it exceeds the court's
  `judge_capacity`, then it is split evenly over the least-loaded judges.
- Evidence period: `jiefen.law.timelines` (民诉解释 Arts. 99, 266, 275). The hearing itself is
  booked by the hearing scheduler (`hearings.actions.scheduling.book`) from the court's hearing
  lead (`lawdata` court policy, default 35 days); a hearing falling in a year whose holiday
  arrangement is not entered raises `CalendarDataMissing` with a message the clerk reads on the
  job page: the date is never guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiefen.cases.models import Procedure
from jiefen.law.errors import OutOfTableError
from jiefen.law.fees import FeePolicy, FeeResult, acceptance_fee
from jiefen.law.parameters import Parameters
from jiefen.law.small_claims import small_claims_eligible
from jiefen.law.timelines import evidence_period


@dataclass(frozen=True)
class ProcedureChoice:
    procedure: str
    reason: str


def choose_procedure(
    claim_total: Decimal,
    *,
    public_notice: bool,
    province: str,
    as_of: date,
    params: Parameters | None = None,
) -> ProcedureChoice:
    if public_notice:
        return ProcedureChoice(
            Procedure.ORDINARY,
            "被告下落不明需公告送达，不适用简易程序和小额诉讼（民诉解释第一百四十条）",
        )
    try:
        eligibility = small_claims_eligible(claim_total, province, as_of, params=params)
    except OutOfTableError as exc:
        return ProcedureChoice(Procedure.SUMMARY, f"无{province}社平工资数据，按简易程序（{exc}）")
    if eligibility.eligible:
        return ProcedureChoice(
            Procedure.SMALL_CLAIMS,
            f"标的额不超过{eligibility.limits.province}小额诉讼标准{eligibility.limits.threshold}元（民诉法第一百六十五条）",
        )
    return ProcedureChoice(
        Procedure.SUMMARY, f"标的额超过小额诉讼标准{eligibility.limits.threshold}元，适用简易程序"
    )


def filing_fee(
    claim_total: Decimal,
    procedure: str,
    policy: FeePolicy,
    as_of: date,
    params: Parameters | None = None,
) -> FeeResult:
    halve = procedure in (Procedure.SUMMARY, Procedure.SMALL_CLAIMS)
    return acceptance_fee(claim_total, halve=halve, policy=policy, as_of=as_of, params=params)


def plan_assignment(n_cases: int, loads: dict[int, int], capacity: int) -> list[tuple[int, int]]:
    """Split `n_cases` of one series over judges; return [(judge_id, how many)] in case order.

    `loads` maps judge id → current open cases. One judge (the least loaded) takes the whole
    series when it fits `capacity`; otherwise ceil(n / capacity) least-loaded judges (all of
    them if there are fewer) share it evenly (sizes differ by at most one).
    """
    if not loads:
        raise ValueError("本院没有可分案的法官")
    ranked = sorted(loads, key=lambda j: (loads[j], j))
    k = (
        1
        if n_cases <= max(capacity, 1)
        else min(len(ranked), math.ceil(n_cases / max(capacity, 1)))
    )
    chosen = ranked[:k]
    base, extra = divmod(n_cases, k)
    return [(j, base + (1 if i < extra else 0)) for i, j in enumerate(chosen)]


def evidence_days(procedure: str, as_of: date, params: Parameters | None = None) -> int:
    """Evidence period the notice gives: ordinary ≥ 15, summary ≤ 15, small claims ≤ 7 days
    (民诉解释 Arts. 99, 266, 275), dated in `law/parameters/rules.yaml`."""
    return evidence_period(procedure, as_of=as_of, params=params).days
