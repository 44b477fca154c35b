"""Read-only lookups of the directory: courts, mediation organisations and staff.

These are reference data every signed-in user may pick from in a form (a court to file at, a
mediation organisation to send cases to); who may act on what is decided by `cases.access` and
the actions, which re-check what a form picked.
"""

from __future__ import annotations

from django.db.models import QuerySet

from jiefen.accounts.models import ApiToken, Organisation, OrganisationKind, User


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


def organisation_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()


def api_tokens(institution: Organisation | None = None) -> QuerySet[ApiToken]:
    """API tokens (revoked and expired ones too), by institution, newest first."""
    rows = ApiToken.objects.select_related("institution").order_by(
        "institution__code", "-created_at"
    )
    return rows.filter(institution=institution) if institution is not None else rows


def api_tokens_by_prefix(prefix: str) -> list[ApiToken]:
    """At most two tokens whose prefix starts with `prefix` (two: the prefix is ambiguous)."""
    return list(ApiToken.objects.filter(prefix__startswith=prefix)[:2]) if prefix else []
