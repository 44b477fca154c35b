"""Staff of the court for filing tests (documents go to the per-test JIEFEN_VAR_DIR)."""

from typing import Any

import pytest


@pytest.fixture
def staff(court: Any, make_user: Any) -> dict[str, Any]:
    """Three judges and two clerks of the court."""
    from jiefen.accounts.models import Role

    return {
        "judges": [make_user(Role.JUDGE, court, full_name=f"法官{i}") for i in range(1, 4)],
        "clerks": [make_user(Role.CLERK, court, full_name=f"书记员{i}") for i in range(1, 3)],
    }
