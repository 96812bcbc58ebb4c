"""Fixtures for reporting: recipients with key pairs, and a quick way to submit a report."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role


def give_keys(membership: Any) -> bytes:
    """Create the member's key pair as the unlock page would; return the private key."""
    from vangnet.reporting.keys import keypair_create

    _pair, private, _recovery = keypair_create(user=membership.user, password=PASSWORD)
    return private


@pytest.fixture
def advisor(organisation: Any) -> Any:
    member = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                         email="anna.advies@example.org")
    member.private_key = give_keys(member)
    return member


@pytest.fixture
def external_advisor(organisation: Any) -> Any:
    member = make_member(organisation, Role.ADVISOR, name="Erik Extern", is_external=True,
                         email="erik.extern@example.org")
    member.private_key = give_keys(member)
    return member


@pytest.fixture
def submit(organisation: Any) -> Any:
    from vangnet.reporting.services import report_submit

    def _submit(**kwargs: Any) -> Any:
        kwargs.setdefault("organisation", organisation)
        kwargs.setdefault("category", "pesten")
        kwargs.setdefault("mode", "anonymous")
        kwargs.setdefault("parts", {"narrative": "Er gebeurde iets vervelends."})
        return report_submit(**kwargs)

    return _submit


@pytest.fixture
def as_actor() -> Any:
    from vangnet.organisations.models import Membership
    from vangnet.organisations.selectors import actor_for

    def _actor(membership: Any) -> Any:
        return actor_for(Membership.objects.get(pk=membership.pk))

    return _actor


@pytest.fixture(autouse=True)
def _tallies_equal_the_rows(request: Any) -> Any:
    """After every test that used the database, the coordinator's running totals equal a count
    over the rows (docs/adr/0095): every write these tests make keeps them true."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames
                                or "live_server" in request.fixturenames else "db")
        yield
        from .tally_reference import assert_tallies_match

        assert_tallies_match()
    else:
        yield
