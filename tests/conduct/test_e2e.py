"""The whole path in a real browser (issue 15, "done when"): the coordinator makes a code from the
model, the works council's consent is recorded, the code is published and an employee acknowledges
it; a new colleague is invited and walks the welcome path; a manager writes two agreements from a
toolbox session, which the team page shows; the yearly review reminder arrives (time moved
forward) and is completed. Every page is checked with axe, all rules including best practices;
screenshots at 1280 and 390 px go to var/screenshots/conduct/."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from support.browser import check_at_both_widths
from support.people import make_member, make_unit
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role
from vangnet.reporting.services import advisor_profile_save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def _check(page: Any, name: str) -> None:
    check_at_both_widths(page, "conduct", name)


def _logout(page: Any) -> None:
    page.context.clear_cookies()


def _login_as(page: Any, login: Any, email: str) -> None:
    """The shared login (tests/conftest.py → support.browser.login): a fresh TOTP step each time."""
    login(email)
    assert "/accounts/" not in page.url, page.url


def _link_in_last_mail(pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return found.group(0)
    raise AssertionError(f"no mail with {pattern!r}: {[m.subject for m in mail.outbox]}")


@pytest.fixture
def people(live_server: Any, organisation: Any) -> dict[str, Any]:
    from vangnet.toolbox import selectors as toolbox_selectors
    from vangnet.toolbox import services as toolbox_services

    toolbox_services.builtin_content_load()
    unit = make_unit(organisation, "Team Jeugd")
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, unit=unit,
                          email="leider@example.org", name="Marco Leider")
    unit.managers.add(manager)
    session = toolbox_services.session_create(
        actor=actor_for(manager), unit=unit, title="Teamsessie omgangsvormen",
        werkvormen=toolbox_selectors.werkvormen_by_slugs(organisation.pk, ["gedragscode-bespreken"]))
    return {
        "org": organisation, "unit": unit, "manager": manager, "session": session,
        "coordinator": make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                                   email="coordinator@example.org", name="Cora Coördinator"),
        "works_council": make_member(organisation, Role.EMPLOYEE, Role.WORKS_COUNCIL,
                                     email="or@example.org", name="Otto OR"),
        "employee": make_member(organisation, Role.EMPLOYEE, unit=unit, email="eva@example.org",
                                name="Eva Medewerker"),
        "advisor": _advisor_with_profile(organisation),
    }


def _advisor_with_profile(organisation: Any) -> Any:
    """The welcome path shows the advisor's profile as the reporting route does."""
    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org",
                          name="Vera Vertrouwenspersoon")
    advisor_profile_save(actor=actor_for(advisor), introduction="Ik luister, zonder oordeel.",
                         how_to_reach="Bel of app 06 12345678", availability="ma t/m do",
                         is_listed=True)
    return advisor


