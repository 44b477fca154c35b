"""Back-office edits through the admin are audited: who, which object, which fields, no values."""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.chain import verify
from jiefen.audit.models import AuditRecord
from jiefen.lawdata.models import LprFixing
from jiefen.mediation.models import Conflict, MediatorProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user: Callable[..., User]) -> tuple[Client, User]:
    admin = make_user(Role.PLATFORM_ADMIN, None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client, admin


def _form(obj: Any, **changes: Any) -> dict[str, Any]:
    data = {k: ("" if v is None else v) for k, v in model_to_dict(obj).items() if v is not False}
    data.update(changes)
    return data


def test_a_court_policy_change_is_audited_without_values(
    admin_client: tuple[Client, User], court: Organisation
) -> None:
    client, admin = admin_client
    url = f"/admin/accounts/organisation/{court.pk}/change/"
    r = client.post(url, _form(court, fee_rounding="fen", phone="023-99998888"))
    assert r.status_code == 302, r.content.decode()[:2000]
    record = AuditRecord.objects.get(action="admin.change")
    assert (record.actor_id, record.object_type, record.object_id) == (
        admin.pk,
        "accounts.organisation",
        str(court.pk),
    )
    fields = record.payload["changes"][0]["fields"]
    assert set(fields) == {"诉讼费取整规则", "联系电话"}
    assert "023-99998888" not in json.dumps(record.payload, ensure_ascii=False)
    assert verify()[1] is None


def test_a_legal_parameter_added_and_deleted_is_audited(
    admin_client: tuple[Client, User],
) -> None:
    client, admin = admin_client
    r = client.post(
        "/admin/lawdata/lprfixing/add/",
        {
            "effective_from": "2031-01-20",
            "lpr_1y": "2.90",
            "lpr_5y": "3.40",
            "reviewed": "2031-01-21",
            "note": "测试",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    fixing = LprFixing.objects.get(effective_from=date(2031, 1, 20))
    added = AuditRecord.objects.get(action="admin.add")
    assert (added.object_type, added.object_id, added.actor_id) == (
        "lawdata.lprfixing",
        str(fixing.pk),
        admin.pk,
    )
    r = client.post(f"/admin/lawdata/lprfixing/{fixing.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    deleted = AuditRecord.objects.get(action="admin.delete")
    assert (deleted.object_type, deleted.object_id) == ("lawdata.lprfixing", str(fixing.pk))


def test_roster_edits_in_the_list_and_conflict_deletes_are_audited(
    admin_client: tuple[Client, User],
    mediation_org: Organisation,
    bank: Organisation,
    other_bank: Organisation,
    make_user: Callable[..., User],
) -> None:
    client, _admin = admin_client
    mediator = make_user(Role.MEDIATOR, mediation_org)
    profile, _ = MediatorProfile.objects.get_or_create(user=mediator)
    r = client.post(
        "/admin/mediation/mediatorprofile/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(profile.pk),
            "form-0-available": "on",
            "form-0-capacity": "12",
            "form-0-duty_weekdays": "024",
            "form-0-roster_position": "0",
            "_save": "保存",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    change = AuditRecord.objects.get(action="admin.change")
    assert change.object_type == "mediation.mediatorprofile"
    assert set(change.payload["changes"][0]["fields"]) == {"在办案件上限", "轮值日"}
    conflicts = [
        Conflict.objects.create(mediator=mediator, institution=institution, reason="曾任职")
        for institution in (bank, other_bank)
    ]
    r = client.post(
        "/admin/mediation/conflict/",
        {
            "action": "delete_selected",
            "_selected_action": [str(c.pk) for c in conflicts],
            "post": "yes",
        },
    )
    assert r.status_code == 302
    assert set(
        AuditRecord.objects.filter(action="admin.delete").values_list("object_id", flat=True)
    ) == {str(c.pk) for c in conflicts}
