"""Per-institution API tokens: issued by the command and in the admin (shown once, stored hashed),
scoped to their institution, refused in Chinese once revoked or expired, and guessed no faster
than passwords (a wrong token counts in the lockout of its address)."""

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from jiefen.accounts import tokens
from jiefen.accounts.models import ApiToken, Organisation, Role, User
from jiefen.audit.chain import verify
from jiefen.audit.models import AuditRecord
from jiefen.intake.models import Batch

pytestmark = pytest.mark.django_db

INVALID = "API 令牌无效、已吊销或已过期"


def _create(code: str, name: str = "信贷核心系统", *extra: str) -> list[str]:
    out = StringIO()
    call_command("api_token", "create", "--institution", code, "--name", name, *extra, stdout=out)
    return out.getvalue().splitlines()


def _get(path: str, token: str, ip: str = "203.0.113.10") -> Any:
    """One call from a brand-new client: no session, no cookie, only the bearer token."""
    return Client(REMOTE_ADDR=ip).get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def _batch(institution: Organisation, court: Organisation) -> Batch:
    return Batch.objects.create(institution=institution, court=court, case_type="financial_loan")


def _everything_stored() -> str:
    """Every value of every table, as text: where a leaked secret would be found."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_command_token_works_for_its_institution_only(
    bank: Organisation, other_bank: Organisation, court: Organisation
) -> None:
    lines = _create(bank.code)
    raw = lines[-1]
    assert raw.startswith("jf_") and len(raw) == 43
    assert "只显示这一次" in "\n".join(lines[:-1])

    own, foreign = _batch(bank, court), _batch(other_bank, court)
    r = _get(f"/api/v1/batches/{own.pk}", raw)
    assert r.status_code == 200 and r.json()["batch"] == own.pk
    # Another institution's batch does not exist for this token: the same 404 as a missing id.
    r = _get(f"/api/v1/batches/{foreign.pk}", raw)
    assert r.status_code == 404
    assert _get("/api/v1/batches/999999", raw).json() == r.json()

    token = ApiToken.objects.get()
    assert token.key_hash == tokens.hash_token(raw) and raw not in _everything_stored()
    account = token.account
    assert account.role == Role.BANK_AGENT and account.organisation == bank
    assert not account.has_usable_password() and account.full_name == "系统对接：信贷核心系统"
    assert token.last_used_at is not None
    assert 364 <= (token.expires_at - timezone.now()).days <= 365
    issued = AuditRecord.objects.get(action="accounts.api_token_issued")
    assert issued.actor_id is None and issued.payload["institution"] == bank.code
    assert raw not in str(issued.payload)


def test_revoked_expired_and_garbage_tokens_are_refused_in_chinese(
    bank: Organisation, court: Organisation
) -> None:
    batch = _batch(bank, court)
    path = f"/api/v1/batches/{batch.pk}"
    revoked, expired = _create(bank.code, "甲")[-1], _create(bank.code, "乙", "--days", "1")[-1]
    assert _get(path, revoked).status_code == 200

    out = StringIO()
    call_command("api_token", "revoke", revoked[:11], stdout=out)
    assert "已吊销" in out.getvalue()
    ApiToken.objects.filter(name="乙").update(expires_at=timezone.now() - timedelta(seconds=1))

    for raw in (revoked, expired, "jf_" + "x" * 40, "not-a-token"):
        r = _get(path, raw)
        assert r.status_code == 401 and r.json() == {"detail": INVALID}
    # The revoked token's account is switched off: no session of it either.
    account = ApiToken.objects.get(name="甲").account
    assert not account.is_active
    client = Client()
    client.force_login(account)
    assert client.get(path).status_code == 401
    assert AuditRecord.objects.filter(action="accounts.api_token_revoked").count() == 1
    assert verify()[1] is None

    listing = StringIO()
    call_command("api_token", "list", "--institution", bank.code, stdout=listing)
    assert "已吊销" in listing.getvalue() and "已过期" in listing.getvalue()
    with pytest.raises(CommandError, match="已于"):
        call_command("api_token", "revoke", revoked[:11], stdout=StringIO())


def test_only_institutions_get_tokens_and_only_the_administrator_issues_them(
    bank: Organisation, court: Organisation, agent: User
) -> None:
    with pytest.raises(CommandError, match="只有金融机构"):
        _create(court.code)
    with pytest.raises(tokens.TokenRefused, match="无权"):
        tokens.issue(bank, "自己签发", by=agent)
    assert not ApiToken.objects.exists()


def test_admin_issues_a_token_shown_once_and_revokes_it(
    bank: Organisation, court: Organisation, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.PLATFORM_ADMIN, None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    r = client.post(
        "/admin/accounts/apitoken/add/",
        {"institution": bank.pk, "name": "催收系统", "days": "30"},
        follow=True,
    )
    assert r.status_code == 200
    page = r.content.decode()
    token = ApiToken.objects.get()
    start = page.index(token.prefix)
    raw = page[start : start + 43]
    assert raw.startswith("jf_") and tokens.hash_token(raw) == token.key_hash
    assert raw not in _everything_stored()
    # Shown once: the next page no longer has it.
    assert raw not in client.get("/admin/accounts/apitoken/").content.decode()
    assert token.created_by == admin and 29 <= (token.expires_at - timezone.now()).days <= 30
    batch = _batch(bank, court)
    assert _get(f"/api/v1/batches/{batch.pk}", raw).status_code == 200

    r = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "已吊销" in r.content.decode()
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert _get(f"/api/v1/batches/{batch.pk}", raw).status_code == 401


def test_a_bank_agent_cannot_issue_tokens_in_the_admin(
    bank: Organisation, make_user: Callable[..., User]
) -> None:
    staff_agent = make_user(Role.BANK_AGENT, bank, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff_agent)
    r = client.post("/admin/accounts/apitoken/add/", {"institution": bank.pk, "name": "x"})
    assert r.status_code == 403
    assert not ApiToken.objects.exists()


def test_guessing_tokens_locks_the_address_not_the_others(
    bank: Organisation, court: Organisation, settings: Any
) -> None:
    settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP = 4
    raw = _create(bank.code)[-1]
    batch = _batch(bank, court)
    path = f"/api/v1/batches/{batch.pk}"
    for n in range(4):
        assert _get(path, f"jf_guess{n:035d}", ip="198.51.100.7").status_code == 401
    # The guessing address is refused, even with the right token, and told when to retry.
    r = _get(path, raw, ip="198.51.100.7")
    assert r.status_code == 429
    body = r.json()
    assert body["retry_after"] > 0 and int(r["Retry-After"]) == body["retry_after"]
    assert body["detail"] == f"请求过于频繁，请 {body['retry_after']} 秒后再试"
    # The token itself is fine from its own system's address.
    assert _get(path, raw, ip="192.0.2.20").status_code == 200
    locked = AuditRecord.objects.get(action="auth.locked")
    assert locked.payload["by"] == ["address"] and locked.payload["scope"] == "token"
