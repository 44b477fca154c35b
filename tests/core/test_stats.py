"""`jiefen stats --json` prints one JSON object with case totals by state and a service section."""

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


def test_stats_has_a_service_section_even_before_any_service():
    """The service numbers are always there (zero, rate 0.0), one entry per channel."""
    out = StringIO()
    call_command("stats", "--json", stdout=out)
    service = json.loads(out.getvalue())["service"]
    assert service == {
        "attempts": 0,
        "served": 0,
        "success_rate": 0.0,
        "by_channel": {
            channel: {"attempts": 0, "served": 0}
            for channel in ("sms", "email", "portal", "post", "public_notice")
        },
        "public_notice": 0,
        "escalated": 0,
        "by_purpose": {
            purpose: {"services": 0, "served": 0}
            for purpose in ("filing", "summons", "judgment", "mediation", "ruling")
        },
    }
