"""Pages of the publication stage (裁判文书公开, 法释〔2016〕19号).

Staff (desk "publication": the court's clerks and judges, the administrator): the desk with the
judgments pending review and those released, and one publication's review page — the original
on the left with every removal highlighted, the anonymised text on the right; the clerk edits,
releases or withholds it. The public (no login): the released judgments, anonymised text only.
Objects come through `cases.access`; every write is an action of `publication.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.publication import actions, selectors
from jiefen.publication.models import Publication, PublicationState

PER_PAGE = 50


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "publication")


@login_required
def desk_page(request: HttpRequest) -> HttpResponse:
    user = _desk(request)
    rows = access.visible_publications(user).order_by("-prepared_on", "-pk")
    return render(
        request,
        "publication/desk.html",
        {
            "pending": rows.filter(state=PublicationState.PENDING_REVIEW),
            "released": rows.filter(state=PublicationState.RELEASED)[:PER_PAGE],
            "withheld": rows.filter(state=PublicationState.WITHHELD)[:PER_PAGE],
            "may_prepare": access.role_refusal(user, "publication.prepare") is None,
        },
    )


@login_required
@require_POST
def prepare(request: HttpRequest) -> HttpResponse:
    user = _desk(request)
    try:
        made = actions.prepare_publications(by=user, as_of=timezone.localdate())
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已生成公开文本{made}份，请逐份审核。")
    return redirect("publication:desk")


@login_required
def review_page(request: HttpRequest, publication_id: int) -> HttpResponse:
    user = _desk(request)
    publication = access.publication_for(user, publication_id)
    return render(
        request,
        "publication/review.html",
        {
            "p": publication,
            "original": selectors.original_segments(publication),
            "anonymised": selectors.anonymised_segments(publication),
            "remaining": selectors.remaining(publication),
            "may_review": access.may_do(publication.judgment.case, user, "publication.review"),
            "pending": publication.state == PublicationState.PENDING_REVIEW,
        },
    )


def _act(request: HttpRequest, publication_id: int, done: str, act: str) -> HttpResponse:
    user = _desk(request)
    publication: Publication = access.publication_for(user, publication_id)
    try:
        match act:
            case "edit":
                actions.edit_text(publication, request.POST.get("text", ""), by=user)
            case "release":
                actions.release(publication, by=user)
            case _:
                actions.withhold(publication, request.POST.get("reason", ""), by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("publication:review", publication_id=publication.pk)


@login_required
@require_POST
def edit(request: HttpRequest, publication_id: int) -> HttpResponse:
    return _act(request, publication_id, "公开文本已保存，公开前将再次检查。", "edit")


@login_required
@require_POST
def release(request: HttpRequest, publication_id: int) -> HttpResponse:
    return _act(request, publication_id, "已公开，公众可在裁判文书公开页面查看。", "release")


@login_required
@require_POST
def withhold(request: HttpRequest, publication_id: int) -> HttpResponse:
    return _act(request, publication_id, "已决定不予公开。", "withhold")


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.released(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "publication/public_list.html", {"page": page})


def public_detail(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = access.public_publication_for(publication_id)
    return render(
        request,
        "publication/public_detail.html",
        {"p": publication, "paragraphs": publication.anonymised_text.split("\n")},
    )


urlpatterns: list[URLPattern] = [
    path("", desk_page, name="desk"),
    path("prepare/", prepare, name="prepare"),
    path("<int:publication_id>/", review_page, name="review"),
    path("<int:publication_id>/edit/", edit, name="edit"),
    path("<int:publication_id>/release/", release, name="release"),
    path("<int:publication_id>/withhold/", withhold, name="withhold"),
    path("public/", public_list, name="public_list"),
    path("public/<int:publication_id>/", public_detail, name="public_detail"),
]
