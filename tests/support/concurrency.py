"""Two workers at once, in one test: threads that start together, each on its own database
connection (on PostgreSQL a real second session: row locks, SKIP LOCKED and conditional updates
behave as between two worker processes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest


def require_real_concurrency() -> None:
    """Two writers at once need PostgreSQL: SQLite's in-memory test database is shared by threads
    through one shared cache, where a second writer gets "table is locked" instead of waiting.
    Production's several workers run on PostgreSQL (CI runs the suite there too, .ci/run)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two workers at once are tested on PostgreSQL (SQLite's test database is in memory)")


def run_at_once(work: Callable[[], Any], *, workers: int = 2, timeout: float = 120) -> list[Any]:
    """Run `work` in `workers` threads released together by a barrier; return what each returned
    (in finishing order). An error in any thread fails the test with that error."""
    from django.db import connections

    start = threading.Barrier(workers)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait(timeout=timeout)
            outcome = work()
            with lock:
                results.append(outcome)
        except BaseException as error:  # reported to the test's thread below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, name=f"worker-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker did not finish in time"
    if errors:
        raise errors[0]
    return results
