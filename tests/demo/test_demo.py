"""`jiefen demo --no-serve` runs the whole pipeline; every printed login works afterwards."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from jiefen.demo.staff import DEMO_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_demo_runs_the_pipeline_and_every_login_works(settings, tmp_path):
    settings.JIEFEN_VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    out = StringIO()
    call_command("demo", "--no-serve", "--cases", "600", stdout=out)
    printed = out.getvalue()

    logins = re.findall(r"^  (\S+)\s+\S+", printed.split("演示账号")[1], flags=re.MULTILINE)
    assert {
        "admin",
        "bank01",
        "bank02",
        "mediator1",
        "judge1",
        "clerk1",
        "enforcer1",
        "notary1",
        "defendant1",
    } <= set(logins)
    for username in logins:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        assert client.get("/").status_code == 200, username

    numbers = StringIO()
    call_command("stats", "--json", stdout=numbers)
    stats = json.loads(numbers.getvalue())
    assert stats["intake"]["accepted"] > 0 and stats["intake"]["rejected"] > 0
    assert stats["mediation"]["judicial_confirmations"] > 0
    assert stats["filing"]["filed"] > 0
    assert stats["filing"]["signed_documents"] > 0

    verified = StringIO()
    call_command("audit_verify", stdout=verified)
    assert "审计链完好" in verified.getvalue()
