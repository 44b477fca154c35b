"""Pages of the service stage: the clerk's desk and dashboard, jobs, receipts, inbox, links.

Thin views: every object comes through `cases.access`, every write is an action of
`jiefen.service.actions` (which asks `require` and lets the law decide the effect). Opening a
secret link, a party's download and a portal login are evidence of reading (在线诉讼规则
Art. 31 (2)); the public notice board is the court's publication (民诉法 Art. 95).

The secret link is a bearer token that an SMS or e-mail may carry to the wrong hands: before it
shows the documents, the visitor proves to be the party served with the last six characters of
the party's ID number (throttled like the borrower portal, `jiefen.accounts.throttle`); the
session then holds that attempt only. A party signed in to the portal confirms their address for
service there (送达地址确认书, `actions.confirm_address`).
"""

from __future__ import annotations

import hmac
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiefen.accounts import throttle
from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.documents.views import serve_document
from jiefen.service import selectors
from jiefen.service.actions import (
    ActionRefused,
    AddressRefused,
    attempt_for_link,
    confirm_address,
    record_party_read,
    record_read,
    record_scanned_receipt,
    start_service,
)
from jiefen.service.messages import served_what
from jiefen.service.models import ServiceAttempt

MAX_SCAN = 20 * 1024 * 1024
SESSION_LINKS = "service_links"  # the attempt ids whose link this session identified for
WRONG_ID = "证件号码后六位不正确"


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "service")


@login_required
def desk_page(request: HttpRequest) -> HttpResponse:
    """批量送达 and 送达看板 on one page (clerk, judge, platform admin)."""
    user = _desk(request)
    return render(
        request,
        "service/desk.html",
        {
            "rows": selectors.servable_series(user),
            "jobs": selectors.recent_jobs(user),
            "board": selectors.dashboard(user),
        },
    )


@login_required
@require_POST
def serve_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    try:
        job = start_service(by=user, series=series)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("service:desk")
    return redirect("service:job", service_job_id=job.pk)


@login_required
def job_page(request: HttpRequest, service_job_id: int) -> HttpResponse:
    job = access.service_job_for(_desk(request), service_job_id)
    return render(request, "service/job.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, service_job_id: int) -> JsonResponse:
    """The progress the job page polls every second (like the filing job's)."""
    job = access.service_job_for(_desk(request), service_job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "total": job.total,
            "dispatched": job.dispatched,
            "served": job.served,
            "error": job.error,
        }
    )


@login_required
@require_POST
def upload_receipt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """A clerk scans in the signed paper 回执 of a mailing (民诉法 Art. 89: 送达回证)."""
    attempt = access.attempt_for(request.user, attempt_id)
    case_url = redirect("case_detail", case_id=attempt.service.case_id)
    upload = request.FILES.get("scan")
    signer = request.POST.get("signer", "").strip()
    try:
        signed_on = date.fromisoformat(request.POST.get("signed_on", ""))
    except ValueError:
        messages.error(request, "请填写签收日期")
        return case_url
    if upload is None:
        messages.error(request, "请选择送达回证扫描件（PDF）")
        return case_url
    if upload.size is not None and upload.size > MAX_SCAN:
        messages.error(request, "扫描件不能超过 20 MB")
        return case_url
    try:
        record_scanned_receipt(
            attempt,
            data=upload.read(),
            filename=upload.name or "scan.pdf",
            signed_on=signed_on,
            signer=signer,
            by=request.user,  # type: ignore[arg-type]
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return case_url
    messages.success(request, "送达回证已登记")
    return case_url


def _party(request: HttpRequest) -> User:
    return access.party_user(request.user)


def _inbox(
    request: HttpRequest,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, object] | None = None,
) -> HttpResponse:
    return render(
        request,
        "service/inbox.html",
        {
            "items": selectors.inbox(user),
            "confirmed": selectors.confirmed_addresses(user),
            "errors": errors or {},
            "form": form or {},
        },
    )


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """A party's documents served on them (诉讼服务平台 文书收件箱) and their 送达地址确认书."""
    return _inbox(request, _party(request))


