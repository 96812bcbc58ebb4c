"""Who may open which organisation page: every role, a member of another organisation, anonymous.

Someone of organisation B gets 404 for everything of A — also when guessing the ids of A's units,
people and imports under B's own address.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.people import make_member, make_organisation, make_unit
from vangnet.organisations.models import ImportJob, Unit
from vangnet.organisations.permissions import (
    Actor,
    can_assign_role,
    can_change_own_membership,
    can_manage_organisation,
    can_view_people,
    can_view_unit,
    requires_two_factor,
)
from vangnet.organisations.roles import CASE_READING_ROLES, Role

PAGES = {
    "home": "/o/{slug}/",
    "units": "/o/{slug}/beheer/afdelingen-en-teams/",
    "unit_new": "/o/{slug}/beheer/afdelingen-en-teams/nieuw/",
    "unit_edit": "/o/{slug}/beheer/afdelingen-en-teams/{unit}/",
    "people": "/o/{slug}/beheer/mensen/",
    "person_edit": "/o/{slug}/beheer/mensen/{person}/",
    "invitations": "/o/{slug}/beheer/uitnodigingen/",
    "branding": "/o/{slug}/beheer/huisstijl/",
    "import": "/o/{slug}/beheer/importeren/",
    "import_status": "/o/{slug}/beheer/importeren/{job}/",
}
MANAGEMENT_PAGES = set(PAGES) - {"home"}
ACTORS = [*(role.value for role in Role), "other_organisation", "anonymous"]


def expected_status(who: str, page: str) -> int:
    if who == "anonymous":
        return 302  # to the login page
    if who == "other_organisation":
        return 404  # not a member: no hint that the organisation or the object exists
    if page in MANAGEMENT_PAGES and who != Role.COORDINATOR:
        return 403
    return 200


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    a = make_organisation("Organisatie A")
    b = make_organisation("Organisatie B")
    unit = make_unit(a, "Team A")
    people = {role.value: make_member(a, role, unit=unit) for role in Role}
    outsider = make_member(b, Role.EMPLOYEE, Role.COORDINATOR)
    job = ImportJob.objects.create(organisation=a, file_name="a.csv", csv_text="")
    return {"a": a, "b": b, "unit": unit, "people": people, "outsider": outsider, "job": job}


def _urls(world: dict[str, Any], slug: str) -> dict[str, str]:
    ids = {"unit": world["unit"].pk, "person": world["people"][Role.EMPLOYEE].pk, "job": world["job"].pk}
    return {name: url.format(slug=slug, **ids) for name, url in PAGES.items()}


@pytest.mark.parametrize("who", ACTORS)
def test_page_matrix(client: Any, world: dict[str, Any], who: str) -> None:
    if who == "other_organisation":
        client.force_login(world["outsider"].user)
    elif who != "anonymous":
        client.force_login(world["people"][who].user)
    actual = {page: client.get(url).status_code for page, url in _urls(world, world["a"].slug).items()}
    expected = {page: expected_status(who, page) for page in PAGES}
    assert actual == expected


def test_anonymous_is_sent_to_login(client: Any, world: dict[str, Any]) -> None:
    response = client.get(f"/o/{world['a'].slug}/beheer/mensen/")
    assert response["Location"].startswith("/accounts/login/?next=")


def test_guessing_ids_of_another_organisation_under_own_slug_gives_404(client: Any,
                                                                       world: dict[str, Any]) -> None:
    """B's coordinator may manage B, but A's unit, person and import are invisible under B's slug."""
    client.force_login(world["outsider"].user)
    own = _urls(world, world["b"].slug)
    for page in ("unit_edit", "person_edit", "import_status"):
        assert client.get(own[page]).status_code == 404, page
        assert client.post(own[page], {"name": "Overgenomen"}).status_code == 404, page
    delete = f"/o/{world['b'].slug}/beheer/afdelingen-en-teams/{world['unit'].pk}/verwijderen/"
    assert client.post(delete).status_code == 404
    assert Unit.objects.filter(pk=world["unit"].pk, name="Team A").exists()
    # B's own pages do work for B's coordinator.
    assert client.get(own["units"]).status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_non_coordinators_cannot_write(client: Any, world: dict[str, Any], role: Role) -> None:
    client.force_login(world["people"][role].user)
    urls = _urls(world, world["a"].slug)
    assert client.post(urls["unit_new"], {"name": "Nieuw", "kind": "team"}).status_code == 403
    assert client.post(urls["unit_edit"], {"name": "Anders", "kind": "team"}).status_code == 403
    assert client.post(urls["person_edit"], {"roles": ["coordinator"]}).status_code == 403
    assert client.post(urls["invitations"], {"email": "x@example.org", "roles": ["medewerker"]}).status_code == 403
    assert client.post(urls["branding"], {"name": "Gekaapt", "primary_colour": "#000000"}).status_code == 403
    assert not Unit.objects.filter(name__in=["Nieuw", "Anders"]).exists()
    world["a"].refresh_from_db()
    assert world["a"].name == "Organisatie A"


