"""What a rule returns: a subject, a score, the signals against their thresholds, one sentence
saying why and the cases behind it (`jiefen.risk.actions.detect_warnings` turns it into a
`Warning`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class Finding:
    kind: str
    subject_key: str
    subject_name: str
    score: Decimal
    summary: str
    signals: list[dict[str, Any]]
    case_ids: list[int] = field(default_factory=list)
    institution_id: int | None = None
    division_code: str = ""

    @property
    def fingerprint(self) -> str:
        return f"{self.kind}:{self.subject_key}"


def signal(name: str, label: str, value: Any, threshold: Any) -> dict[str, Any]:
    return {"signal": name, "label": label, "value": value, "threshold": threshold}
