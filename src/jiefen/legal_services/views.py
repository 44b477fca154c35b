"""Pages of legal-service matching (法律服务对接): the desk, one request's thread, and an
institution's service file.

Thin views: every object comes through `cases.access` (an agent its institution's requests, a
pool lawyer those assigned to them, the centre all; 404 for the rest and for missing ids) and
every write is an action of `legal_services.actions`, whose Chinese refusal is shown on the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.law.errors import LawError
from jiefen.legal_services import actions, selectors
from jiefen.legal_services.models import LegalRequest, RequestKind, RequestState

LISTED = 500  # rows a desk lists (newest first)


def _rows(requests: list[LegalRequest]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [{"r": r, "overdue": selectors.is_overdue(r, today)} for r in requests]


def _files(user: User) -> list[dict[str, Any]]:
    """The service files the user may open, with each institution's request counts."""
    return selectors.file_counts(
        access.visible_legal_requests(user), access.visible_service_files(user)
    )


def _desk_page(
    request: HttpRequest,
    user: User,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    requests = list(access.visible_legal_requests(user).order_by("-posted_on", "-pk")[:LISTED])
    return render(
        request,
        "legal_services/desk.html",
        {
            "rows": _rows(requests),
            "files": _files(user),
            "may_post": access.role_refusal(user, "legal_services.post") is None,
            "is_lawyer": access.is_pool_lawyer(user),
            "kinds": RequestKind.choices,
            "form": form or {"kind": RequestKind.COMPLIANCE},
            "errors": errors or {},
        },
        status=status,
    )


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """/legal-services/: the agent's requests and the post form; the lawyer's assigned requests,
    overdue ones marked; for the centre all requests and every institution's file."""
    user = access.legal_services_user(request.user)
    if request.method != "POST":
        return _desk_page(request, user)
    form = {k: request.POST.get(k, "") for k in ("kind", "subject", "body")}
    try:
        posted = actions.post_request(
            by=user, kind=form["kind"], subject=form["subject"], body=form["body"]
        )
    except actions.RequestInvalid as exc:
        return _desk_page(request, user, form=form, errors={exc.field: str(exc)}, status=400)
    except (actions.ActionRefused, LawError) as exc:
        return _desk_page(request, user, form=form, errors={"form": str(exc)}, status=400)
    if posted.lawyer is None:
        messages.warning(
            request, "需求已发布。律师库暂无可为本机构服务的轮值律师，已登记为待分派。"
        )
    else:
        messages.success(
            request,
            f"需求已发布，已分派给{posted.lawyer.display_name}律师（{posted.assigned_on:%Y-%m-%d}"
            f"轮值），答复期限{posted.answer_due:%Y-%m-%d}。",
        )
    return redirect("legal_services:detail", posted.pk)


def _detail_page(
    request: HttpRequest, user: User, item: LegalRequest, *, error: str = "", status: int = 200
) -> HttpResponse:
    own = access.owns_legal_request(user, item)
    return render(
        request,
        "legal_services/detail.html",
        {
            "r": item,
            "replies": item.replies.select_related("author"),
            "overdue": selectors.is_overdue(item, timezone.localdate()),
            "may_answer": item.lawyer_id == user.pk
            and item.state in (RequestState.ASSIGNED, RequestState.ANSWERED)
            and access.role_refusal(user, "legal_services.answer") is None,
            "may_follow_up": own and item.state != RequestState.CLOSED,
            "may_close": own and item.state != RequestState.CLOSED,
            "may_rate": item.answered_at is not None,
            "may_open_file": access.visible_service_files(user)
            .filter(pk=item.institution_id)
            .exists(),
            "error": error,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = access.legal_services_user(request.user)
    return _detail_page(request, user, access.legal_request_for(user, request_id))


def _act(request: HttpRequest, request_id: int, act: str) -> HttpResponse:
    user = access.legal_services_user(request.user)
    item = access.legal_request_for(user, request_id)
    body = request.POST.get("body", "")
    try:
        match act:
            case "answer":
                actions.answer_request(item, body, by=user)
                done = "答复已发送。"
            case "follow_up":
                actions.follow_up(item, body, by=user)
                done = "追问已发送，需求已转回承办律师。"
            case _:
                actions.close_request(item, by=user, rating=_rating(request.POST.get("rating")))
                done = "需求已办结，感谢评价。" if item.rating else "需求已办结。"
    except (actions.ActionRefused, LawError) as exc:
        return _detail_page(request, user, item, error=str(exc), status=400)
    messages.success(request, done)
    return redirect("legal_services:detail", item.pk)


def _rating(value: str | None) -> int | None:
    """The posted rating: blank is no rating; anything but 1–5 is refused by the action."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise actions.RequestInvalid("rating", f"满意度评价「{text}」无效，应为1至5分")
    return int(text)


@login_required
@require_POST
def answer(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "answer")


@login_required
@require_POST
def follow_up(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "follow_up")


@login_required
@require_POST
def close(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "close")


@login_required
def service_file(request: HttpRequest, institution_id: int) -> HttpResponse:
    """/legal-services/file/<id>/: the institution's service file (一对一服务档案)."""
    user = access.legal_services_user(request.user)
    institution = access.service_file_for(user, institution_id)
    today = timezone.localdate()
    file = selectors.service_file(institution, access.visible_legal_requests(user), today)
    return render(
        request,
        "legal_services/file.html",
        {
            "file": file,
            "rows": [{"r": r, "overdue": r.pk in file.overdue_ids} for r in file.requests],
            "partial": access.is_pool_lawyer(user),
        },
    )