@login_required
@require_POST
def inbox_confirm(request: HttpRequest) -> HttpResponse:
    """The party confirms their address for service (送达地址确认书, 在线诉讼规则 Art. 29)."""
    user = _party(request)
    form: dict[str, object] = {
        k: request.POST.get(k, "").strip()[:300] for k in ("mobile", "email", "address")
    }
    form["e_service_consent"] = request.POST.get("e_service_consent") == "on"
    try:
        confirm_address(
            by=user,
            mobile=str(form["mobile"]),
            email=str(form["email"]),
            address=str(form["address"]),
            e_service_consent=bool(form["e_service_consent"]),
        )
    except AddressRefused as exc:
        return _inbox(request, user, errors=exc.errors, form=form)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("service:inbox")
    messages.success(request, "送达地址已确认。本院此后将按您确认的地址向您送达诉讼文书。")
    return redirect("service:inbox")


@login_required
def inbox_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """A party downloads a served document: a read of their portal deliveries, then the file."""
    user = _party(request)
    found = selectors.inbox_document(user, document_id)
    if found is None:
        raise Http404("文书不存在或无权查看")
    record_party_read(user.party_id, "download")  # type: ignore[arg-type]
    return serve_document(request, found[1], attachment=True, via="service_inbox")


def _link_attempt(token: str) -> ServiceAttempt:
    attempt = attempt_for_link(token)
    if attempt is None:
        raise Http404("链接无效或已失效")
    return attempt


def _identified(request: HttpRequest, attempt: ServiceAttempt) -> bool:
    return attempt.pk in request.session.get(SESSION_LINKS, [])


def _id_matches(attempt: ServiceAttempt, id6: str) -> bool | None:
    """True if `id6` is the last six characters of the served party's ID number (X either case)."""
    number = attempt.service.party.id_number.strip().upper()
    if len(number) >= 6 and hmac.compare_digest(number[-6:], id6):
        return True
    return None


def link_page(request: HttpRequest, token: str) -> HttpResponse:
    """The secret link of an SMS or e-mail (no login): opening it is a read of that attempt;
    the documents appear once the visitor gave the last six characters of the party's ID."""
    attempt = _link_attempt(token)
    error = ""
    if request.method == "POST":
        id6 = "".join(request.POST.get("id6", "").split()).upper()
        if len(id6) != 6:
            error = "请输入证件号码后六位"
        else:
            try:
                ok = throttle.guarded(
                    "service_link",
                    f"attempt:{attempt.pk}",
                    throttle.client_ip(request),
                    lambda: _id_matches(attempt, id6),
                    object_type="service_attempt",
                    object_id=attempt.pk,
                )
            except throttle.Locked as exc:
                error = str(exc)
            else:
                if ok:
                    held = [pk for pk in request.session.get(SESSION_LINKS, []) if pk != attempt.pk]
                    request.session.cycle_key()
                    request.session[SESSION_LINKS] = [*held[-19:], attempt.pk]
                    return redirect("public:link", token=token)
                error = WRONG_ID
    else:
        record_read([attempt.pk], "link")
    identified = _identified(request, attempt)
    return render(
        request,
        "service/link.html",
        {
            "attempt": attempt,
            "service": attempt.service,
            "case": attempt.service.case,
            "served": served_what(attempt.service),
            "identified": identified,
            "documents": selectors.served_documents(attempt.service) if identified else [],
            "token": token,
            "error": error,
        },
    )


def link_download(request: HttpRequest, token: str, document_id: int) -> HttpResponseBase:
    """A document of the link's packet (only of that service, only to a session that passed the
    ID step for this very link); a download is a read too."""
    attempt = _link_attempt(token)
    if not _identified(request, attempt):
        raise Http404("文书不存在或无权查看")
    doc = next(
        (d for d in selectors.served_documents(attempt.service) if d.pk == document_id), None
    )
    if doc is None:
        raise Http404("文书不存在或无权查看")
    record_read([attempt.pk], "download")
    return serve_document(request, doc, attachment=True, via="service_link", attempt=attempt.pk)


def public_notices(request: HttpRequest) -> HttpResponse:
    """The court's public notice board (no login; 民诉法 Art. 95)."""
    return render(request, "service/notices.html", {"notices": selectors.public_notices()})
