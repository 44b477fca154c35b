"""Portal pages: the home page lists the signed-in role's work; the case page shows one case."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiefen.accounts.models import Role
from jiefen.cases.access import case_for
from jiefen.cases.elements import SECTION_TITLES, complaint_elements
from jiefen.cases.selectors import counts_by_state, work_list
from jiefen.cases.states import allowed_transitions
from jiefen.documents.selectors import case_documents
from jiefen.service.selectors import case_services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Partner agencies' staff have no case work of their own: their desk is what was referred.
    if getattr(user, "role", "") in (Role.POLICE_LIAISON, Role.PROSECUTOR):
        return redirect("referrals:list")
    return render(
        request,
        "web/home.html",
        {"cases": work_list(user), "counts": counts_by_state(user)},  # type: ignore[arg-type]
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id)
    rows = complaint_elements(case)
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "sections": [
                (title, [r for r in rows if r.section == key])
                for key, title in SECTION_TITLES.items()
            ],
            "parties": case.case_parties.select_related("party"),
            "events": case.events.select_related("actor"),
            "transitions": allowed_transitions(case),
            "documents": case_documents(request.user, case),  # type: ignore[arg-type]
            "service_views": case_services(request.user, case),  # type: ignore[arg-type]
        },
    )
