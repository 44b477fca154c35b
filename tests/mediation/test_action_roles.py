"""Every mediation action checks who may do it, whichever way it is called (page or function).

The probe found a bank agent moving a case to another mediation organisation with `reassign`,
and `fail` from a defendant or a notary answered with a success message. The case page's
buttons come from `allowed_events`, so each user sees only what they may do.
"""

import pytest
from django.contrib.messages import get_messages

from jiefen.accounts.models import Organisation, OrganisationKind, Role
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.mediation import actions
from jiefen.mediation.actions import ActionRefused
from jiefen.mediation.models import MediationCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def med(screened_case, mediation_org, mediators):
    case = screened_case()
    actions.open_mediation([case.pk], mediation_org, by=None)
    return MediationCase.objects.select_related("case").get(case=case)


@pytest.fixture
def other_org_mediator(make_user, court):
    org = Organisation.objects.create(
        code="MED02", name="另一家调解组织", kind=OrganisationKind.MEDIATION_ORG, court=court
    )
    return make_user(Role.MEDIATOR, org)


@pytest.fixture
def notary(make_user, notary_office, med):
    Case.objects.filter(pk=med.case_id).update(notary_office=notary_office)
    return make_user(Role.NOTARY, notary_office)


@pytest.fixture
def defendant(make_user, med):
    return make_user(Role.DEFENDANT, party=med.case.defendants[0].party)


def _post(client, user, med, **data):
    client.force_login(user)
    r = client.post(f"/mediation/cases/{med.case_id}/action/", data)
    return r, [(m.level_tag, str(m)) for m in get_messages(r.wsgi_request)]


def test_bank_agent_cannot_reassign_a_case_to_another_mediation_organisation(
    client, med, make_user, bank, other_org_mediator, mediation_org
):
    agent = make_user(Role.BANK_AGENT, bank)
    before = med.case.mediator_id
    r, msgs = _post(client, agent, med, action="reassign", mediator=other_org_mediator.pk)
    assert r.status_code == 302
    assert [level for level, _ in msgs] == ["error"] and "无权执行此操作" in msgs[0][1]
    with pytest.raises(ActionRefused, match="无权执行此操作"):
        actions.reassign(med.case, other_org_mediator, by=agent)
    med.refresh_from_db()
    assert med.organisation_id == mediation_org.pk
    assert Case.objects.get(pk=med.case_id).mediator_id == before


def test_a_mediator_hands_a_case_only_to_a_colleague(med, mediators, other_org_mediator):
    mediator = med.case.mediator
    with pytest.raises(ActionRefused, match="本调解组织"):
        actions.reassign(med.case, other_org_mediator, by=mediator)
    colleague = next(m for m in mediators if m.pk != mediator.pk)
    actions.reassign(med.case, colleague, by=mediator)
    assert Case.objects.get(pk=med.case_id).mediator_id == colleague.pk


@pytest.mark.parametrize("who", ["defendant", "notary"])
def test_fail_from_a_defendant_or_a_notary_is_refused(client, med, who, request):
    user = request.getfixturevalue(who)
    r, msgs = _post(client, user, med, action="fail", reason="不想调解")
    assert r.status_code == 302
    assert [level for level, _ in msgs] == ["error"], msgs
    assert "无权执行此操作" in msgs[0][1]
    with pytest.raises(ActionRefused, match="无权执行此操作"):
        actions.fail_mediation([med.case_id], by=user, reason="不想调解")
    assert Case.objects.get(pk=med.case_id).state == State.IN_MEDIATION
    med.refresh_from_db()
    assert med.outcome == "pending"


def test_the_mediator_may_fail_their_case(client, med):
    _, msgs = _post(client, med.case.mediator, med, action="fail", reason="借款人拒绝调解")
    assert [level for level, _ in msgs] == ["success"]
    assert Case.objects.get(pk=med.case_id).state == State.AWAITING_FILING


def test_case_page_buttons_come_from_the_moves_the_user_may_make(
    client, med, notary, defendant, make_user, bank
):
    def page(user):
        client.force_login(user)
        r = client.get(f"/cases/{med.case_id}/")
        assert r.status_code == 200
        return r.content.decode()

    assert "调解不成转立案" in page(med.case.mediator)
    notary_page = page(notary)
    assert "诉前调解" in notary_page and "调解不成转立案" not in notary_page
    party_page = page(defendant)
    assert 'name="action"' not in party_page


def test_only_the_creditor_approves_a_plan_outside_its_rule(med, agent, client):
    """A mediator may reject or counter a borrower's plan, never give up the bank's money."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from jiefen.mediation.models import OfferStatus

    actions.propose_plan(
        med,
        instalments=3,
        first_payment=Decimal("1000"),
        first_due=timezone.localdate() + timedelta(days=5),
    )
    offer = med.offers.get()
    with pytest.raises(ActionRefused, match="无权执行此操作"):
        actions.decide_offer(offer, by=med.case.mediator, approve=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    client.force_login(med.case.mediator)
    assert 'value="approve"' not in client.get("/mediation/").content.decode()
    client.force_login(agent)
    assert 'value="approve"' in client.get("/mediation/").content.decode()
    actions.decide_offer(offer, by=agent, approve=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


def test_the_bank_sends_its_own_screened_series_to_mediation(
    client, screened_case, series, mediation_org, mediators, agent, make_user, other_bank
):
    """Entrusted mediation starts from the creditor's choice; another bank cannot do it."""
    cases = [screened_case() for _ in range(3)]
    stranger = make_user(Role.BANK_AGENT, other_bank)
    client.force_login(stranger)
    r = client.post(
        f"/mediation/series/{series.pk}/action/",
        {"action": "open", "organisation": mediation_org.pk},
    )
    assert r.status_code == 404
    assert not MediationCase.objects.filter(case__in=cases).exists()

    client.force_login(agent)
    page = client.get(f"/mediation/series/{series.pk}/").content.decode()
    assert "自动指派并转入调解" in page
    client.post(
        f"/mediation/series/{series.pk}/action/",
        {"action": "open", "organisation": mediation_org.pk},
    )
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)
    ) == {State.IN_MEDIATION}
