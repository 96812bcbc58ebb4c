"""In a real browser: a manager starts a quickscan round for their own unit, invites its members,
and reaches the confirmation before closing; axe with every rule on each page (issue 14)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.browser import assert_accessible
from support.people import make_member, make_unit
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.quickscan.models import RespondentToken, Round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_runs_a_round_for_their_unit(page: Any, login: Any, live_server: Any,
                                               organisation: Any) -> None:
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, email="manager@example.org")
    zorg = make_unit(organisation, "Zorg", managers=[manager])
    noord = make_unit(organisation, "Team Noord", parent=zorg)
    make_unit(organisation, "Facilitair")
    inside = [make_member(organisation, unit=noord) for _ in range(3)]
    make_member(organisation, unit=None)  # outside the unit: never invited
    Membership.objects.filter(organisation=organisation).update(
        created_at=timezone.now() - timedelta(days=1))
    slug = organisation.slug
    login(manager.user.email)
    page.goto(f"/o/{slug}/quickscan/")
    assert_accessible(page)
    unit = page.get_by_label("Voor wie?")
    assert unit.locator("option").all_inner_texts() == ["Zorg", "— Team Noord"]
    page.fill("input[name=title]", "Quickscan Zorg")
    unit.select_option(label="Zorg")
    for name in ("Leidinggevenden en directie", "Medewerkers"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Start de ronde").click()
    page.wait_for_url(re.compile(r"/quickscan/rondes/\d+/$"))
    assert_accessible(page)
    main = page.locator("main").inner_text()
    assert "Zorg en de afdelingen en teams eronder" in main
    # Accepting the risk of shared links is the organisation's (the coordinator's), not theirs.
    assert page.get_by_role("link", name=re.compile("risico", re.IGNORECASE)).count() == 0

    section = page.locator("section.qs-group-links", has=page.get_by_role(
        "heading", name="Medewerkers", exact=True))
    section.get_by_label(re.compile("Iedereen in deze afdeling")).check()
    section.get_by_role("button", name=re.compile("Persoonlijke links versturen")).click()
    page.wait_for_url(re.compile(r"/quickscan/rondes/\d+/$"))
    round_ = Round.objects.get()
    invited = set(RespondentToken.objects.filter(round=round_).values_list("membership_id",
                                                                           flat=True))
    assert invited == {m.pk for m in inside}  # the manager is in no unit; the outsider neither

    page.get_by_role("link", name=re.compile("Sluit de ronde")).click()
    page.wait_for_url(re.compile(r"/sluiten/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Ja, sluit de ronde").click()
    page.wait_for_url(re.compile(r"/rapport/$"))
    assert_accessible(page)
    assert "Zorg en de afdelingen en teams eronder" in page.locator("main").inner_text()


def test_the_coordinator_names_the_organisations_groups(page: Any, login: Any, live_server: Any,
                                                        organisation: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                              email="coordinator@example.org")
    slug = organisation.slug
    login(coordinator.user.email)
    page.goto(f"/o/{slug}/quickscan/")
    page.get_by_role("link", name="Groepen die meedoen").click()
    page.wait_for_url(re.compile(r"/quickscan/groepen/$"))
    assert_accessible(page)
    section = page.locator("section", has=page.get_by_role("heading", name="Medewerkers",
                                                           exact=True))
    section.get_by_label("Naam").fill("Zorgmedewerkers")
    section.get_by_role("button", name=re.compile("Naam opslaan")).click()
    page.wait_for_url(re.compile(r"/quickscan/groepen/$"))
    assert page.get_by_role("heading", name="Zorgmedewerkers", exact=True).count() == 1
    # A name already in use: an accessible error on the form, nothing saved.
    new = page.locator("section", has=page.get_by_role("heading", name="Een eigen groep toevoegen"))
    new.get_by_label("Naam").fill("zorgmedewerkers")
    new.get_by_role("button", name="Groep toevoegen").click()
    page.wait_for_load_state()
    assert "al deze naam" in page.locator("main").inner_text()
    assert_accessible(page)
    new = page.locator("section", has=page.get_by_role("heading", name="Een eigen groep toevoegen"))
    new.get_by_label("Naam").fill("Vrijwilligers")
    new.get_by_role("button", name="Groep toevoegen").click()
    page.wait_for_url(re.compile(r"/quickscan/groepen/$"))
    page.goto(f"/o/{slug}/quickscan/")
    assert page.get_by_label("Vrijwilligers").count() == 1
    assert page.get_by_label("Zorgmedewerkers").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/o/{slug}/quickscan/groepen/")
    assert_accessible(page)
