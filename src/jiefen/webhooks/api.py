"""Bank systems register webhook endpoints and read their delivery log (issue 14 skeleton)."""

from __future__ import annotations

from ninja import Router

from jiefen.accounts.api_auth import BANK_AUTH

router = Router(tags=["事件推送"], auth=BANK_AUTH)
