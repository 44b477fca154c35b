"""Rate limits on the API and on every login: counted in the database per account and per client
address (never per session: every request here comes from a brand-new client), refused with 429
and Retry-After — JSON on the API, a Chinese page on the logins."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jiefen.accounts import ratelimit
from jiefen.accounts.models import Organisation, RateCounter, Role, User
from jiefen.intake.models import Batch

pytestmark = pytest.mark.django_db

TOO_MANY = "请求过于频繁"
# A moment well inside one minute's window, so no test straddles two windows.
NOON = 4_000_000_020.0 + 15


@pytest.fixture(autouse=True)
def _one_window(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(ratelimit, "_now", lambda: NOON)
    yield


def _token(bank: Organisation, name: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("api_token", "create", "--institution", bank.code, "--name", name, stdout=out)
    return out.getvalue().splitlines()[-1]


def _api(path: str, token: str, ip: str) -> Any:
    return Client(REMOTE_ADDR=ip).get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def batch_path(bank: Organisation, court: Organisation) -> str:
    batch = Batch.objects.create(institution=bank, court=court, case_type="financial_loan")
    return f"/api/v1/batches/{batch.pk}"


def _assert_refused_json(r: Any) -> None:
    assert r.status_code == 429
    body = r.json()
    # The window is a minute and the clock is 15 s into it.
    assert body == {"detail": "请求过于频繁，请 45 秒后再试", "retry_after": 45}
    assert r["Retry-After"] == "45"


def test_api_limit_per_account_holds_across_addresses(
    bank: Organisation, batch_path: str, settings: Any
) -> None:
    settings.JIEFEN_API_RATE_PER_MINUTE = 3
    token, other = _token(bank, "核心系统"), _token(bank, "催收系统")
    assert _api(batch_path, token, "203.0.113.1").status_code == 200
    assert _api(batch_path, token, "203.0.113.2").status_code == 200
    assert _api(batch_path, token, "198.51.100.3").status_code == 200
    _assert_refused_json(_api(batch_path, token, "192.0.2.4"))
    # Another system of the same bank has its own allowance.
    assert _api(batch_path, other, "192.0.2.4").status_code == 200


def test_api_limit_per_address_holds_across_accounts(
    bank: Organisation, batch_path: str, agent: User, settings: Any
) -> None:
    settings.JIEFEN_API_RATE_PER_MINUTE_PER_IP = 3
    first, second = _token(bank, "甲"), _token(bank, "乙")
    assert _api(batch_path, first, "203.0.113.9").status_code == 200
    assert _api(batch_path, second, "203.0.113.9").status_code == 200
    signed_in = Client(REMOTE_ADDR="203.0.113.9")
    signed_in.force_login(agent)
    assert signed_in.get(batch_path).status_code == 200
    _assert_refused_json(_api(batch_path, _token(bank, "丙"), "203.0.113.9"))
    assert _api(batch_path, first, "203.0.113.10").status_code == 200


def test_http_basic_and_unknown_tokens_are_counted_too(
    agent: User, batch_path: str, settings: Any
) -> None:
    import base64

    settings.JIEFEN_API_RATE_PER_MINUTE = 2
    basic = base64.b64encode(f"{agent.username}:test-pass-123".encode()).decode()

    def call(ip: str) -> int:
        r = Client(REMOTE_ADDR=ip).get(batch_path, HTTP_AUTHORIZATION=f"Basic {basic}")
        return int(r.status_code)

    assert [call("203.0.113.20"), call("203.0.113.21"), call("203.0.113.22")] == [200, 200, 429]
    settings.JIEFEN_API_RATE_PER_MINUTE_PER_IP = 3
    codes = [_api(batch_path, f"jf_guess{n:035d}", "198.51.100.30").status_code for n in range(4)]
    assert codes == [401, 401, 401, 429]


def _staff_login(username: str, ip: str) -> Any:
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": "x"})


def test_staff_login_attempts_per_account_across_addresses(
    court: Organisation, make_user: Callable[..., User], settings: Any
) -> None:
    settings.JIEFEN_LOGIN_RATE_PER_MINUTE = 3
    judge = make_user(Role.JUDGE, court)
    for n in range(3):
        assert _staff_login(judge.username, f"203.0.113.{40 + n}").status_code == 200
    r = _staff_login(judge.username, "192.0.2.50")
    assert r.status_code == 429 and r["Retry-After"] == "45"
    page = r.content.decode()
    assert "请求过于频繁，请 45 秒后再试" in page and "<html" in page
    # The admin login is the same account's login: refused there too.
    r = Client(REMOTE_ADDR="192.0.2.51").post(
        "/admin/login/", {"username": judge.username, "password": "x"}
    )
    assert r.status_code == 429
    assert _staff_login("someone-else", "192.0.2.50").status_code == 200


def test_admin_login_right_attempts_count_as_well(
    make_user: Callable[..., User], settings: Any
) -> None:
    """Attempts, not only failures: even right passwords are limited per account."""
    settings.JIEFEN_LOGIN_RATE_PER_MINUTE = 2
    admin = make_user(Role.PLATFORM_ADMIN, None, is_staff=True, is_superuser=True)

    def login() -> int:
        r = Client().post(
            "/admin/login/", {"username": admin.username, "password": "test-pass-123"}
        )
        return int(r.status_code)

    assert [login(), login(), login()] == [302, 302, 429]


def test_every_login_page_counts_per_address(settings: Any) -> None:
    """Staff login, admin login, the borrower portal, its one-time code and the service link's
    identity check share one allowance per address; other addresses are not affected."""
    settings.JIEFEN_LOGIN_RATE_PER_MINUTE_PER_IP = 5
    ip = "198.51.100.60"
    posts = [
        ("/login/", {"username": "a", "password": "x"}),
        ("/admin/login/", {"username": "b", "password": "x"}),
        ("/mediation/portal/", {"code": "ABCD1234", "id6": "123456"}),
        ("/mediation/portal/verify/", {"otp": "000000"}),
        ("/s/no-such-link-token/", {"id6": "123456"}),
    ]
    for path, data in posts:
        assert Client(REMOTE_ADDR=ip).post(path, data).status_code != 429
    for path, data in posts:
        r = Client(REMOTE_ADDR=ip).post(path, data)
        assert r.status_code == 429 and TOO_MANY in r.content.decode(), path
    assert Client(REMOTE_ADDR="198.51.100.61").post(*posts[0]).status_code == 200
    # Reading a login page is not an attempt.
    assert Client(REMOTE_ADDR=ip).get("/login/").status_code == 200


def test_portal_and_service_link_attempts_per_case_across_addresses(settings: Any) -> None:
    settings.JIEFEN_LOGIN_RATE_PER_MINUTE = 2
    for n in range(2):
        data = {"code": "abcd-1234", "id6": f"00000{n}"}
        assert (
            Client(REMOTE_ADDR=f"203.0.113.{70 + n}").post("/mediation/portal/", data).status_code
            == 200
        )
    # The same case code, written another way, from a third address.
    r = Client(REMOTE_ADDR="203.0.113.72").post(
        "/mediation/portal/", {"code": "ABCD1234", "id6": "1"}
    )
    assert r.status_code == 429
    for n in range(2):
        Client(REMOTE_ADDR=f"203.0.113.{80 + n}").post("/s/tok123/", {"id6": "123456"})
    r = Client(REMOTE_ADDR="203.0.113.82").post("/s/tok123/", {"id6": "123456"})
    assert r.status_code == 429


def test_finished_windows_are_purged(
    bank: Organisation, batch_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(bank, "核心系统")
    _api(batch_path, token, "203.0.113.90")
    assert RateCounter.objects.filter(window=4_000_000_020).count() == 2  # account and address
    monkeypatch.setattr(ratelimit, "_now", lambda: NOON + 120)
    assert _api(batch_path, token, "203.0.113.90").status_code == 200
    assert set(RateCounter.objects.values_list("window", flat=True)) == {4_000_000_140}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_over_the_limit_let_through_exactly_the_limit(
    bank: Organisation, court: Organisation, settings: Any
) -> None:
    """Twenty calls at once with one token (threads, each its own connection, as several web
    workers would): exactly the limit of eight are answered, the other twelve are refused."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    settings.JIEFEN_API_RATE_PER_MINUTE = 8
    token = _token(bank, "核心系统")
    batch = Batch.objects.create(institution=bank, court=court, case_type="financial_loan")

    def call(n: int) -> int:
        try:
            return int(_api(f"/api/v1/batches/{batch.pk}", token, f"198.51.100.{n}").status_code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(call, range(20)))
    assert codes.count(200) == 8 and codes.count(429) == 12
    assert RateCounter.objects.filter(key__startswith="api:token:").get().count == 20


def test_client_address_behind_a_trusted_proxy_only(settings: Any) -> None:
    """Behind the court's reverse proxy each client counts by its own address; a client that
    writes X-Forwarded-For itself, not through the proxy, still counts by its own."""
    from django.test import RequestFactory

    from jiefen.accounts.throttle import client_ip

    settings.JIEFEN_TRUSTED_PROXIES = frozenset({"10.0.0.2"})
    via_proxy = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert client_ip(via_proxy) == "203.0.113.7"
    forged = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(forged) == "198.51.100.9"
