"""Staff login and the bank API's HTTP Basic: failures are counted in the database, per account
and per client address, whatever the session; a locked account is refused even with the right
password; logins, failures and lockouts are audited."""

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.intake.models import Batch

PASSWORD = "test-pass-123"  # tests/conftest.py

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def _login(username: str, password: str, ip: str = "203.0.113.5") -> str:
    """One try from a brand-new client (no cookie carried over)."""
    r = Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})
    return r["Location"] if r.status_code == 302 else r.content.decode()


@pytest.fixture
def judge(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.JUDGE, court)


def test_five_failures_lock_the_account_even_for_the_right_password(judge: User) -> None:
    for _ in range(5):
        assert "用户名或密码不正确" in _login(judge.username, "wrong")
    page = _login(judge.username, PASSWORD)
    assert LOCKED in page and "15 分钟" in page
    # From another address too: the account itself is locked.
    assert LOCKED in _login(judge.username, PASSWORD, ip="192.0.2.44")
    assert AuditRecord.objects.filter(action="auth.login_failed").count() == 7
    assert AuditRecord.objects.filter(action="auth.login_failed", payload__locked=True).count() == 2
    locked = AuditRecord.objects.get(action="auth.locked")
    assert locked.payload["by"] == ["account"] and locked.payload["ip"] == "203.0.113.5"
    assert not AuditRecord.objects.filter(action="auth.login").exists()


def test_a_right_password_before_the_limit_clears_the_failures(judge: User) -> None:
    for _ in range(4):
        _login(judge.username, "wrong")
    assert _login(judge.username, PASSWORD) == "/"
    login = AuditRecord.objects.get(action="auth.login")
    assert login.actor_id == judge.pk and login.payload["ip"] == "203.0.113.5"
    for _ in range(4):
        _login(judge.username, "wrong")
    assert _login(judge.username, PASSWORD) == "/"


def test_many_accounts_from_one_address_lock_the_address(
    judge: User, make_user: Callable[..., User], court: Organisation, settings: Any
) -> None:
    settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP = 4
    for n in range(4):
        _login(f"nobody{n}", "guess", ip="198.51.100.3")
    assert LOCKED in _login(judge.username, PASSWORD, ip="198.51.100.3")
    assert _login(judge.username, PASSWORD, ip="192.0.2.9") == "/"


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "REMOTE_ADDR": "203.0.113.77"}


def test_http_basic_on_the_api_is_locked_out_too(
    bank: Organisation, court: Organisation, make_user: Callable[..., User]
) -> None:
    agent = make_user(Role.BANK_AGENT, bank)
    url = "/api/v1/batches/rows"
    body = {"court": court.code, "case_type": "credit_card", "rows": [{"x": "1"}]}
    for _ in range(5):
        r = Client().post(url, body, content_type="application/json", **_basic(agent.username, "x"))
        assert r.status_code == 401
    r = Client().post(
        url, body, content_type="application/json", **_basic(agent.username, PASSWORD)
    )
    assert r.status_code == 429 and LOCKED in r.json()["detail"]
    assert Batch.objects.count() == 0


def test_admin_login_is_locked_out_too(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.PLATFORM_ADMIN, None, is_staff=True, is_superuser=True)
    for _ in range(5):
        Client().post("/admin/login/", {"username": admin.username, "password": "x"})
    r = Client().post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert r.status_code == 200 and LOCKED in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_check_at_most_the_limit(judge: User, settings: Any) -> None:
    """Twelve guesses at once (threads, each its own connection, as several workers would):
    at most five passwords are ever checked; the rest are refused as locked."""
    settings.JIEFEN_LOGIN_RATE_PER_MINUTE = 100  # the lockout is tested here, not the rate limit
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def guess(n: int) -> str:
        try:
            return _login(judge.username, f"wrong-{n}", ip=f"198.51.100.{n}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        pages = list(pool.map(guess, range(12)))
    checked = sum("用户名或密码不正确" in p for p in pages)
    locked = sum(LOCKED in p for p in pages)
    assert checked <= 5 and checked + locked == 12
    assert LOCKED in _login(judge.username, PASSWORD) or checked < 5
