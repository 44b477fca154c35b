"""Read-only lookups of the directory: courts, mediation organisations and staff.

These are reference data every signed-in user may pick from in a form (a court to file at, a
mediation organisation to send cases to); who may act on what is decided by `cases.access` and
the actions, which re-check what a form picked.
"""

from __future__ import annotations

from django.db.models import QuerySet

from jiefen.accounts.models import Organisation, OrganisationKind, User


def courts() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COURT)


def mediation_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.MEDIATION_ORG)


def court(pk: int | None) -> Organisation | None:
    return courts().filter(pk=pk).first() if pk is not None else None


def mediation_organisation(pk: int | None) -> Organisation | None:
    return mediation_organisations().filter(pk=pk).first() if pk is not None else None


def user(pk: int | None) -> User | None:
    """A user picked in a form (e.g. the mediator to hand a case to); the action checks them."""
    return User.objects.filter(pk=pk).first() if pk is not None else None
