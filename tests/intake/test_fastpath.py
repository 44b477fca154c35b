"""The fast paths give exactly the slow paths' results: column-wise checks, COPY."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils.timezone import now

from jiefen.cases.models import Case, Contact, Party
from jiefen.intake.bulk import insert_rows
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.reader import read_table
from jiefen.intake.validate import validate_row
from jiefen.intake.vector import clean_rows
from jiefen.privacy import blind_index, encrypt


@pytest.mark.parametrize("case_type", ["financial_loan", "credit_card"])
def test_column_checks_never_pass_a_row_the_row_checks_reject(case_type: str) -> None:
    rows, info = generate_rows(case_type, 300, bad_fraction=0.3, seed=41)
    table = read_table(render(rows, case_type), "b.csv")
    clean = clean_rows(table)
    keys = table.frame.columns
    passed = 0
    for i, cells in enumerate(table.frame.iter_rows()):
        values = dict(zip(keys, cells, strict=True))
        full, errors = validate_row(i + 2, values, case_type, table.headers)
        if clean[i]:
            passed += 1
            assert not errors, (i + 2, errors)
            trusted, none = validate_row(i + 2, values, case_type, table.headers, trusted=True)
            assert none == [] and trusted == full  # the same record, elements and all
        elif i + 2 not in info.bad_rows:
            raise AssertionError(f"good row {i + 2} missed the fast path")
    # Every broken row except a repeated contract number (checked across rows) is caught.
    repeated = sum(1 for kind in info.bad_rows.values() if kind == "duplicate_contract")
    assert passed == 300 - len(info.bad_rows) + repeated


@pytest.mark.django_db
def test_rows_off_the_fast_path_are_still_imported(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    """Dates as 2024/1/5 and amounts with separators take the per-row path, same outcome."""
    data = rows(n=6, seed=8)
    data[1]["signed_on"] = data[1]["signed_on"].replace("-", "/")
    data[2]["claim_total"] = f"{float(data[2]['claim_total']):,.2f}"
    table = read_table(render(data, "financial_loan"), "b.csv")
    assert clean_rows(table) == [True, False, False, True, True, True]
    batch = run_import(data)
    assert (batch.accepted, batch.rejected) == (6, 0)
    case = Case.objects.get(batch=batch, batch_row=4)
    assert str(case.claim_total) == data[2]["claim_total"].replace(",", "")


@pytest.mark.django_db
def test_bulk_insert_skips_conflicts_on_both_databases(make_party: Callable[..., Party]) -> None:
    """SQLite: executemany + ON CONFLICT; PostgreSQL: COPY into staging + ON CONFLICT."""
    taken = make_party(id_number="11010519491231002X")
    fresh_index = blind_index("110105199001011237")
    columns = (
        *("kind", "name", "id_type", "id_number", "id_index", "sex", "birth_date", "ethnicity"),
        *("employer", "domicile", "domicile_division", "legal_representative", "is_minor"),
    )
    row = ("natural_person", "李四", "resident_id", "", "", "男", None, "", "", "", "", "", False)
    with transaction.atomic():  # twice in one transaction: the staging table is reused
        insert_rows(
            "cases_party",
            columns,
            [(*row[:4], taken.id_index, *row[5:]), (*row[:4], fresh_index, *row[5:])],
            conflict=("id_index",),
        )
        insert_rows(
            "cases_party", columns, [(*row[:4], fresh_index, *row[5:])], conflict=("id_index",)
        )
    assert Party.objects.get(id_index=taken.id_index).name == taken.name  # not overwritten
    assert Party.objects.filter(id_index=fresh_index).get().name == "李四"
    insert_rows(  # no conflict key: plain COPY / executemany
        "cases_contact",
        ("party_id", "kind", "value", "source", "confirmed", "e_service_consent", "supplied_at"),
        [(taken.pk, "mobile", encrypt("13800000000"), "contract", True, True, now())],
    )
    assert Contact.objects.get(party=taken, kind="mobile").value == "13800000000"
