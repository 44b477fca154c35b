"""The data migration computes the blind index of the contacts stored before the column existed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiefen.privacy import blind_index, contact_index

BEFORE = [("cases", "0002_casenumbercounter")]


@pytest.mark.django_db(transaction=True)
def test_backfill_indexes_existing_contacts() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old: Any = executor.loader.project_state(BEFORE).apps
    try:
        Party = old.get_model("cases", "Party")
        Contact = old.get_model("cases", "Contact")
        party = Party.objects.create(
            kind="natural_person",
            name="旧数据",
            id_type="resident_id",
            id_number="500105199001011234",
            id_index=blind_index("500105199001011234"),
        )
        values = [
            ("mobile", "+86 139 0000 5678"),
            ("email", "Old@Example.com"),
            ("address", "重庆市渝中区解放碑１号"),
            ("wechat", "old_wechat"),
        ]
        for kind, value in values:
            Contact.objects.create(party=party, kind=kind, value=value, source="contract")
        with connection.cursor() as cursor:  # stored encrypted, as every contact is
            cursor.execute("SELECT value FROM cases_contact")
            assert all("139" not in v and "@" not in v for (v,) in cursor.fetchall())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    from jiefen.cases.models import Contact as Current

    got = {c.kind: c.value_index for c in Current.objects.all()}
    assert got == {kind: contact_index(kind, value) for kind, value in values}
    assert got["mobile"] == contact_index("mobile", "13900005678")
