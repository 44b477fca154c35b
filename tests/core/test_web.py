"""The web shell: login, a home page per role, the admin for platform admins only."""

from pathlib import Path

import pytest

from jiefen.accounts.models import Organisation, OrganisationKind, Role

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_wrong_password_shows_an_error(client, make_user, bank):
    user = make_user(Role.BANK_AGENT, bank)
    response = client.post("/login/", {"username": user.username, "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_home_lists_the_roles_work(client, make_case, make_user, bank):
    from jiefen.cases.actions import transition

    case = transition(make_case(), "screen", by=None)
    client.force_login(make_user(Role.BANK_AGENT, bank))
    page = client.get("/").content.decode()
    assert "金融机构经办人工作台" in page and case.contract_number in page


def test_admin_is_for_platform_admins_only(client, make_user, bank):
    client.force_login(make_user(Role.BANK_AGENT, bank))
    assert client.get("/admin/").status_code == 302
    client.force_login(make_user(Role.PLATFORM_ADMIN, is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_and_sees_its_home(role, login_page, make_user, court, bank, make_party):
    org = {Role.BANK_AGENT: bank, Role.DEFENDANT: None, Role.PLATFORM_ADMIN: None}.get(role, court)
    # A partner agency's staff work for their agency; their home is the referrals they received.
    partner = {
        Role.POLICE_LIAISON: OrganisationKind.POLICE,
        Role.PROSECUTOR: OrganisationKind.PROCURATORATE,
    }
    if role in partner:
        org = Organisation.objects.create(code=f"P-{role}", name="合作机关", kind=partner[role])
    extra = {"party": make_party()} if role == Role.DEFENDANT else {}
    if role == Role.PLATFORM_ADMIN:
        extra |= {"is_staff": True, "is_superuser": True}
    user = make_user(role, org, **extra)
    page = login_page(user.username)
    home = "涉嫌犯罪移送" if role in partner else f"{role.label}工作台"
    assert page.locator("h1").inner_text() == home
    assert user.full_name in page.locator("header").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-{role.value}.png"), full_page=True)


def test_judges_home_lists_their_filed_cases(client, make_case, make_user, court):
    judge = make_user(Role.JUDGE, court)
    mine = make_case(state="filed", judge=judge, case_number="（2026）渝0105民初7号")
    other = make_case(
        state="filed", judge=make_user(Role.JUDGE, court), case_number="（2026）渝0105民初8号"
    )
    client.force_login(judge)
    page = client.get("/").content.decode()
    assert mine.case_number in page and other.case_number not in page
