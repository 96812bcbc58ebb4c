"""Capacity under concurrent registration: a registration for the last seat that runs while
another one for it is still open never overbooks (the session row is locked while seats are
counted; PostgreSQL. SQLite serialises writers by itself)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from vangnet.workshops import services
from vangnet.workshops.models import Registration


def _someone_waits_for_a_lock(timeout: float = 60) -> bool:
    """Wait for the state (another backend blocked on a lock), polling, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND datname = current_database()")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_second_registration_for_the_last_seat_waits_and_goes_on_the_waiting_list(ready: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite has one writer")
    for person in ready.members(7):
        services.register(actor=ready.actor(person), session=ready.session)
    first, second = ready.members(2)
    holding, release, errors = threading.Event(), threading.Event(), []

    def first_takes_the_last_seat_and_holds_its_transaction() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                services.register(actor=ready.actor(first), session=ready.session)
                holding.set()
                release.wait(60)
        except Exception as error:  # reported to the main thread
            errors.append(error)
            holding.set()
        finally:
            own.close()

    def second_tries() -> None:
        from django.db import connection as own

        try:
            services.register(actor=ready.actor(second), session=ready.session)
        except Exception as error:
            errors.append(error)
        finally:
            own.close()

    holder = threading.Thread(target=first_takes_the_last_seat_and_holds_its_transaction)
    holder.start()
    assert holding.wait(60) and not errors
    contender = threading.Thread(target=second_tries)
    contender.start()
    try:
        assert _someone_waits_for_a_lock(), "the second registration never waited for the first"
    finally:
        release.set()
        holder.join(60)
        contender.join(60)
    assert errors == []
    statuses = dict(Registration.objects.filter(session=ready.session, membership__in=[first, second])
                    .values_list("membership_id", "status"))
    assert statuses == {first.pk: "registered", second.pk: "waiting"}
    assert Registration.objects.filter(session=ready.session, status="registered").count() == 8
