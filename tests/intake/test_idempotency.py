"""The same file or key again — also concurrently — makes no second batch and no duplicate case."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case
from jiefen.intake.actions import IdempotencyConflict, create_batch, process_batch
from jiefen.intake.generator import render
from jiefen.intake.models import Batch


@pytest.mark.django_db
def test_same_file_twice_is_one_batch(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    data = render(rows(n=5, seed=101), "financial_loan")
    first = run_import(data, name="a.csv")
    again = run_import(data, name="renamed.csv")
    assert again.pk == first.pk
    assert Batch.objects.count() == 1 and Case.objects.count() == 5


@pytest.mark.django_db
def test_same_key_is_one_batch_and_other_file_conflicts(
    court: Organisation, bank: Organisation, agent: Any, rows: Callable[..., Any], intake_dir: Any
) -> None:
    data = render(rows(n=3, seed=102), "financial_loan")
    b1, created1 = create_batch(bank, court, data, "a.csv", by=agent, key="K-1")
    b2, created2 = create_batch(bank, court, data, "a.csv", by=agent, key="K-1")
    assert (created1, created2, b1.pk) == (True, False, b2.pk)
    with pytest.raises(IdempotencyConflict):
        create_batch(
            bank, court, render(rows(n=3, seed=103), "financial_loan"), "b.csv", by=agent, key="K-1"
        )


@pytest.mark.django_db
def test_contract_number_unique_per_institution_in_database(make_case: Callable[..., Case]) -> None:
    make_case(contract_number="HT-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(contract_number="HT-1")


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_make_one_batch(
    court: Organisation, bank: Organisation, agent: Any, rows: Callable[..., Any], intake_dir: Any
) -> None:
    data = render(rows(n=30, seed=104), "financial_loan")
    results: list[tuple[int, bool]] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def submit(key: str | None) -> None:
        try:
            barrier.wait()
            batch, created = create_batch(bank, court, data, "same.csv", by=agent, key=key)
            process_batch(batch.pk)
            results.append((batch.pk, created))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(k,)) for k in ("K", "K", None, "K")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Batch.objects.count() == 1
    assert Case.objects.count() == 30
    batch = Batch.objects.get()
    assert (batch.status, batch.accepted, batch.rows_done) == ("done", 30, 30)
