"""The results API asks who is asking before it looks at a round (issue 11): someone without the
right to manage rounds in the round's organisation gets the same 404 for a round that exists as
for one that does not, so the API is no oracle for round ids of other organisations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.quickscan import services
from vangnet.quickscan.permissions import can_manage_rounds

pytestmark = pytest.mark.django_db

URL = "/api/v1/quickscan/rounds/{}/results"


@pytest.fixture
def closed_round(coordinator_actor):
    round_ = services.round_start(actor=coordinator_actor, title="Voorjaar",
                                  group_slugs=["management", "employees"])
    return services.round_close(actor=coordinator_actor, round_=round_)


def _answer(client, round_id):
    response = client.get(URL.format(round_id))
    return response.status_code, response.json()


def test_coordinator_of_the_round_gets_its_results(client, coordinator, closed_round):
    client.force_login(coordinator.user)
    status, _body = _answer(client, closed_round.pk)
    assert status == 200


@pytest.mark.parametrize("who", ["other_coordinator", "employee"])
def test_outsiders_cannot_tell_an_existing_round_from_a_missing_one(
        client, other_organisation, organisation, member_factory, closed_round, who):
    if who == "other_coordinator":
        asker = member_factory(other_organisation, Role.EMPLOYEE, Role.COORDINATOR)
    else:
        asker = member_factory(organisation, Role.EMPLOYEE)
    client.force_login(asker.user)
    existing = _answer(client, closed_round.pk)
    missing = _answer(client, closed_round.pk + 1000)
    assert existing == missing == (404, {"detail": "not found"})


def test_no_round_is_read_for_someone_who_may_manage_none(client, organisation, member_factory,
                                                         closed_round):
    asker = member_factory(organisation, Role.EMPLOYEE)
    assert not can_manage_rounds(actor_for(asker))
    client.force_login(asker.user)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL.format(closed_round.pk))
    assert not [q for q in queries.captured_queries if "quickscan_round" in q["sql"]]
