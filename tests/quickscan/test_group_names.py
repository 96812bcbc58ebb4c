"""The organisation's own names for its respondent groups, and groups of its own (issue 14,
ADR 0117): renamed and added by the coordinator; rounds, reports, CSV and API use the names; an
organisation's names are its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.quickscan import services
from vangnet.quickscan.content import instrument
from vangnet.quickscan.models import Response, RoundGroup
from vangnet.quickscan.selectors import group_options, round_results

pytestmark = pytest.mark.django_db


def test_rename_and_add_through_the_page(client, coordinator, organisation):
    client.force_login(coordinator.user)
    url = f"/o/{organisation.slug}/quickscan/groepen/"
    page = client.get(url).content.decode()
    assert "Medewerkers" in page and "Groepen die meedoen" in page
    reply = client.post(url, {"form": "g-employees", "g-employees-slug": "employees",
                              "g-employees-name": "Zorgmedewerkers"})
    assert reply.status_code == 302
    reply = client.post(url, {"form": "new", "new-name": "Vrijwilligers"})
    assert reply.status_code == 302
    options = dict(group_options(organisation_id=organisation.pk))
    assert options["employees"] == "Zorgmedewerkers" and options["vrijwilligers"] == "Vrijwilligers"
    assert len(options) == len(instrument().groups) + 1
    # The start form offers them.
    index = client.get(f"/o/{organisation.slug}/quickscan/").content.decode()
    assert "Zorgmedewerkers" in index and "Vrijwilligers" in index
    # Bad input: a clear message, never a server error.
    for data in ({"form": "new", "new-name": "Zorgmedewerkers"},  # a name in use
                 {"form": "new", "new-name": " "},
                 {"form": "g-x", "g-x-slug": "bestaat-niet", "g-x-name": "Iets"},
                 {"form": "g-employees", "g-employees-slug": "../", "g-employees-name": "X"}):
        reply = client.post(url, data)
        assert reply.status_code == 400, data
    assert len(group_options(organisation_id=organisation.pk)) == len(instrument().groups) + 1


def test_a_round_with_an_own_group_and_renamed_groups_in_every_shape(
        client, coordinator, coordinator_actor, organisation, other_organisation):
    services.group_add(actor=coordinator_actor, name="Vrijwilligers")
    round_ = services.round_start(actor=coordinator_actor, title="Met vrijwilligers",
                                  group_slugs=["vrijwilligers", "employees"])
    groups = {g.slug: g for g in RoundGroup.objects.filter(round=round_)}
    Response.objects.bulk_create(
        Response(round=round_, group=groups[slug], submitted=True, channel="personal",
                 answers=dict.fromkeys(instrument().codes, 4))
        for slug in ("vrijwilligers", "employees") for _ in range(5))
    closed = services.round_close(actor=coordinator_actor, round_=round_)
    # Renamed after closing: the closed round shows the new name (the snapshot has no labels).
    services.group_rename(actor=coordinator_actor, slug="employees", name="Zorgmedewerkers")
    labels = [c.label for c in round_results(round_=closed).columns]
    assert labels == ["Vrijwilligers", "Zorgmedewerkers"]
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{closed.pk}/"
    assert "Zorgmedewerkers" in client.get(f"{base}rapport/").content.decode()
    assert "Vrijwilligers" in client.get(f"{base}rapport.csv").content.decode()
    api = client.get(f"/api/v1/quickscan/rounds/{closed.pk}/results").json()
    assert [g["label"] for g in api["groups"]] == ["Vrijwilligers", "Zorgmedewerkers"]
    # Another organisation keeps the instrument's names and cannot use this one's group.
    other = dict(group_options(organisation_id=other_organisation.pk))
    assert other["employees"] == "Medewerkers" and "vrijwilligers" not in other


def test_only_the_coordinator_names_groups(client, organisation, member_factory):
    url = f"/o/{organisation.slug}/quickscan/groepen/"
    for role in (Role.MANAGER, Role.WORKS_COUNCIL, Role.EMPLOYEE):
        person = member_factory(organisation, Role.EMPLOYEE, role)
        client.force_login(person.user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"form": "new", "new-name": "Stiekem"}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.group_add(actor=actor_for(person), name="Stiekem")
    assert "stiekem" not in dict(group_options(organisation_id=organisation.pk))


def test_a_group_name_must_stay_distinguishable(coordinator_actor):
    with pytest.raises(ValidationError):
        services.group_rename(actor=coordinator_actor, slug="hr", name="medewerkers")
    services.group_rename(actor=coordinator_actor, slug="employees", name="Medewerkers zorg")
    services.group_rename(actor=coordinator_actor, slug="hr", name="Medewerkers")  # now free
