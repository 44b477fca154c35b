"""Staff of the court for the backup tests (filing needs judges to assign and a clerk)."""

from typing import Any

import pytest


@pytest.fixture
def staff(court: Any, make_user: Any) -> dict[str, Any]:
    """Two judges and a clerk of the court."""
    from jiefen.accounts.models import Role

    return {
        "judges": [make_user(Role.JUDGE, court, full_name=f"法官{i}") for i in range(1, 3)],
        "clerks": [make_user(Role.CLERK, court, full_name="书记员1")],
    }
