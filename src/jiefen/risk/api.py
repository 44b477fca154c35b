"""REST endpoints of risk early warning (external feeds)."""

from ninja import Router

router = Router(tags=["风险预警"])
