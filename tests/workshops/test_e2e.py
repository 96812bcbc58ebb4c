"""The whole path in a real browser (issue 16, "done when"): the coordinator builds a pool with
four facilitators, makes an offer and two sessions and assigns a duo (the same-profile warning
shows); eight members hold a seat, a ninth goes on the waiting list and moves up when one cancels;
the facilitator refers a participant during the session; participants evaluate; the coordinator
sees the figures with the session of three evaluations hidden; then edits a facilitator's profile,
deactivates another, and moves and cancels a session (each after its confirmation page, the
participants mailed with the calendar update). Facilitators are found with the person search. Every
page is checked with axe,
all rules including best practices; screenshots at 1280 and 390 px in var/screenshots/workshops/.
Seven of the eight seats and most evaluations are made through the services (the same code the
pages call) to keep the test's logins few."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from support.browser import check_at_both_widths
from support.people import make_member, make_unit
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role
from vangnet.workshops import services
from vangnet.workshops.models import Offer, Registration, Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def _check(page: Any, name: str) -> None:
    check_at_both_widths(page, "workshops", name)


def _as(page: Any, login: Any, email: str) -> None:
    """The shared login (tests/conftest.py → support.browser.login): a fresh TOTP step each time."""
    page.context.clear_cookies()
    login(email)
    assert "/accounts/" not in page.url, page.url


@pytest.fixture
def people(live_server: Any, organisation: Any) -> dict[str, Any]:
    from vangnet.toolbox import services as toolbox_services

    toolbox_services.builtin_content_load()
    team = make_unit(organisation, "Team Jeugd")
    ict = make_unit(organisation, "Team ICT")
    facilitators = [
        make_member(organisation, Role.EMPLOYEE, Role.FACILITATOR, unit=ict, email=f"f{i}@example.org",
                    name=name)
        for i, name in enumerate(["Lieke Lijn", "Lars Lijn", "Bea Begeleider", "Bram Begeleider"])]
    members = [make_member(organisation, Role.EMPLOYEE, unit=team, email=f"m{i}@example.org",
                           name=f"Deelnemer {i}") for i in range(12)]
    return {"org": organisation, "facilitators": facilitators, "members": members,
            "coordinator": make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                                       email="coordinator@example.org", name="Cora Coördinator"),
            "advisor": make_member(organisation, Role.ADVISOR, email="vp@example.org",
                                   name="Vera Vertrouwenspersoon")}


def test_the_whole_workshop_path(page: Any, login: Any, people: dict[str, Any]) -> None:
    base = f"/o/{people['org'].slug}/workshops"

    # 1. The coordinator builds a pool with four facilitators.
    _as(page, login, "coordinator@example.org")
    page.goto(f"{base}/pools/")
    _check(page, "pools-empty")
    page.get_by_label("Naam van de pool").fill("Gespreksbegeleiders")
    page.get_by_role("button", name="Pool maken").click()
    page.wait_for_selector("h1:has-text('Gespreksbegeleiders')")
    pool_url = page.url
    for name, line in (("Lieke Lijn", True), ("Lars Lijn", True), ("Bea Begeleider", False),
                       ("Bram Begeleider", False)):
        # A search, not a list of everyone: only people with the facilitator role are found.
        page.get_by_label("Zoek een persoon").fill(name.split()[0])
        page.get_by_role("button", name="Zoeken").click()
        page.wait_for_selector(f"#id_persoon[value='{name.split()[0]}']")
        page.get_by_label(f"{name} ({people['org'].name})").check()
        page.get_by_label("Heeft ervaring als leidinggevende (lijn)").set_checked(line)
        page.get_by_label("Heeft ervaring als gespreksbegeleider").set_checked(not line)
        page.get_by_label("Training afgerond op").fill("2026-03-01")
        page.get_by_role("button", name="Aan de pool toevoegen").click()
        page.wait_for_selector(f"td:has-text('{name}')")
    assert page.locator("text=4 begeleiders, 4 getraind").count() == 1
    _check(page, "pool")

    # 2. An offer and two sessions.
    page.get_by_role("link", name="Nieuw aanbod").click()
    page.wait_for_selector("h1:has-text('Nieuw aanbod')")
    _check(page, "offer-new")
    page.get_by_label("Titel").fill("Samen veilig werken")
    page.get_by_label("Doelgroep").select_option("employees")
    page.get_by_label("Vorm").select_option("online")
    page.get_by_label("Opening", exact=True).fill("Welkom, we stellen ons voor.")
    page.get_by_label("Afspraken over vertrouwelijkheid").fill("Wat hier gezegd wordt, blijft hier.")
    page.get_by_label("Afsluiting").fill("Wat neem je mee?")
    page.get_by_role("button", name="Aanbod opslaan").click()
    page.wait_for_selector("h1:has-text('Samen veilig werken')")
    offer_url = page.url
    _check(page, "offer")
    for day in ("2030-01-15T10:00", "2030-01-22T10:00"):
        page.goto(offer_url)
        page.get_by_label("Datum en tijd").fill(day)
        page.get_by_label("Videolink").fill("https://video.example.org/sessie")
        page.get_by_role("button", name="Sessie plannen").click()
        page.wait_for_selector("h1:has-text('Duo toewijzen')")
        # Two facilitators with line experience: the warning shows and nothing is written yet.
        page.get_by_label("Eerste begeleider").select_option(label="Lieke Lijn (lijn)")
        page.get_by_label("Tweede begeleider").select_option(label="Lars Lijn (lijn)")
        page.get_by_role("button", name="Toewijzen").click()
        page.wait_for_selector("#duo-warnings:has-text('hetzelfde profiel')")
        if day.startswith("2030-01-15"):
            _check(page, "duo-warning")
        page.get_by_label("Tweede begeleider").select_option(label="Bram Begeleider (begeleiding)")
        page.get_by_role("button", name="Dit duo bevestigen").click()
        page.wait_for_selector("text=Het duo is toegewezen.")
    first, second = Session.objects.order_by("starts_at")
    assert first.facilitator_b.membership.user.full_name == "Bram Begeleider"

    # 3. Seven seats are taken; the eighth and ninth member register in the browser.
    members = people["members"]
    for member in members[:7]:
        services.register(actor=actor_for(member), session=first)
    _as(page, login, "m7@example.org")
    page.goto(f"{base}/")
    _check(page, "home")
    page.get_by_role("link", name="Samen veilig werken").first.click()
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_selector("text=Je bent aangemeld. Zet de sessie in je agenda.")
    _check(page, "session-registered")
    _as(page, login, "m8@example.org")
    page.goto(f"{base}/sessie/{first.pk}/")
    page.get_by_role("button", name="Op de wachtlijst zetten").click()
    page.wait_for_selector("text=Je staat op plek 1 van de wachtlijst.")
    _check(page, "session-waiting")
    _as(page, login, "m7@example.org")
    page.goto(f"{base}/sessie/{first.pk}/")
    page.get_by_role("button", name="Mijn aanmelding intrekken").click()
    page.wait_for_selector("text=Je hebt je aanmelding ingetrokken.")
    _as(page, login, "m8@example.org")
    page.goto(f"{base}/sessie/{first.pk}/")
    page.wait_for_selector("text=Je bent aangemeld.")
    assert Registration.objects.filter(session=first, status="registered").count() == 8

    # 4. During the session the facilitator refers a participant, then marks it held.
    _as(page, login, "f3@example.org")
    page.goto(f"{base}/sessie/{first.pk}/")
    page.wait_for_selector("text=Deelnemer 8")
    _check(page, "session-duo")
    page.get_by_role("link", name="Iemand doorverwijzen").click()
    page.wait_for_selector("text=Vera Vertrouwenspersoon")
    _check(page, "refer")
    page.get_by_role("button", name="Er is doorverwezen").click()
    page.wait_for_selector("text=Alleen het feit dat er is doorverwezen wordt bewaard.")
    page.get_by_role("button", name="De sessie is gehouden").click()
    page.wait_for_selector("text=De sessie staat als gehouden.")

    # 5. Participants evaluate: one in the browser, five more through the service; the second
    # session is held with three participants who all evaluate.
    _as(page, login, "m8@example.org")
    page.goto(f"{base}/sessie/{first.pk}/")
    for question in ("De workshop was nuttig voor mijn werk", "Ik voelde me veilig om te zeggen wat ik denk",
                     "De begeleiders leidden het gesprek goed"):
        page.get_by_role("group", name=question).get_by_label("4").check()
    _check(page, "evaluate")
    page.get_by_role("button", name="Mijn evaluatie versturen").click()
    page.wait_for_selector("text=Dank je wel voor je evaluatie. Die is anoniem.")
    first.refresh_from_db()
    for member in members[:5]:
        services.evaluate(actor=actor_for(member), session=first, useful=5, safe=4, facilitation=5)
    for member in members[9:12]:
        services.register(actor=actor_for(member), session=second)
    Session.objects.filter(pk=second.pk).update(status="held")
    second.refresh_from_db()
    for member in members[9:12]:
        services.evaluate(actor=actor_for(member), session=second, useful=1, safe=1, facilitation=1)

    # 6. The coordinator sees the figures: the session of three evaluations is hidden.
    _as(page, login, "coordinator@example.org")
    page.goto(pool_url)
    page.get_by_role("link", name="Cijfers").click()
    page.wait_for_selector("h1:has-text('Cijfers over workshops')")
    rows = page.locator("table:has(caption:has-text('Evaluaties per sessie')) tbody tr")
    assert rows.count() == 2
    assert "verborgen: te weinig antwoorden" in rows.nth(1).inner_text()
    assert "< 5" in rows.nth(1).inner_text() and "6" in rows.nth(0).inner_text()
    assert Offer.objects.count() == 1
    _check(page, "figures")

    # 7. The coordinator edits a profile and deactivates a facilitator, then moves a session and
    # cancels it, each after a confirmation page; the participants get the calendar updates.
    page.goto(pool_url)
    page.get_by_role("link", name="Lieke Lijn").click()
    page.wait_for_selector("h1:has-text('Lieke Lijn')")
    _check(page, "facilitator")
    page.get_by_label("Beschikbaarheid").fill("dinsdagochtend")
    page.get_by_role("button", name="Profiel opslaan").click()
    page.wait_for_selector("text=Het profiel is opgeslagen.")
    page.get_by_role("link", name="Lars Lijn").click()
    page.get_by_role("button", name="Deze begeleider deactiveren").click()
    page.wait_for_selector("text=De begeleider is gedeactiveerd")
    _check(page, "facilitator-deactivated")
    third = services.session_create(actor=actor_for(people["coordinator"]), offer=first.offer,
                                    starts_at=first.starts_at + timedelta(days=60),
                                    video_link="https://video.example.org/derde")
    for member in members[:2]:
        services.register(actor=actor_for(member), session=third)
    mail.outbox.clear()
    page.goto(offer_url)
    page.get_by_role("link", name=re.compile("^verplaatsen")).first.click()
    page.wait_for_selector("h1:has-text('Sessie verplaatsen')")
    _check(page, "move")
    page.get_by_label("Datum en tijd").fill("2030-04-02T14:00")
    page.get_by_role("button", name="Volgende: de wijziging controleren").click()
    page.wait_for_selector("#move-confirm")
    _check(page, "move-confirm")
    page.get_by_role("button", name="Ja, verplaats deze sessie").click()
    page.wait_for_selector("text=De sessie is verplaatst.")
    moved = [m for m in mail.outbox if m.attachments]
    assert sorted(a for m in moved for a in m.to) == ["m0@example.org", "m1@example.org"]
    assert "SEQUENCE:1" in moved[0].attachments[0][1]
    mail.outbox.clear()
    page.get_by_role("link", name=re.compile("^annuleren")).first.click()
    page.wait_for_selector("h1:has-text('Sessie annuleren')")
    _check(page, "cancel")
    page.get_by_role("button", name="Ja, annuleer deze sessie").click()
    page.wait_for_selector("text=De sessie is geannuleerd.")
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]
    assert Session.objects.get(pk=third.pk).status == "cancelled"