def test_inactive_member_gets_404(client: Any, world: dict[str, Any]) -> None:
    member = world["people"][Role.COORDINATOR]
    member.is_active = False
    member.save()
    client.force_login(member.user)
    assert client.get(f"/o/{world['a'].slug}/").status_code == 404


# --- the pure permission functions -----------------------------------------------------------

def _actor(*roles: str, membership_id: int = 1, organisation_id: int = 10) -> Actor:
    return Actor(user_id=1, organisation_id=organisation_id, organisation_slug="a",
                 membership_id=membership_id, roles=frozenset(roles))


@pytest.mark.parametrize("role", list(Role))
def test_pure_rules_per_role(role: Role) -> None:
    actor = _actor(role)
    assert actor.has(role) and not actor.has(*(r for r in Role if r != role))
    assert can_manage_organisation(actor) is (role == Role.COORDINATOR)
    assert can_view_people(actor) is (role in {Role.COORDINATOR, Role.HR})
    assert can_assign_role(actor, Role.ADVISOR) is (role == Role.COORDINATOR)
    assert requires_two_factor(roles=[role], is_platform_admin=False) is (role in CASE_READING_ROLES)


def test_pure_rules_edge_cases() -> None:
    coordinator = _actor(Role.COORDINATOR, membership_id=5)
    assert not can_assign_role(coordinator, "directeur")
    assert not can_change_own_membership(coordinator, 5)
    assert can_change_own_membership(coordinator, 6)
    assert can_view_unit(coordinator, 10) and not can_view_unit(coordinator, 11)
    assert requires_two_factor(roles=[], is_platform_admin=True)
    assert not requires_two_factor(roles=[Role.EMPLOYEE, Role.MANAGER], is_platform_admin=False)
    assert set(CASE_READING_ROLES) == {Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.COORDINATOR}


# --- constant number of queries on the list pages ------------------------------------------

def _count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_people_list_queries_do_not_grow_with_rows(client: Any, organisation: Any,
                                                   django_assert_max_num_queries: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    unit = make_unit(organisation, "Team")
    for _ in range(4):
        make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=unit)
    client.force_login(coordinator.user)
    url = f"/o/{organisation.slug}/beheer/mensen/"
    with_five = _count_queries(client, url)
    for _ in range(45):
        make_member(organisation, Role.EMPLOYEE, Role.WORKS_COUNCIL, unit=unit)
    with django_assert_max_num_queries(with_five):
        response = client.get(url)
    assert response.content.decode().count("/beheer/mensen/") >= 50


def test_unit_list_queries_do_not_grow_with_rows(client: Any, organisation: Any,
                                                 django_assert_max_num_queries: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER)
    parent = None
    for n in range(5):
        parent = make_unit(organisation, f"Eenheid {n}", parent=parent, managers=[manager])
    client.force_login(coordinator.user)
    url = f"/o/{organisation.slug}/beheer/afdelingen-en-teams/"
    with_five = _count_queries(client, url)
    for n in range(45):
        make_unit(organisation, f"Team {n}", parent=parent if n % 2 else None, managers=[manager])
    with django_assert_max_num_queries(with_five):
        response = client.get(url)
    assert response.content.decode().count("/beheer/afdelingen-en-teams/") >= 50
