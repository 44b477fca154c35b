"""The only writers of mediation data (rule 2): each action is one transaction with an audit record.

Split by job: assignment (mediators, numbers), notices (SMS/e-mail, one-time codes), offers
(rules, bulk offers, borrower answers, counter-offers), agreement (PDF, signatures), outcomes
(confirmation, notarization, payment order, failure) and instalments (payments, misses).
"""

from jiefen.mediation.actions.agreement import (
    complete_signed,
    create_agreement,
    sign_as_borrower,
    sign_many,
)
from jiefen.mediation.actions.assignment import open_mediation, reassign
from jiefen.mediation.actions.common import ActionRefused
from jiefen.mediation.actions.instalments import (
    PaymentRow,
    parse_csv,
    record_payments,
    sweep_missed,
)
from jiefen.mediation.actions.notices import (
    deliver_notices,
    issue_code,
    record_identification,
    verify_code,
)
from jiefen.mediation.actions.offers import (
    borrower_accept,
    counter_offer,
    decide_offer,
    dispute,
    propose_plan,
    request_session,
    send_bulk_offer,
    set_rule,
)
from jiefen.mediation.actions.outcomes import (
    apply_confirmation,
    apply_notarization,
    apply_payment_order,
    expire_mediations,
    fail_mediation,
    issue_payment_order,
    notarize,
    object_to_payment_order,
    payment_orders_take_effect,
    rule_on_confirmation,
)

__all__ = [
    "ActionRefused",
    "PaymentRow",
    "apply_confirmation",
    "apply_notarization",
    "apply_payment_order",
    "borrower_accept",
    "complete_signed",
    "counter_offer",
    "create_agreement",
    "decide_offer",
    "deliver_notices",
    "dispute",
    "expire_mediations",
    "fail_mediation",
    "issue_code",
    "issue_payment_order",
    "notarize",
    "object_to_payment_order",
    "open_mediation",
    "parse_csv",
    "payment_orders_take_effect",
    "propose_plan",
    "reassign",
    "record_identification",
    "record_payments",
    "request_session",
    "rule_on_confirmation",
    "send_bulk_offer",
    "set_rule",
    "sign_as_borrower",
    "sign_many",
    "sweep_missed",
    "verify_code",
]
