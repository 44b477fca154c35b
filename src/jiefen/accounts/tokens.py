"""Per-institution API tokens: issued, checked, revoked (issue 14 skeleton; see the spec)."""

from __future__ import annotations