def test_the_whole_conduct_path(page: Any, login: Any, people: dict[str, Any]) -> None:
    slug = people["org"].slug
    base = f"/o/{slug}"

    # 1. The coordinator asks for the works council's consent and starts from the model code.
    _login_as(page, login, "coordinator@example.org")
    page.goto(f"{base}/")
    page.get_by_role("link", name="De gedragscode beheren").first.click()
    page.wait_for_url(f"**{base}/gedragscode/beheer/")
    _check(page, "manage-empty")
    page.get_by_label("Een versie kan pas worden gepubliceerd na instemming van de OR").check()
    page.get_by_role("button", name="Instellingen opslaan").click()
    page.wait_for_selector("text=De instellingen zijn opgeslagen.")
    page.get_by_role("button", name="Begin met de modelcode van Vangnet").click()
    page.wait_for_selector("h1:has-text('Onze gedragscode 1.0')")
    version_url = page.url
    assert page.get_by_role("button", name="Deze versie publiceren").count() == 0
    _check(page, "version-draft")
    _logout(page)

    # 2. The works council records its consent.
    _login_as(page, login, "or@example.org")
    page.goto(version_url)
    page.get_by_label("Datum van de instemming van de OR").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Instemming vastleggen").click()
    page.wait_for_selector("text=De instemming van de OR is vastgelegd.")
    _logout(page)

    # 3. The coordinator publishes.
    _login_as(page, login, "coordinator@example.org")
    page.goto(version_url)
    page.get_by_role("button", name="Deze versie publiceren").click()
    page.wait_for_selector("text=Versie 1.0 is nu de gepubliceerde code.")
    _logout(page)

    # 4. An employee finds the code in one click from home and acknowledges it.
    _login_as(page, login, "eva@example.org")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Onze gedragscode").first.click()
    page.wait_for_selector("h2:has-text('Wat hier niet kan')")
    _check(page, "code")
    page.get_by_role("button", name="Ik heb de code gelezen en begrepen").click()
    page.wait_for_selector("text=Je hebt deze code bevestigd. Dank je wel.")
    _logout(page)

    # 5. A new colleague is invited, accepts and walks the welcome path.
    _login_as(page, login, "coordinator@example.org")
    page.goto(f"{base}/beheer/uitnodigingen/")
    page.get_by_label("E-mailadres").fill("nina@example.org")
    page.locator("input[name=full_name]").fill("Nina Nieuw")
    page.locator("select[name=unit]").select_option(label="Team Jeugd")
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging versturen").click()
    invitation = _link_in_last_mail(r"/o/[^\s]+/uitnodiging/[^\s]+/")
    _logout(page)
    page.goto(invitation)
    page.get_by_label("Je naam").fill("Nina Nieuw")
    page.get_by_label("Kies een wachtwoord").fill("Correct-horse-battery-9")
    page.get_by_label("Wachtwoord nog een keer").fill("Correct-horse-battery-9")
    with page.expect_navigation():
        page.get_by_role("button", name="Maak mijn account").click()
    assert "/accounts/login/" in page.url
    _login_as(page, login, "nina@example.org")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Welkom").first.click()
    page.wait_for_selector("text=Vera Vertrouwenspersoon")
    page.wait_for_selector("text=Ik luister, zonder oordeel.")
    _check(page, "welcome")
    for button in ("Ik weet wie het zijn", "Ik heb de route gezien", "Ik heb ze gelezen"):
        page.get_by_role("button", name=button).click()
        page.wait_for_selector(f"button:has-text('{button}')", state="detached")
    page.get_by_role("link", name="Lees en bevestig de code").click()
    page.get_by_role("button", name="Ik heb de code gelezen en begrepen").click()
    page.wait_for_selector("text=Je hebt deze code bevestigd. Dank je wel.")
    page.goto(f"{base}/welkom/")
    assert page.locator("text=Klaar.").count() == 4
    _logout(page)

    # 6. The manager sets a buddy and writes two agreements from the toolbox session.
    _login_as(page, login, "leider@example.org")
    page.goto(f"{base}/welkom/nieuwe-collegas/")
    page.get_by_role("link", name="Nina Nieuw").click()
    page.get_by_label("Buddy").select_option(label="Eva Medewerker")
    page.get_by_role("button", name="Buddy opslaan").click()
    page.wait_for_selector("text=De buddy is opgeslagen.")
    _check(page, "welcome-path")
    page.goto(f"{base}/toolbox/sessies/{people['session'].pk}/")
    page.get_by_role("link", name="Schrijf de afspraken op die het team in deze sessie maakte").click()
    page.get_by_label("Afspraken, één per regel").fill(
        "Als een grap te ver gaat, zeggen we dat meteen\nWe geven feedback onder vier ogen")
    _check(page, "session-agreements")
    page.get_by_role("button", name="Afspraken opslaan").click()
    page.wait_for_selector("text=De afspraken van deze sessie zijn opgeslagen.")
    assert page.locator("li:has-text('Als een grap te ver gaat, zeggen we dat meteen')").count() == 1
    assert page.locator("li:has-text('We geven feedback onder vier ogen')").count() == 1
    _check(page, "team")
    _logout(page)

    # 7. A year later the review reminder arrives; the coordinator completes the review.
    from vangnet.conduct.services import daily

    mail.outbox.clear()
    assert daily(now=timezone.now() + timedelta(days=366))["review_reminders"] == 1
    review_link = _link_in_last_mail(r"/o/[^\s]+/gedragscode/jaarlijkse-review/\d+/")
    _login_as(page, login, "coordinator@example.org")
    page.goto(review_link)
    _check(page, "review")
    page.get_by_label("We hebben de teams gevraagd wat werkt en wat niet").check()
    page.get_by_label("Bekeken, ongewijzigd").check()
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    page.wait_for_selector("text=De jaarlijkse evaluatie is vastgelegd.")
    page.goto(f"{base}/gedragscode/cijfers/")
    _check(page, "figures")
    page.goto(f"{base}/gedragscode/beheer/")
    _check(page, "manage")
