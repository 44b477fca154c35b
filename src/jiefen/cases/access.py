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
