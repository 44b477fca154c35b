"""The white paper button (白皮书): the court president gets the court's white paper, the
platform administrator that of the court they choose (or of the whole platform). Publishing one
is the court's act (ability "stats.white_paper"); any other role finds no such page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from jiefen.accounts.models import Organisation, Role
from jiefen.cases import access
from jiefen.stats.periods import parse_period
from jiefen.stats.views.scope import latest_year
from jiefen.stats.white_paper import render_white_paper


@login_required
@require_POST
def white_paper(request: HttpRequest) -> HttpResponse:
    user = access.desk(request.user, "dashboard")
    if access.role_refusal(user, "stats.white_paper") is not None:
        raise Http404("页面不存在")
    text = request.POST.get("period", "").strip() or latest_year(access.visible_cases(user))
    if not text:
        messages.error(request, "生成白皮书失败：暂无任何统计数据")
        return redirect("stats:dashboard")
    try:
        period = parse_period(text)
    except ValueError as exc:
        messages.error(request, f"生成白皮书失败：{exc}")
        return redirect("stats:dashboard")
    court: Organisation | None = None
    if user.role == Role.COURT_PRESIDENT:
        court = user.organisation
    elif chosen := request.POST.get("court", "").strip():
        court = access.courts().filter(pk=chosen).first() if chosen.isdigit() else None
        if court is None:
            messages.error(request, f"生成白皮书失败：所选法院“{chosen}”不存在")
            return redirect("stats:dashboard")
    pdf = render_white_paper(period, court)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"白皮书-{period.label}.pdf")
    return response
