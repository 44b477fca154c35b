"""`jiefen stats --json`: one JSON object with the platform's numbers, a section per stage."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiefen.cases.selectors import stats_section as case_stats
from jiefen.mediation.selectors import stats_section as mediation_stats


def collect() -> dict[str, Any]:
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
    return numbers


class Command(BaseCommand):
    help = "输出平台统计数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（默认）")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(collect(), ensure_ascii=False, default=str))
