"""Pages of the fraud side of the stage: the reported fraud contacts the police liaison
registers (涉诈联系方式) and the intervention tasks a fraud warning gives to a bank or the police
(反诈干预), with their outcome (劝阻成功 / 未联系上 / 已报案). Read through `cases.access`
(`intervention_for`, the desk "interventions"); every write is an action of
`referrals.actions`, whose Chinese refusal is shown beside its form (status 400)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import ContactKind, Party
from jiefen.privacy import mask_phone
from jiefen.referrals import selectors
from jiefen.referrals.actions import interventions as intervention_actions
from jiefen.referrals.actions import reports as report_actions
from jiefen.referrals.forms import ContactForm, OutcomeForm
from jiefen.referrals.models import Intervention
from jiefen.referrals.views.common import may, referral_desk, warning_page_open

LISTED = 500  # tasks a list shows; the filters narrow the rest


# --- reported fraud contacts ---


def _contacts_page(
    request: HttpRequest, user: User, form: ContactForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    contacts = access.visible_reported_contacts(user).select_related("reported_by")
    return render(
        request,
        "referrals/contacts.html",
        {
            "form": form,
            "contacts": contacts[:LISTED],
            "total": contacts.count(),
            "error": error,
        },
        status=status,
    )


@login_required
def contacts(request: HttpRequest) -> HttpResponse:
    """/referrals/contacts/: the liaison registers numbers and addresses from the anti-fraud
    centre's notices (kept as a blind index, shown masked); the fraud-contact signal reads them."""
    user = referral_desk(request)
    if not may(user, "referrals.report_contact"):
        raise Http404("页面不存在")
    if request.method != "POST":
        return _contacts_page(request, user, ContactForm(initial={"on": timezone.localdate()}))
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _contacts_page(request, user, form, status=400)
    data = form.cleaned_data
    try:
        report_actions.report_contact(
            data["kind"], data["value"], note=data["note"], on=data["on"], by=user
        )
    except TransitionRefused as exc:
        return _contacts_page(request, user, form, error=str(exc), status=400)
    messages.success(request, "涉诈联系方式已登记。")
    return redirect("referrals:contacts")


# --- interventions ---------------------------------------------------------------------------------


def _intervention_desk(request: HttpRequest) -> User:
    return access.desk(request.user, "interventions")


@login_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    """/referrals/interventions/: the tasks of the user's organisation, undone first."""
    user = _intervention_desk(request)
    visible = access.visible_interventions(user)
    raw = request.GET.get("done", "")
    done = raw if raw in ("0", "1") else ""
    tasks = visible
    if done == "0":
        tasks = tasks.filter(outcome="")
    elif done == "1":
        tasks = tasks.exclude(outcome="")
    total = tasks.count()
    rows = (
        tasks.select_related("party", "warning", "assignee_org", "done_by")
        .annotate(
            waiting=SqlCase(
                When(outcome="", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("waiting", "-created_at", "-id")[:LISTED]
    )
    return render(
        request,
        "referrals/interventions.html",
        {
            "rows": rows,
            "total": total,
            "listed": min(total, LISTED),
            "done": done,
            "undone": visible.filter(outcome="").count(),
        },
    )


def _phones(party: Party) -> list[str]:
    """The borrower's mobile numbers, masked (the caller reads the full number in the bank's or
    the police's own system; the platform never shows it)."""
    return [mask_phone(str(c.value)) for c in party.contacts.filter(kind=ContactKind.MOBILE)]


def _intervention_page(
    request: HttpRequest,
    user: User,
    item: Intervention,
    *,
    form: OutcomeForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    warning_visible = warning_page_open(user, item.warning_id)
    return render(
        request,
        "referrals/intervention.html",
        {
            "i": item,
            "phones": _phones(item.party),
            "timeline": selectors.intervention_timeline(item),
            "warning_visible": warning_visible,
            "may_record": not item.outcome and may(user, "referrals.record_intervention"),
            "form": form or OutcomeForm(),
            "error": error,
        },
        status=status,
    )


@login_required
def intervention(request: HttpRequest, intervention_id: int) -> HttpResponse:
    """/referrals/interventions/<id>/: the facts, the call script and the outcome form."""
    user = _intervention_desk(request)
    item = access.intervention_for(user, intervention_id)
    if request.method != "POST":
        return _intervention_page(request, user, item)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _intervention_page(request, user, item, form=form, status=400)
    data = form.cleaned_data
    try:
        intervention_actions.record_outcome(item, data["outcome"], data["note"], by=user)
    except TransitionRefused as exc:
        return _intervention_page(request, user, item, form=form, error=str(exc), status=400)
    item.refresh_from_db()
    messages.success(request, f"处置结果已登记：{item.get_outcome_display()}。")
    return redirect("referrals:intervention", item.pk)
