"""The borrower portal under attack: lockout counted per case and address, capped codes, no
clear code at rest."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from jiefen.audit.models import AuditRecord
from jiefen.mediation import actions
from jiefen.mediation.actions import ActionRefused
from jiefen.mediation.models import MediationCase, Notice, OneTimeCode

pytestmark = pytest.mark.django_db

LOCKED = "尝试次数过多"


@pytest.fixture
def med(screened_case, mediation_org, mediators):
    case = screened_case()
    actions.open_mediation([case.pk], mediation_org, by=None)
    m = MediationCase.objects.select_related("case").get(case=case)
    m.phone = case.phone
    return m


def _identify(m: MediationCase, id6: str, ip: str = "203.0.113.7") -> str:
    """One try from a brand-new client (new session, as an attacker's script does)."""
    r = Client(REMOTE_ADDR=ip).post("/mediation/portal/", {"code": m.portal_code, "id6": id6})
    return r.content.decode() if r.status_code == 200 else r["Location"]


def test_a_new_session_per_try_does_not_reset_the_lockout(med, sms_gateway) -> None:
    right = med.case.defendants[0].party.id_number[-6:]
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert "查询码或证件号码后六位不正确" in _identify(med, wrong)
    # The sixth try is right, from yet another session: refused, and no code is sent.
    page = _identify(med, right)
    assert LOCKED in page and "15 分钟" in page
    assert sms_gateway.inbox.query(med.phone, 10) == []
    assert OneTimeCode.objects.filter(mediation=med).count() == 0
    failed = AuditRecord.objects.filter(action="mediation.portal.identify_failed")
    assert failed.count() == 6 and failed.last().payload["locked"] == "True"
    assert AuditRecord.objects.filter(action="auth.locked", object_id=str(med.pk)).count() == 1


def test_the_lockout_also_counts_per_address(med, settings) -> None:
    """Guessing case codes from one address (each code unknown) locks the address."""
    settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        r = Client(REMOTE_ADDR="198.51.100.9").post(
            "/mediation/portal/", {"code": f"ZZZZZZZ{n}", "id6": "123456"}
        )
        assert "查询码或证件号码后六位不正确" in r.content.decode()
    right = med.case.defendants[0].party.id_number[-6:]
    assert LOCKED in _identify(med, right, ip="198.51.100.9")
    # Another address is not affected.
    assert _identify(med, right, ip="192.0.2.1").endswith("/portal/verify/")


def test_identification_is_audited(med, last_sms) -> None:
    right = med.case.defendants[0].party.id_number[-6:]
    assert _identify(med, right).endswith("/portal/verify/")
    record = AuditRecord.objects.get(action="mediation.portal.identified")
    assert record.object_id == str(med.pk) and record.payload["ip"] == "203.0.113.7"


def test_codes_sent_per_case_are_capped(med, sms_gateway, settings) -> None:
    settings.JIEFEN_OTP_MAX_PER_HOUR = 3
    for _ in range(3):
        actions.issue_code(med, "login")
    with pytest.raises(ActionRefused, match="验证码发送过于频繁"):
        actions.issue_code(med, "sign")
    sent = [m for m in sms_gateway.inbox.query(med.phone, 50) if "验证码" in m["text"]]
    assert len(sent) == 3
    assert OneTimeCode.objects.filter(mediation=med).count() == 3
    # Through the portal the refusal is a clear message, not a code.
    right = med.case.defendants[0].party.id_number[-6:]
    assert "验证码发送过于频繁" in _identify(med, right)


def test_daily_cap(med, settings) -> None:
    settings.JIEFEN_OTP_MAX_PER_HOUR = 100
    settings.JIEFEN_OTP_MAX_PER_DAY = 2
    actions.issue_code(med, "login")
    actions.issue_code(med, "login")
    with pytest.raises(ActionRefused, match="今日验证码发送次数已达上限"):
        actions.issue_code(med, "login")


def _all_text_in_database() -> str:
    """Every text value of every row of the mediation notice and code tables."""
    chunks = []
    with connection.cursor() as cursor:
        for table in (Notice._meta.db_table, OneTimeCode._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # fixed table names
            chunks.extend(str(v) for row in cursor.fetchall() for v in row)
    return "\n".join(chunks)


def test_codes_are_masked_at_rest_and_clear_on_the_phone(med, last_sms) -> None:
    actions.deliver_notices()  # the opening notice (queued until commit)
    opened = last_sms(med.phone)
    assert med.portal_code in opened  # the borrower needs it
    code = actions.issue_code(med, "login")
    assert f"验证码{code}" in last_sms(med.phone)
    stored = _all_text_in_database()
    assert code not in stored and med.portal_code not in stored
    assert f"验证码****{code[-2:]}" in stored
    assert actions.verify_code(med, "login", code)


def test_a_queued_notice_is_delivered_with_the_case_code(med, sms_gateway, last_sms) -> None:
    assert actions.deliver_notices() == 1
    assert med.portal_code in last_sms(med.phone)
    assert med.portal_code not in Notice.objects.get(mediation=med).body


def test_otp_guesses_are_locked_out_across_sessions(med, last_sms, settings: Any) -> None:
    settings.JIEFEN_OTP_MAX_PER_HOUR = 100
    right = med.case.defendants[0].party.id_number[-6:]
    clients = []
    for _ in range(6):
        client = Client(REMOTE_ADDR="203.0.113.8")
        client.post("/mediation/portal/", {"code": med.portal_code, "id6": right})
        clients.append(client)
    otp = re.search(r"验证码(\d{6})", last_sms(med.phone)).group(1)
    for client in clients[:5]:
        r = client.post("/mediation/portal/verify/", {"otp": "000000" if otp != "000000" else "1"})
        assert "验证码错误" in r.content.decode()
    r = clients[5].post("/mediation/portal/verify/", {"otp": otp})
    assert r.status_code == 200 and LOCKED in r.content.decode()
