"""`jiefen stats --json`: one JSON object with the platform's numbers, a section per stage.

`"metrics"` holds the fixed-definition figures of `jiefen.stats.metrics.compute` (all time, or
the period of `--period 2026 | 2026-Q4 | 2026-11`); `"risk"` the early-warning counts;
`"referrals"` the suspected-crime referrals and fraud interventions.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.cases.selectors import stats_section as case_stats
from jiefen.mediation.selectors import stats_section as mediation_stats
from jiefen.stats.metrics import compute
from jiefen.stats.periods import Period, parse_period


def collect(period: Period | None = None) -> dict[str, Any]:
    numbers: dict[str, Any] = case_stats()
    from jiefen.intake.selectors import stats_section as intake_stats

    numbers.update(intake_stats())
    numbers["mediation"] = mediation_stats()
    from jiefen.docket.selectors import stats_section as filing_stats

    numbers["filing"] = filing_stats()
    from jiefen.service.selectors import stats_section as service_stats

    numbers["service"] = service_stats()
    from jiefen.judgments.selectors import stats_section as judgment_stats

    numbers["judgments"] = judgment_stats()
    from jiefen.enforcement.selectors import stats_section as enforcement_stats

    numbers["enforcement"] = enforcement_stats()
    numbers["metrics"] = compute(period)
    from jiefen.risk.selectors import stats_section as risk_stats

    numbers["risk"] = risk_stats()
    from jiefen.referrals.selectors import stats_section as referrals_stats

    numbers["referrals"] = referrals_stats()
    return numbers


class Command(BaseCommand):
    help = "输出平台统计数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（默认）")
        parser.add_argument(
            "--period", help="统计指标（metrics）的期间：年份 2026、季度 2026-Q4 或月份 2026-11"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        period = None
        if options.get("period"):
            try:
                period = parse_period(options["period"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(collect(period), ensure_ascii=False, default=str))
