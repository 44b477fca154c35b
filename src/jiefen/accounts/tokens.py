"""Per-institution API tokens: issued, checked, revoked (the actions of `ApiToken`).

A token is `jf_` + 40 URL-safe random characters (240 bits). Only its SHA-256 is stored, so a
copy of the database (a backup, a replica) cannot be used to call the API, and looking a token
up by its hash is the comparison: no character-by-character compare of secrets ever happens.
The first characters (`prefix`) are kept in clear to tell tokens apart in lists and commands.

Each token acts through its own system account, a `BANK_AGENT` of its institution with no
usable password: `jiefen.cases.access` scopes it like any agent of that institution, and the
audit log names which system did what. Issuing and revoking are actions (one transaction, an
audit record each); who may do them is `access.ABILITIES["accounts.manage_api_tokens"]`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiefen.accounts.models import ApiToken, Organisation, OrganisationKind, Role, User
from jiefen.audit.chain import append
from jiefen.cases.access import role_refusal

TOKEN_PREFIX = "jf_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
ABILITY = "accounts.manage_api_tokens"
MAX_DAYS = 3650
# last_used_at is written at most this often per token, so a busy system does not write a row
# on every call (the audit log is not the place for reads either).
LAST_USED_EVERY = timedelta(minutes=1)


class TokenRefused(Exception):
    """A token may not be issued or revoked; the message is for the user (Chinese)."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require(by: User | None) -> None:
    reason = role_refusal(by, ABILITY)
    if reason:
        raise TokenRefused(reason)


def issue(
    institution: Organisation, name: str, *, by: User | None, days: int = 365
) -> tuple[ApiToken, str]:
    """Issue a token for `institution`; return the row and the raw token (shown once)."""
    _require(by)
    if institution.kind != OrganisationKind.INSTITUTION:
        raise TokenRefused(f"只有金融机构可以持有 API 令牌：{institution.name}不是金融机构")
    name = name.strip()
    if not name:
        raise TokenRefused("请填写令牌名称（用途，例如「信贷核心系统」）")
    if not 1 <= days <= MAX_DAYS:
        raise TokenRefused(f"有效期应为 1 至 {MAX_DAYS} 天")
    for _ in range(5):  # a prefix collision (48 random bits) is retried, never shared
        raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
        try:
            return _create(institution, name[:100], raw, by=by, days=days), raw
        except IntegrityError:
            continue
    raise TokenRefused("令牌生成失败，请重试")


def _create(
    institution: Organisation, name: str, raw: str, *, by: User | None, days: int
) -> ApiToken:
    prefix = raw[:PREFIX_LENGTH]
    now = timezone.now()
    with transaction.atomic():
        account = User(
            username=f"api-{prefix}",
            role=Role.BANK_AGENT,
            organisation=institution,
            full_name=f"系统对接：{name}"[:50],
        )
        account.set_unusable_password()
        account.save()
        token = ApiToken.objects.create(
            institution=institution,
            name=name,
            prefix=prefix,
            key_hash=hash_token(raw),
            account=account,
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        append(
            actor_id=by.pk if by else None,
            action="accounts.api_token_issued",
            object_type="api_token",
            object_id=token.pk,
            payload={
                "institution": institution.code,
                "name": name,
                "prefix": prefix,
                "account": account.pk,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return token


def revoke(token: ApiToken, *, by: User | None) -> None:
    """Revoke `token` at once; its account is deactivated so no other path can use it."""
    _require(by)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise TokenRefused(
                f"令牌 {locked.prefix} 已于 {timezone.localtime(locked.revoked_at):%Y-%m-%d %H:%M} 吊销"
            )
        now = timezone.now()
        ApiToken.objects.filter(pk=locked.pk).update(revoked_at=now, revoked_by=by)
        User.objects.filter(pk=locked.account_id).update(is_active=False)
        append(
            actor_id=by.pk if by else None,
            action="accounts.api_token_revoked",
            object_type="api_token",
            object_id=locked.pk,
            payload={"institution_id": locked.institution_id, "prefix": locked.prefix},
        )
    token.revoked_at, token.revoked_by = now, by


def looks_like_token(raw: str) -> bool:
    return raw.startswith(TOKEN_PREFIX) and len(raw) <= 200


def authenticate(raw: str) -> User | None:
    """The token's account if `raw` is a live token (issued, not revoked, not expired), else None."""
    if not looks_like_token(raw):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("account", "account__organisation")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.account.is_active:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        # Conditional update: of several workers seeing the same stale time, one writes.
        ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )
    return token.account
