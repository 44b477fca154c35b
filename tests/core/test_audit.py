"""Rule 7: the audit log is hash-chained; editing, deleting or inserting a row is detected."""

import itertools
import json

import pytest
from django.core.management import call_command
from django.db import connection

from jiefen.accounts.models import Role
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import transition

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chained(make_case, make_user, bank):
    agent = make_user(Role.BANK_AGENT, bank)
    for _ in range(4):
        transition(make_case(), "screen", by=agent, note="导入后筛查")
    assert AuditRecord.objects.count() == 4
    return AuditRecord.objects.order_by("seq")


def _verify() -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_every_action_appends_a_chained_record(chained):
    records = list(chained)
    assert [r.seq for r in records] == [1, 2, 3, 4]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert records[0].action == "case.screen"
    code, out, _ = _verify()
    assert code == 0 and "共 4 条记录" in out


def test_edited_row_is_detected(chained):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET payload = %s WHERE seq = 3",
            [json.dumps({"from": "received", "to": "closed"})],
        )
    code, _, err = _verify()
    assert code == 1
    assert "第 3 条" in err and "被改动" in err


def test_deleted_row_is_detected(chained):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq = 2")
    code, _, err = _verify()
    assert code == 1 and "第 3 条" in err


def test_inserted_row_is_detected_even_with_a_well_formed_hash(chained):
    """A forger renumbers the rows and inserts a record whose own hash is correct."""
    from jiefen.audit.chain import record_hash

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET seq = seq + 1000 WHERE seq >= 3")
        cursor.execute("UPDATE audit_auditrecord SET seq = seq - 999 WHERE seq >= 1000")
    before = chained.get(seq=2)
    fields = {
        "seq": 3,
        "at": before.at,
        "actor_id": None,
        "action": "case.close",
        "object_type": "case",
        "object_id": "1",
        "payload": {},
    }
    AuditRecord.objects.create(
        prev_hash=before.hash, hash=record_hash(prev_hash=before.hash, **fields), **fields
    )
    code, _, err = _verify()
    assert code == 1 and "第 4 条" in err and "前一记录哈希不符" in err


def test_failed_action_leaves_no_record(make_case, make_user, bank):
    from jiefen.cases.actions import TransitionRefused

    case = make_case()
    with pytest.raises(TransitionRefused):
        transition(case, "pronounce_judgment", by=make_user(Role.JUDGE))
    assert AuditRecord.objects.count() == 0
    assert case.events.count() == 0
