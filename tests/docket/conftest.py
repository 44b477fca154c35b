"""Documents and keys live in a temporary JIEFEN_VAR_DIR for each test module."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jiefen.documents import keys, signing


@pytest.fixture(autouse=True)
def var_dir(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("var")
    settings.JIEFEN_VAR_DIR = path
    keys._cache.clear()
    signing._signers.clear()
    yield path
    keys._cache.clear()
    signing._signers.clear()


@pytest.fixture
def staff(court: Any, make_user: Any) -> dict[str, Any]:
    """Three judges and two clerks of the court."""
    from jiefen.accounts.models import Role

    return {
        "judges": [make_user(Role.JUDGE, court, full_name=f"法官{i}") for i in range(1, 4)],
        "clerks": [make_user(Role.CLERK, court, full_name=f"书记员{i}") for i in range(1, 3)],
    }
