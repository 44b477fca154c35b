"""`jiefen stats --json` prints one JSON object with case totals by state."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from jiefen.cases.actions import transition

pytestmark = pytest.mark.django_db


def test_stats_counts_cases_by_state(make_case):
    transition(make_case(), "screen", by=None)
    make_case()
    make_case()
    out = StringIO()
    call_command("stats", "--json", stdout=out)
    numbers = json.loads(out.getvalue())
    assert numbers["cases_total"] == 3
    assert numbers["cases_by_state"] == {"received": 2, "screening": 1}
