"""Who may open which toolbox page: every role, a member of another organisation, anonymous.

A member of organisation B gets 404 for everything of A, also when guessing the ids of A's
sessions, routines and own werkvormen under B's own address.
"""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.utils import timezone

from support.people import make_member, make_organisation, make_unit
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.toolbox import selectors, services

BROWSE = {
    "index": "/o/{slug}/toolbox/",
    "werkvormen": "/o/{slug}/toolbox/werkvormen/",
    "werkvormen_search": "/o/{slug}/toolbox/werkvormen/?q=grens&pillar=1&group_size=8",
    "werkvorm": "/o/{slug}/toolbox/werkvormen/wekelijkse-check-in/",
    "own_werkvorm": "/o/{slug}/toolbox/werkvormen/{own}/",
    "card_pdf": "/o/{slug}/toolbox/werkvormen/wekelijkse-check-in/kaart.pdf",
    "deck_pdf": "/o/{slug}/toolbox/werkvormen/kaarten.pdf?slug=werkdruk-check-in",
    "dilemmas": "/o/{slug}/toolbox/dilemmas/",
    "dilemma": "/o/{slug}/toolbox/dilemmas/grap-in-de-teamapp/",
    "glossary": "/o/{slug}/toolbox/begrippen/",
    "faq": "/o/{slug}/toolbox/vragen/",
    "sessions": "/o/{slug}/toolbox/sessies/",
    "session": "/o/{slug}/toolbox/sessies/{session}/",
    "session_pdf": "/o/{slug}/toolbox/sessies/{session}/agenda.pdf",
    "routines": "/o/{slug}/toolbox/teamroutines/",
    "routine": "/o/{slug}/toolbox/teamroutines/{routine}/",
}
PLAN = {"session_builder": "/o/{slug}/toolbox/sessies/nieuw/",
        "routine_new": "/o/{slug}/toolbox/teamroutines/nieuw/"}
CATALOGUE = {"werkvorm_new": "/o/{slug}/toolbox/werkvormen/nieuw/",
             "own_werkvorm_edit": "/o/{slug}/toolbox/werkvormen/{own}/bewerken/"}
PAGES = {**BROWSE, **PLAN, **CATALOGUE}
ACTORS = [*(role.value for role in Role), "other_team", "other_organisation", "anonymous"]
PLANNERS = {Role.MANAGER, Role.COORDINATOR}


def expected_status(who: str, page: str) -> int:
    if who == "anonymous":
        return 302
    if who == "other_organisation":
        return 404
    if who == "other_team" and page in {"session", "session_pdf", "routine"}:
        return 404  # another team's session or routine is not theirs to see
    if page in PLAN:
        return 200 if who in PLANNERS else 403
    if page in CATALOGUE:
        return 200 if who == Role.COORDINATOR else 403
    return 200


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    services.builtin_content_load()
    a, b = make_organisation("Organisatie A"), make_organisation("Organisatie B")
    unit, other_unit = make_unit(a, "Team A"), make_unit(a, "Team A2")
    people = {role.value: make_member(a, role, unit=unit) for role in Role}
    unit.managers.add(people[Role.MANAGER])
    manager = actor_for(people[Role.MANAGER])
    session = services.session_create(
        actor=manager, unit=unit, title="Sessie",
        werkvormen=selectors.werkvormen_by_slugs(a.pk, ["wekelijkse-check-in", "dilemma-bespreken"]))
    routine = services.routine_create(
        actor=manager, unit=unit, werkvorm=selectors.werkvormen_by_slugs(a.pk, ["wekelijkse-check-in"])[0],
        title="Check-in", frequency="weekly", starts_on=timezone.localdate(), time_of_day=time(9))
    own = services.werkvorm_create(actor=actor_for(people[Role.COORDINATOR]), data=services.OwnWerkvormInput(
        title="Eigen ronde", purpose="Doel.", kind="exercise", pillars=(1,), themes=(), audience=("team",),
        duration_minutes=20, group_min=2, group_max=9, preparation="-", steps=("Stap.",), why="-",
        who_what_where="-", tips=(), safety_note="Verwijs naar de vertrouwenspersoon."))
    return {"a": a, "b": b, "people": people, "session": session, "routine": routine, "own": own,
            "other_team": make_member(a, Role.EMPLOYEE, unit=other_unit),
            "outsider": make_member(b, Role.EMPLOYEE, Role.MANAGER, Role.COORDINATOR)}


def _urls(world: dict[str, Any], slug: str) -> dict[str, str]:
    ids = {"session": world["session"].pk, "routine": world["routine"].pk, "own": world["own"].slug}
    return {name: url.format(slug=slug, **ids) for name, url in PAGES.items()}


def _login(client: Any, world: dict[str, Any], who: str) -> None:
    if who == "other_organisation":
        client.force_login(world["outsider"].user)
    elif who == "other_team":
        client.force_login(world["other_team"].user)
    elif who != "anonymous":
        client.force_login(world["people"][who].user)


@pytest.mark.parametrize("who", ACTORS)
def test_page_matrix(client: Any, world: dict[str, Any], who: str) -> None:
    _login(client, world, who)
    actual = {page: client.get(url).status_code for page, url in _urls(world, world["a"].slug).items()}
    expected = {page: expected_status(who, page) for page in PAGES}
    assert actual == expected


@pytest.mark.parametrize("who", ACTORS)
def test_post_matrix(client: Any, world: dict[str, Any], who: str) -> None:
    _login(client, world, who)
    slug, session, routine = world["a"].slug, world["session"].pk, world["routine"].pk
    unit = world["routine"].unit_id
    posts = {
        "hide": (f"/o/{slug}/toolbox/werkvormen/feedback-vragen/verbergen/", {"hidden": "1"}),
        "toggle": (f"/o/{slug}/toolbox/teamroutines/{routine}/aan-uit/", {}),
        "feed": (f"/o/{slug}/toolbox/teamroutines/agenda/{unit}/", {}),
        "delete": (f"/o/{slug}/toolbox/sessies/{session}/verwijderen/", {}),
    }
    actual = {name: client.post(path, data).status_code for name, (path, data) in posts.items()}
    if who == "anonymous":
        expected = dict.fromkeys(posts, 302)
    elif who == "other_organisation":
        expected = dict.fromkeys(posts, 404)
    elif who == "other_team":
        expected = {"hide": 403, "toggle": 404, "feed": 404, "delete": 404}
    else:
        expected = {"hide": 302 if who == Role.COORDINATOR else 403,
                    "toggle": 302 if who in PLANNERS else 403,
                    "feed": 302,  # every team member may get a calendar address
                    "delete": 302 if who in PLANNERS else 403}
    assert actual == expected


def test_guessing_ids_under_another_organisation_gives_404(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["outsider"].user)
    urls = _urls(world, world["b"].slug)
    for page in ("session", "session_pdf", "routine", "own_werkvorm", "own_werkvorm_edit"):
        assert client.get(urls[page]).status_code in (403, 404), page
        if page != "own_werkvorm_edit":
            assert client.get(urls[page]).status_code == 404, page
    feed = f"/o/{world['b'].slug}/toolbox/teamroutines/agenda/{world['routine'].unit_id}/"
    assert client.post(feed).status_code == 404


def test_public_pages_are_open_to_everyone(client: Any, world: dict[str, Any]) -> None:
    for path in ("/o/{slug}/toolbox/publiek/begrippen/", "/o/{slug}/toolbox/publiek/vragen/"):
        assert client.get(path.format(slug=world["a"].slug)).status_code == 200
