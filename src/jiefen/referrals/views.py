"""Pages of the referrals stage (written by the web work of issue 15)."""

from django.http import HttpRequest, HttpResponse

from jiefen.cases.access import desk


def referral_list(request: HttpRequest) -> HttpResponse:
    desk(request.user, "referrals")
    return HttpResponse("")
