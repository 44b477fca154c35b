"""Shared pieces of the mediation actions: refusals, numbering, portal codes, audit."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import Organisation, User
from jiefen.audit.chain import append
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.numbering import take_case_numbers

# Unambiguous characters (no 0/O, 1/I/L) so a borrower can read the code off an SMS.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

MEDIATION_TYPE = "民诉前调"
CONFIRMATION_TYPE = "民特"
PAYMENT_ORDER_TYPE = "民督"


# One refusal type for every action: a page that catches it also catches a refused move or a
# user who may not act (`jiefen.cases.actions.require`), never a 500.
ActionRefused = TransitionRefused


def today() -> date:
    return timezone.localdate()


def next_numbers(court: Organisation, year: int, type_code: str, count: int) -> list[str]:
    """Reserve `count` consecutive numbers of a type at a court for a year (法〔2015〕137号).

    The counter row is locked, so two transactions never hand out the same sequence.
    """
    if not court.court_code:
        raise ActionRefused(f"{court.name}未设置法院代字，无法编号")
    return take_case_numbers(court, year, type_code, count)


def portal_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def audit(by: User | None, action: str, object_id: object, **payload: Any) -> None:
    append(
        actor_id=by.pk if by else None,
        action=f"mediation.{action}",
        object_type="mediation",
        object_id=object_id,
        payload={k: str(v) if not isinstance(v, list | dict) else v for k, v in payload.items()},
    )
