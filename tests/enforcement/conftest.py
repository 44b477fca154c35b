"""Fixtures for the enforcement stage's tests (issue 12).

Sections are owned by different helpers; add yours below the registry section, clearly separated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from jiefen.enforcement.registry_simulator import RegistryServer

# --------------------------------------------------------------------------------------------
# REGISTRY: the asset registry simulator (网络查控) over HTTP
# --------------------------------------------------------------------------------------------

REGISTRY_TEST_TOKEN = "registry-test-token"


@pytest.fixture
def registry(settings: Any) -> Iterator[RegistryServer]:
    """The registry simulator on a free local port with an empty seed and no answer delay.

    `settings.JIEFEN_REGISTRY_URL`/`_TOKEN` point at it, so `jiefen.enforcement.registry.registry()`
    talks to it. Use `.add_holders([...])` to seed holders, `.delay = 0.5` to make answers pend.
    """
    from jiefen.enforcement.registry_simulator import start_in_thread

    server = start_in_thread(port=0, token=REGISTRY_TEST_TOKEN, delay=0.0)
    settings.JIEFEN_REGISTRY_URL = server.url
    settings.JIEFEN_REGISTRY_TOKEN = REGISTRY_TEST_TOKEN
    settings.JIEFEN_REGISTRY_TIMEOUT = 10.0
    try:
        yield server
    finally:
        server.shutdown()


# --------------------------------------------------------------------------------------------
# (other helpers' fixtures go below this line)
# --------------------------------------------------------------------------------------------
