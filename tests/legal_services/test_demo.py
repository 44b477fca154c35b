"""The demo step: the demo's banks post five requests of different kinds through the actions,
the duty lawyers answer four, one stays waiting; a second run changes nothing."""

from io import StringIO

import pytest

from jiefen.demo.legal_services import run_legal_services_demo
from jiefen.demo.staff import seed_staff
from jiefen.legal_services.models import LegalRequest, RequestState

pytestmark = pytest.mark.django_db


def test_the_demo_posts_answers_and_leaves_one_open() -> None:
    seed_staff()
    out = StringIO()
    run_legal_services_demo(out)
    requests = list(LegalRequest.objects.select_related("lawyer", "institution"))
    assert len(requests) == 5
    assert len({r.kind for r in requests}) == 5
    assert {r.institution.code for r in requests} == {"BANK01", "BANK02"}
    states = sorted(r.state for r in requests)
    assert states == sorted(
        [RequestState.CLOSED] * 2 + [RequestState.ANSWERED] * 2 + [RequestState.ASSIGNED]
    )
    assert {r.lawyer.username for r in requests if r.lawyer} <= {"lawyer1", "lawyer2"}
    assert sorted(r.rating for r in requests if r.rating) == [4, 5]
    assert "发布需求 5 项，轮值律师已答复 4 项、办结评价 2 项，1 项待律师答复" in out.getvalue()
    again = StringIO()
    run_legal_services_demo(again)
    assert LegalRequest.objects.count() == 5
    assert "跳过" in again.getvalue()


def test_with_the_mediation_demos_conflict_bank01_is_served_by_lawyer2() -> None:
    from jiefen.accounts.models import Organisation, User
    from jiefen.mediation.models import Conflict

    seed_staff()
    Conflict.objects.create(
        mediator=User.objects.get(username="lawyer1"),
        institution=Organisation.objects.get(code="BANK01"),
        reason="所在律师事务所为该行常年法律顾问",
    )
    run_legal_services_demo(StringIO())
    served = set(
        LegalRequest.objects.filter(institution__code="BANK01").values_list(
            "lawyer__username", flat=True
        )
    )
    assert served == {"lawyer2"}
