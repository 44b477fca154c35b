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
