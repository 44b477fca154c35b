"""The few `jiefen.law` rules mediation applies, bound to a court's policies in one place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jiefen.accounts.models import Organisation
from jiefen.law import fees, periods
from jiefen.lawdata.selectors import court_fee_policy as fee_policy
from jiefen.lawdata.selectors import current_calendar as _calendar


def confirmation_window_ends(agreement_effective_on: date) -> date:
    """Both parties apply within 30 days of the agreement taking effect (民诉法 Art. 205)."""
    return periods.judicial_confirmation_deadline(agreement_effective_on, calendar=_calendar())


def objection_window_ends(received_on: date) -> date:
    """The debtor pays or objects within 15 days of receiving the order (民诉法 Art. 227)."""
    return periods.payment_order_objection_deadline(received_on, calendar=_calendar())


def payment_order_fee(court: Organisation, amount: Decimal, as_of: date) -> Decimal:
    """One third of the property-case fee (办法 Art. 14(三))."""
    return fees.payment_order_fee(amount, policy=fee_policy(court), as_of=as_of).payable


def execution_fee(court: Organisation, amount: Decimal, as_of: date) -> Decimal:
    """Execution fee on the amount to enforce (办法 Art. 14(一)); collected after execution."""
    return fees.execution_fee(amount, policy=fee_policy(court), as_of=as_of).payable
