"""Every toolbox page type in a real browser, logged in, checked with axe (WCAG 2.1 AA)."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.utils import timezone

from support.browser import assert_accessible
from support.people import make_member, make_unit
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planned(live_server: Any, organisation: Any) -> dict[str, Any]:
    from vangnet.organisations.selectors import actor_for
    from vangnet.toolbox import selectors, services

    services.builtin_content_load()
    unit = make_unit(organisation, "Team Jeugd")
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=unit,
                          email="leider@example.org")
    unit.managers.add(manager)
    employee = make_member(organisation, Role.EMPLOYEE, unit=unit, email="medewerker@example.org")
    actor = actor_for(manager)
    session = services.session_create(
        actor=actor, unit=unit, title="Teamsessie",
        werkvormen=selectors.werkvormen_by_slugs(organisation.pk,
                                                 ["wekelijkse-check-in", "dilemma-bespreken"]))
    routine = services.routine_create(
        actor=actor, unit=unit,
        werkvorm=selectors.werkvormen_by_slugs(organisation.pk, ["wekelijkse-check-in"])[0],
        title="Check-in", frequency="weekly", starts_on=timezone.localdate(), time_of_day=time(9))
    return {"org": organisation.slug, "session": session.pk, "routine": routine.pk,
            "manager": manager.user.email, "employee": employee.user.email}


def _visit(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert_accessible(page)


def test_employee_pages_are_accessible(page: Any, login: Any, planned: dict[str, Any]) -> None:
    login(planned["employee"])
    base = f"/o/{planned['org']}/toolbox"
    for path in [f"{base}/", f"{base}/werkvormen/", f"{base}/werkvormen/?q=feedback&pillar=1",
                 f"{base}/werkvormen/wekelijkse-check-in/", f"{base}/dilemmas/",
                 f"{base}/dilemmas/grap-in-de-teamapp/", f"{base}/begrippen/", f"{base}/vragen/",
                 f"{base}/sessies/", f"{base}/sessies/{planned['session']}/",
                 f"{base}/teamroutines/", f"{base}/teamroutines/{planned['routine']}/"]:
        _visit(page, path)
    # Public pages (no login needed) as well.
    _visit(page, f"{base}/publiek/begrippen/")
    _visit(page, f"{base}/publiek/vragen/")


def test_manager_pages_and_flows_are_accessible(page: Any, login: Any,
                                                planned: dict[str, Any]) -> None:
    login(planned["manager"])
    base = f"/o/{planned['org']}/toolbox"
    _visit(page, f"{base}/sessies/{planned['session']}/")  # with the buttons to reorder
    page.locator("button[value=down]").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    _visit(page, f"{base}/sessies/nieuw/?pillar=1")
    # Submitting an invalid session shows errors that are accessible too.
    page.fill("input[name=title]", "Te kort")
    while page.locator("input[name=werkvormen]:checked").count():
        page.locator("input[name=werkvormen]:checked").first.uncheck()
    page.locator("input[name=werkvormen]").first.check()
    page.click("form.vn-panel button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".utrecht-alert--error").count() >= 1
    assert_accessible(page)
    _visit(page, f"{base}/teamroutines/nieuw/")
    # Get a calendar address; the page that shows it once is accessible.
    _visit(page, f"{base}/teamroutines/")
    page.locator("form[action*='/teamroutines/agenda/'] button").first.click()
    page.wait_for_load_state()
    assert ".ics" in page.input_value("#feed-url")
    assert_accessible(page)


def test_coordinator_catalogue_pages_are_accessible(page: Any, login: Any, planned: dict[str, Any],
                                                    organisation: Any) -> None:
    make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR, email="coordinator@example.org")
    login("coordinator@example.org")
    base = f"/o/{planned['org']}/toolbox"
    _visit(page, f"{base}/werkvormen/nieuw/")
    page.click("form.vn-panel button[type=submit]")  # empty form: errors, nothing lost
    page.wait_for_load_state()
    assert_accessible(page)
    _visit(page, f"{base}/werkvormen/?verborgen=1")
    _visit(page, f"{base}/werkvormen/werkdruk-check-in/")
