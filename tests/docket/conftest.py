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


@pytest.fixture
def database_url(transactional_db: Any) -> str:
    """The test database as a DATABASE_URL, for real subprocesses (task worker, commands)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
