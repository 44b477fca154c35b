"""`jiefen api_token create|list|revoke`: the operator issues and revokes bank systems' tokens.

`create` prints the raw token on its last line (the only time it is ever shown; only its
SHA-256 is stored), so a script can take it with `tail -n 1`. The operator at the server's
shell acts as the system (`access.ABILITIES["accounts.manage_api_tokens"]`); every issue and
revocation is in the audit chain.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiefen.accounts import selectors, tokens
from jiefen.accounts.models import Organisation


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


class Command(BaseCommand):
    help = "签发、列出、吊销金融机构的 API 令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="签发令牌（最后一行输出令牌）")
        create.add_argument("--institution", required=True, help="金融机构代码，如 BANK01")
        create.add_argument("--name", required=True, help="令牌名称（用途）")
        create.add_argument("--days", type=int, default=365, help="有效期天数（默认 365）")
        listing = sub.add_parser("list", help="列出令牌")
        listing.add_argument("--institution", help="只列出该金融机构的令牌")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（list 所示）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["institution"], options["name"], options["days"])
        elif action == "list":
            self._list(options.get("institution"))
        else:
            self._revoke(options["prefix"])

    def _institution(self, code: str) -> Organisation:
        found = selectors.organisation_by_code(code)
        if found is None:
            raise CommandError(f"未找到机构：{code}")
        return found

    def _create(self, code: str, name: str, days: int) -> None:
        try:
            token, raw = tokens.issue(self._institution(code), name, by=None, days=days)
        except tokens.TokenRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已为{token.institution.name}签发 API 令牌「{token.name}」")
        self.stdout.write(f"前缀：{token.prefix}　到期：{_when(token.expires_at)}")
        self.stdout.write("令牌只显示这一次，请妥善保存（平台只保存其摘要）：")
        self.stdout.write(raw)

    def _list(self, code: str | None) -> None:
        rows = selectors.api_tokens(self._institution(code) if code else None)
        if not rows:
            self.stdout.write("没有 API 令牌")
            return
        now = timezone.now()
        for t in rows:
            if t.revoked_at:
                state = f"已吊销 {_when(t.revoked_at)}"
            elif t.expires_at <= now:
                state = "已过期"
            else:
                state = "有效"
            self.stdout.write(
                f"{t.prefix}\t{t.institution.code}\t{t.name}\t到期 {_when(t.expires_at)}\t"
                f"最近使用 {_when(t.last_used_at)}\t{state}"
            )

    def _revoke(self, prefix: str) -> None:
        matches = selectors.api_tokens_by_prefix(prefix)
        if not matches:
            raise CommandError(f"未找到前缀为 {prefix} 的令牌")
        if len(matches) > 1:
            raise CommandError(f"前缀 {prefix} 对应多个令牌，请给出完整前缀")
        try:
            tokens.revoke(matches[0], by=None)
        except tokens.TokenRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已吊销令牌 {matches[0].prefix}（{matches[0].name}）")
