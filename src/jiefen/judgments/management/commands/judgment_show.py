"""`jiefen judgment_show CASE_NUMBER [--json]`: the computed (or signed) result of one case.

With `--json` one JSON object (`jiefen.judgments.rules.show`, the same the bank API serves);
without, a readable Chinese table. An unknown case number exits with status 1.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.cases.models import Case
from jiefen.law.judgment_text import COMPONENT_LABELS

LIABILITY = {"joint": "连带清偿责任", "general": "一般保证责任（补充清偿）"}


def _yuan(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.2f}元"


def table(obj: dict[str, Any]) -> str:
    """The object as lines a clerk reads at the terminal."""
    lines = [
        f"案号：{obj['case_number']}　状态：{obj.get('state', '')}",
        "项目　　　诉请　　　判决支持",
    ]
    claimed, awarded = obj.get("claimed") or {}, obj.get("awarded") or {}
    for key in dict.fromkeys([*claimed, *awarded]):
        lines.append(
            f"{COMPONENT_LABELS.get(key, key)}　{_yuan(claimed.get(key))}　{_yuan(awarded.get(key))}"
        )
    lines.append(f"合计　{_yuan(obj.get('claimed_total'))}　{_yuan(obj.get('awarded_total'))}")
    cap = obj.get("cap") or {}
    if cap.get("reduced"):
        lines.append(f"利率上限调减：{cap.get('reason', '')}")
    lines.append(
        f"案件受理费：{_yuan(obj.get('acceptance_fee'))}（原告负担{_yuan(obj.get('fee_plaintiff'))}，"
        f"被告负担{_yuan(obj.get('fee_defendants'))}）"
    )
    lines.append(f"履行期限：{obj.get('performance_days')}日")
    for g in obj.get("guarantors") or []:
        lines.append(f"保证人{g['name']}：{LIABILITY.get(g['liability'], g['liability'])}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "显示一个案件的判决计算结果"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_number", help="案号，如（2025）渝0105民初1234号")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiefen.judgments.rules import show

        number = options["case_number"]
        case = Case.objects.filter(case_number=number).first()
        if case is None:
            raise CommandError(f"案号{number}不存在", returncode=1)
        obj = show(case)
        if options["json"]:
            self.stdout.write(json.dumps(obj, ensure_ascii=False))
        else:
            self.stdout.write(table(obj))
