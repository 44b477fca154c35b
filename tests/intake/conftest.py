"""Intake fixtures: the demo court and banks, a bank agent, and a one-call importer."""

from collections.abc import Callable
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.intake.actions import create_batch, process_batch
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch


@pytest.fixture
def other_agent(other_bank: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.BANK_AGENT, other_bank)


@pytest.fixture
def intake_dir(tmp_path: Any, settings: Any) -> Any:
    settings.JIEFEN_VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def rows() -> Callable[..., list[dict[str, str]]]:
    def make(
        case_type: str = "financial_loan", n: int = 20, seed: int = 1, **kw: Any
    ) -> list[dict[str, str]]:
        return generate_rows(case_type, n, seed=seed, **kw)[0]

    return make


@pytest.fixture
def run_import(
    court: Organisation, bank: Organisation, agent: User, intake_dir: Any
) -> Callable[..., Batch]:
    """Create and process a batch from rows (or bytes) exactly as the bank's paths do."""

    def run(
        data: list[dict[str, str]] | bytes,
        case_type: str = "financial_loan",
        *,
        name: str = "batch.csv",
        institution: Organisation | None = None,
        by: User | None = None,
        **kw: Any,
    ) -> Batch:
        if not isinstance(data, bytes):
            data = render(data, case_type, xlsx=name.endswith(".xlsx"))
        batch, _ = create_batch(institution or bank, court, data, name, by=by or agent, **kw)
        return process_batch(batch.pk)

    return run
