"""Rule 8: ID and phone numbers are encrypted at rest and masked on pages."""

import pytest
from django.db import connection

from jiefen.accounts.models import Role

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def test_id_number_is_not_stored_in_clear(make_party):
    party = make_party(id_number=ID_NUMBER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_index FROM cases_party WHERE id = %s", [party.pk])
        stored, index = cursor.fetchone()
    assert ID_NUMBER not in stored and ID_NUMBER not in index
    party.refresh_from_db()
    assert party.id_number == ID_NUMBER


def test_case_page_masks_the_id_number(client, make_case, make_party, make_user, bank):
    case = make_case(defendant=make_party(id_number=ID_NUMBER))
    client.force_login(make_user(Role.BANK_AGENT, bank))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert ID_NUMBER not in page
    assert "110105********002X" in page


def test_encryption_uses_a_fresh_nonce_and_detects_tampering():
    from cryptography.exceptions import InvalidTag

    from jiefen.privacy import blind_index, decrypt, encrypt

    first, second = encrypt(ID_NUMBER), encrypt(ID_NUMBER)
    assert first != second and decrypt(first) == decrypt(second) == ID_NUMBER
    assert encrypt("") == "" and decrypt("") == ""
    tampered = first[:-4] + ("AAAA" if first[-4:] != "AAAA" else "BBBB")
    with pytest.raises(InvalidTag):
        decrypt(tampered)
    assert blind_index(" 11010519491231002x") == blind_index(ID_NUMBER)
