"""Rule 4: every role sees its own cases and is refused another party's case (same 404 as missing)."""

import pytest
from django.http import Http404

from jiefen.accounts.models import Role
from jiefen.cases.access import case_for, visible_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(make_case, other_bank, make_party):
    mine = make_case()
    theirs = make_case(institution=other_bank, defendant=make_party(name="李四"))
    return mine, theirs


def _assert_only(user, allowed, refused):
    assert case_for(user, allowed.pk) == allowed
    with pytest.raises(Http404):
        case_for(user, refused.pk)


def test_bank_agent_sees_only_its_institutions_cases(two_cases, make_user, bank):
    mine, theirs = two_cases
    _assert_only(make_user(Role.BANK_AGENT, bank), mine, theirs)


@pytest.mark.parametrize(
    ("role", "field"),
    [
        (Role.MEDIATOR, "mediator"),
        (Role.JUDGE, "judge"),
        (Role.CLERK, "clerk"),
        (Role.ENFORCEMENT_OFFICER, "enforcement_officer"),
    ],
)
def test_staff_see_only_cases_assigned_to_them(two_cases, make_user, court, role, field):
    mine, theirs = two_cases
    me, colleague = make_user(role, court), make_user(role, court)
    type(mine).objects.filter(pk=mine.pk).update(**{field: me, "state": "filed"})
    type(theirs).objects.filter(pk=theirs.pk).update(**{field: colleague, "state": "filed"})
    _assert_only(me, mine, theirs)


def test_notary_sees_only_cases_sent_to_its_office(two_cases, make_user, notary_office, court):
    from jiefen.accounts.models import Organisation, OrganisationKind

    mine, theirs = two_cases
    other_office = Organisation.objects.create(
        code="NOT02", name="另一公证处", kind=OrganisationKind.NOTARY_OFFICE
    )
    type(mine).objects.filter(pk=mine.pk).update(notary_office=notary_office)
    type(theirs).objects.filter(pk=theirs.pk).update(notary_office=other_office)
    _assert_only(make_user(Role.NOTARY, notary_office), mine, theirs)


def test_defendant_sees_only_own_cases(two_cases, make_user):
    mine, theirs = two_cases
    party = mine.case_parties.get().party
    _assert_only(make_user(Role.DEFENDANT, party=party), mine, theirs)


def test_defendant_without_party_sees_nothing(two_cases, make_user):
    assert not visible_cases(make_user(Role.DEFENDANT)).exists()


def test_inactive_user_sees_nothing(two_cases, make_user, bank):
    user = make_user(Role.BANK_AGENT, bank, is_active=False)
    assert not visible_cases(user).exists()


def test_platform_admin_sees_all(two_cases, make_user):
    admin = make_user(Role.PLATFORM_ADMIN)
    assert set(visible_cases(admin)) == set(two_cases)


def test_forbidden_and_missing_case_pages_look_the_same(client, two_cases, make_user, bank):
    mine, theirs = two_cases
    client.force_login(make_user(Role.BANK_AGENT, bank))
    assert client.get(f"/cases/{mine.pk}/").status_code == 200
    forbidden = client.get(f"/cases/{theirs.pk}/")
    missing = client.get("/cases/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert theirs.contract_number not in forbidden.content.decode()


def test_anonymous_user_is_sent_to_login(client, two_cases):
    response = client.get(f"/cases/{two_cases[0].pk}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")
