"""The coordinator sets up the route in a real browser, without JavaScript tricks; axe on each state."""

from __future__ import annotations

import os

import pytest

from support.browser import assert_accessible
from support.people import make_member, make_unit
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("VANGNET_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_coordinator_sets_up_the_route_and_a_unit_route(page, login, organisation, advisor) -> None:
    slug = organisation.slug
    make_member(organisation, Role.COORDINATOR, email="coord@example.org", name="Cor Coord")
    make_unit(organisation, "Team Zuid")
    login("coord@example.org")
    page.goto(f"/o/{slug}/meldingen/route/")
    assert_accessible(page)
    # Hide every step: a clear message, and what was typed is still there.
    page.fill("textarea[name=introduction]", "Bij ons kun je altijd terecht.")
    for checkbox in page.locator("input[name$=-is_enabled]").all():
        checkbox.uncheck()
    page.click("main form[method=post] button[type=submit]")
    assert "Toon minstens één stap" in page.content()
    assert page.input_value("textarea[name=introduction]") == "Bij ons kun je altijd terecht."
    assert_accessible(page)
    _shot(page, "route-error")
    # Now a real route: the advisor first, a new text, fewer outside bodies, one own contact.
    for checkbox in page.locator("input[name$=-is_enabled]").all():
        checkbox.check()
    page.uncheck("input[name=step-hr-is_enabled]")
    page.fill("input[name=step-advisor-position]", "1")
    page.fill("input[name=step-speak_up-position]", "2")
    page.fill("textarea[name=step-advisor-description]", "Anna luistert en denkt met je mee.")
    page.uncheck("input[name=step-external-external_bodies][value=politie]")
    page.fill("input[name=contact-0-name]", "Bedrijfsarts")
    page.fill("input[name=contact-0-phone]", "010 765 43 21")
    page.click("main form[method=post] button[type=submit]")
    assert "De meldroute is opgeslagen." in page.content()
    assert_accessible(page)
    _shot(page, "route-saved")
    page.goto(f"/o/{slug}/melden/")
    steps = page.locator(".vn-route__step h3").all_inner_texts()
    assert steps[0] == "Een vertrouwenspersoon" and "HR" not in steps
    assert "Anna luistert en denkt met je mee." in page.content()
    assert "Bedrijfsarts" in page.content() and "Politie" not in page.content()
    assert_accessible(page)
    # A unit gets its own route, starting from the one in force, and gives it up again.
    page.goto(f"/o/{slug}/meldingen/route/")
    page.select_option("select[name=eenheid]", label="Team Zuid")
    page.click("form.vn-unit-picker button[type=submit]")
    assert "volgt nu de route van de hele organisatie" in page.content()
    assert page.input_value("textarea[name=introduction]") == "Bij ons kun je altijd terecht."
    page.fill("textarea[name=introduction]", "Team Zuid heeft een eigen aanspreekpunt.")
    page.click("main form[method=post][enctype] button[type=submit]")
    assert page.locator("input[name=confirm]").count() == 1
    assert_accessible(page)
    _shot(page, "route-unit")
    page.check("input[name=confirm]")
    page.click("form[action$='eigen-route-weg/'] button[type=submit]")
    assert "volgt weer de route erboven" in page.content()
    assert page.input_value("textarea[name=introduction]") == "Bij ons kun je altijd terecht."
