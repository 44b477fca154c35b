"""Running one piece of work in several threads at once, as several workers would.

Each thread waits at a barrier so they start together, uses its own database connection
(closed at the end), and its result or exception is collected for the test to assert.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

WORKERS = 4


def in_parallel(
    work: Callable[[], Any], workers: int = WORKERS
) -> tuple[list[Any], list[BaseException]]:
    """Run `work` in `workers` threads started together; return (results, errors)."""
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
