"""Schemathesis (a property-based API tester no one here wrote) against the live OpenAPI.

A real HTTP server (pytest-django's `live_server`) serves the API; the test loads
`/api/v1/openapi.json` from it and sends every operation generated requests — valid ones
(positive) and ones that break the schema (negative) — as a bank's system with its API token.
Every answer must be no server error, have a status the schema declares, and a body and
content type that match what it declares for that status (the bank's client is generated
from that schema). The seed is fixed, so a failure is reproduced by running the test again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jiefen.cases.models import Case
from jiefen.cases.states import State

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Examples per operation and mode: bounded so the run stays well under two minutes.
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 10}


@pytest.fixture
def seeded(
    served_case: Case,
    open_enforcement: Any,
    make_case: Any,
    series: Any,
    other_bank: Any,
    settings: Any,
) -> Case:
    """Something to find: the bank's filed and served case with documents, an enforcement, a few
    cases in other states, another bank's case; no rate limit in the way of ~1,000 requests."""
    settings.JIEFEN_API_RATE_PER_MINUTE = 1_000_000
    settings.JIEFEN_API_RATE_PER_MINUTE_PER_IP = 1_000_000
    for state in (State.SCREENING, State.IN_MEDIATION, State.AWAITING_FILING):
        make_case(series=series, state=state)
    make_case(institution=other_bank)
    return served_case


def _runner(operation: Any, mode: GenerationMode, url: str, token: str, seen: Counter[int]) -> Any:
    """A hypothesis test of one operation in one mode, counting the statuses it got."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=30
        )
        seen[response.status_code] += 1

    return run


@pytest.mark.slow
def test_every_operation_conforms_to_the_live_openapi(
    live_server: Any, token: str, seeded: Case
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    failures: dict[str, str] = {}
    statuses: dict[str, Counter[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        name = f"{operation.method.upper()} {operation.path}"
        seen = statuses.setdefault(name, Counter())
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(operation, mode, live_server.url, token, seen)()
            except Exception as exc:  # every failing operation is reported, not only the first
                failures[f"{name} ({mode.value})"] = str(exc)
    assert len(statuses) >= 17  # the routes of this issue and the earlier ones are all there
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
    # The token was accepted and no rate limit hid the API: every operation really answered.
    assert all(set(counts) - {401, 429} for counts in statuses.values()), statuses
