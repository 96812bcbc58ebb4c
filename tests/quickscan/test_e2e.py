"""The issue's acceptance flow in a real browser, with axe on every quickscan page.

A coordinator starts a round with three groups and chooses per group who gets a personal link (by
role, by unit); Vangnet e-mails each member their own link and the coordinator never sees one.
Respondents answer through their links (the works council stays under the threshold), one more
through the shared link, the coordinator closes the round, and the report shows pillar scores,
gaps and priorities with werkvormen, how the answers came in, and no figure for the small group
anywhere: page, PDF (text extracted with pypdf), CSV and API. Then the coordinator records the
accepted risk of shared links, which the report shows.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from support.browser import assert_accessible
from support.people import make_member, make_unit
from vangnet.organisations.roles import Role
from vangnet.quickscan.content import instrument
from vangnet.quickscan.forms import field_name

from .conftest import answer_all, links_in_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OR_NAME = "Ondernemingsraad of personeelsvertegenwoordiging"


def _visit(page: Any, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, path
    assert_accessible(page)


def _invite(page: Any, group_name: str, option: str) -> None:
    """Tick one unit or role in the group's section and send; the links go out by e-mail."""
    section = page.locator("section.qs-group-links", has=page.get_by_role(
        "heading", name=group_name, exact=True))
    section.get_by_label(option, exact=True).check()
    section.get_by_role("button", name=re.compile("Persoonlijke links versturen")).click()
    page.wait_for_load_state()
    assert "persoonlijke link per e-mail" in page.locator(".utrecht-alert--ok").inner_text()
    assert "/quickscan/invullen/" not in page.content()  # the coordinator never sees a link


def _answer_in_browser(page: Any, link: str, value: int, check_pages: bool) -> None:
    page.goto(link)
    if check_pages:
        assert_accessible(page)
    page.get_by_role("link", name="Beginnen").click()
    for step, pillar in enumerate(instrument().pillars, start=1):
        statements = instrument().statements_of(pillar.number)
        if check_pages and step == 1:
            # An incomplete part: errors are shown, accessibly, and nothing is lost.
            page.locator(f"input[name='{field_name(statements[0].code)}'][value='{value}']").check()
            page.get_by_role("button", name="Opslaan en verder").click()
            page.wait_for_load_state()
            assert page.locator(".utrecht-form-field-error-message").count() == len(statements) - 1
            assert page.locator(
                f"input[name='{field_name(statements[0].code)}'][value='{value}']").is_checked()
            assert_accessible(page)
        for statement in statements:
            # As positive as `value`: reverse-keyed statements are answered turned round.
            page.locator(f"input[name='{field_name(statement.code)}']"
                         f"[value='{statement.keyed(value)}']").check()
        if check_pages and step == 2:
            assert_accessible(page)
        page.get_by_role("button", name=re.compile("Opslaan en (verder|controleren)")).click()
        page.wait_for_load_state()
    if check_pages:
        assert_accessible(page)  # check-and-send page
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Bedankt").is_visible()
    if check_pages:
        assert_accessible(page)
        _visit(page, link, status=404)  # the spent link


def test_quickscan_acceptance_flow(page: Any, login: Any, live_server: Any,
                                   organisation: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                              email="coordinator@example.org")
    council = make_member(organisation, Role.EMPLOYEE, Role.WORKS_COUNCIL,
                          email="or@example.org")
    council_members = [council, make_member(organisation, Role.EMPLOYEE, Role.WORKS_COUNCIL)]
    managers = [make_member(organisation, Role.EMPLOYEE, Role.MANAGER) for _ in range(5)]
    south = make_unit(organisation, "Team Zuid")
    staff = [make_member(organisation, Role.EMPLOYEE, unit=south) for _ in range(6)]
    slug = organisation.slug
    login(coordinator.user.email)
    mail.outbox.clear()  # the coordinator's own notice of their new roles
    _visit(page, f"/o/{slug}/quickscan/")

    # Start a round with three groups (first an invalid attempt: no groups).
    page.fill("input[name=title]", "Quickscan voorjaar")
    page.get_by_role("button", name="Start de ronde").click()
    page.wait_for_load_state()
    assert page.locator(".utrecht-alert--error").count() >= 1
    assert page.locator("input[name=title]").input_value() == "Quickscan voorjaar"
    assert_accessible(page)
    for name in ("Leidinggevenden en directie", OR_NAME, "Medewerkers"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Start de ronde").click()
    page.wait_for_load_state()
    assert_accessible(page)
    round_url = page.url

    # Asking for links without saying for whom: an accessible error, nothing sent.
    page.locator("section.qs-group-links").first.get_by_role(
        "button", name=re.compile("Persoonlijke links versturen")).click()
    page.wait_for_load_state()
    assert page.locator(".utrecht-alert--error").count() >= 1
    assert mail.outbox == []
    assert_accessible(page)
    page.goto(round_url)
    _invite(page, "Leidinggevenden en directie", "Leidinggevende")
    _invite(page, "Medewerkers", "Team Zuid")
    _invite(page, OR_NAME, "OR-lid")
    assert_accessible(page)
    links = links_in_mail(mail.outbox)
    management = [links[m.user.email] for m in managers]
    employees = [links[m.user.email] for m in staff]
    council_links = [links[m.user.email] for m in council_members]
    assert coordinator.user.email not in links and len(links) == 13

    # Respondents answer through their links: a few in this browser (with axe on their pages),
    # the rest with a plain HTTP client against the same server.
    other = page.context.browser.new_context(base_url=live_server.url, bypass_csp=True,
                                             locale="nl-NL")
    respondent = other.new_page()
    _answer_in_browser(respondent, management[0], 5, check_pages=True)
    _answer_in_browser(respondent, council_links[0], 1, check_pages=False)
    other.close()
    for link in management[1:]:
        answer_all(Client(), link, default=5)
    for link in employees:
        answer_all(Client(), link, default=2)
    answer_all(Client(), council_links[1], default=1)

    # A shared link's pages are accessible too.
    page.goto(round_url)
    page.locator("section.qs-group-links", has=page.get_by_role(
        "heading", name="Medewerkers", exact=True)).get_by_role(
        "button", name=re.compile("gedeelde link")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    shared = re.sub(r"^https?://[^/]+", "", page.locator(".qs-shared-link code").inner_text())
    guest = page.context.browser.new_context(base_url=live_server.url, bypass_csp=True,
                                             locale="nl-NL").new_page()
    _visit(guest, shared)
    guest.get_by_role("button", name="Beginnen").click()
    guest.wait_for_load_state()
    assert_accessible(guest)
    guest.get_by_role("button", name="Opslaan en later verder").click()
    guest.wait_for_load_state()
    assert_accessible(guest)
    # Continue later in the same browser, send, and come back: "already sent".
    guest.goto(shared)
    guest.get_by_role("button", name="Verder waar ik was").click()
    for pillar in instrument().pillars:
        for statement in instrument().statements_of(pillar.number):
            guest.locator(f"input[name='{field_name(statement.code)}']"
                          f"[value='{statement.keyed(2)}']").check()
        guest.get_by_role("button", name=re.compile("Opslaan en (verder|controleren)")).click()
        guest.wait_for_load_state()
    guest.get_by_role("button", name="Mijn antwoorden versturen").click()
    guest.wait_for_load_state()
    _visit(guest, shared)
    assert "al antwoorden verstuurd" in guest.locator("main").inner_text()
    _visit(guest, f"/o/{slug}/quickscan/invullen/bestaat-niet/", status=404)
    guest.context.close()

    # While the round runs the coordinator sees counts only; then closes it.
    _visit(page, round_url)
    assert page.locator("tfoot td").nth(0).inner_text() == "13"  # members with a link
    assert page.locator("tfoot td").nth(1).inner_text() == "14"  # responses, 1 through shared
    row = page.locator("table.qs-counts tbody tr", has_text="Medewerkers").inner_text()
    assert row.split("\t")[1:4] == ["6", "7", "1"]
    # Closing takes two steps: a page that says what closing does, then the confirmation.
    page.get_by_role("link", name=re.compile("Sluit de ronde")).click()
    page.wait_for_url(re.compile(r"/sluiten/$"))
    assert_accessible(page)
    confirm = page.locator("main").inner_text()
    assert "14 mensen" in confirm and "niet ongedaan maken" in confirm
    assert "werkt niet meer" in confirm and OR_NAME in confirm  # 2 answers: below the threshold
    page.get_by_role("link", name="Nee, laat hem open").click()
    page.wait_for_url(round_url)
    page.get_by_role("link", name=re.compile("Sluit de ronde")).click()
    page.get_by_role("button", name="Ja, sluit de ronde").click()
    page.wait_for_url(re.compile(r"/rapport/$"))
    assert_accessible(page)

    content = page.locator("main").inner_text()
    # Pillar scores: everyone (5·100 + 7·25) / 12 = 56; management 100; employees 25.
    pillar_table = page.get_by_role("table", name="Score per pijler (0–100)")
    first_row = pillar_table.locator("tbody tr").first.inner_text()
    assert "56" in first_row and "100" in first_row and "25" in first_row
    # Gaps and priorities with werkvormen.
    assert page.locator("table.qs-gaps tbody tr").count() >= 4
    assert "75" in page.locator("table.qs-gaps").inner_text()
    assert page.locator(".qs-priority").count() == 5
    assert "Wie doet wat? Rollen helder maken" in content
    # The works council: named as "not shown" and counted as "< 5", no figure anywhere.
    assert content.count(OR_NAME) == 2
    assert OR_NAME in page.locator(".qs-hidden-groups").inner_text()
    intake = page.get_by_role("table", name="Hoe de antwoorden binnenkwamen")
    assert "Medewerkers\t7\t1\tgetoond" in intake.inner_text()
    assert f"{OR_NAME}\t< 5\t< 5\tniet getoond" in intake.inner_text()
    # Charts are inline SVG without <style> (CSP style-src 'self') and with a data table.
    svg = page.locator("figure.vn-chart svg").evaluate("e => e.outerHTML")
    assert "<style" not in svg and "style=" not in svg

    report_url = page.url
    pdf = page.request.get(report_url.replace("/rapport/", "/rapport.pdf"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "56" in text and "Wie doet wat" in text
    assert text.count("Ondernemingsraad") == 2
    csv_text = page.request.get(report_url.replace("/rapport/", "/rapport.csv")).text()
    assert all(line.endswith(("< 5,niet getoond: te weinig antwoorden", "< 5,"))
               for line in csv_text.splitlines() if "Ondernemingsraad" in line)
    round_id = report_url.rstrip("/").split("/")[-2]
    api = page.request.get(f"/api/v1/quickscan/rounds/{round_id}/results").json()
    assert [g["key"] for g in api["groups"]] == ["management", "employees"]
    assert "or" not in str([p["by_group"] for p in api["pillars"]])

    # One click: a priority becomes an action; the action plan shows it.
    page.locator(".qs-priority").first.get_by_role("button").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("table.vn-table tbody tr").count() == 1

    # The organisation accepts the risk of shared links in writing; the report says so.
    _visit(page, report_url.replace("/rapport/", "/risico-gedeelde-links/"))
    page.get_by_role("button", name="Geaccepteerd risico vastleggen").click()
    page.wait_for_load_state()
    assert page.locator(".utrecht-form-field-error-message").count() >= 2
    assert_accessible(page)
    page.get_by_label("Waarom neem je dit risico?").fill(
        "Een deel van de medewerkers heeft geen eigen e-mailadres.")
    page.get_by_label(re.compile("Ik heb deze tekst gelezen")).check()
    page.get_by_role("button", name="Geaccepteerd risico vastleggen").click()
    page.wait_for_load_state()
    assert "/rapport/" in page.url
    assert "geen eigen e-mailadres" in page.locator(".qs-risk-accepted").inner_text()
    assert_accessible(page)

    # The works council reads the closed round's report (read-only).
    page.context.clear_cookies()
    login(council.user.email)
    _visit(page, report_url)
    assert page.locator(".qs-priority button").count() == 0
    _visit(page, f"/o/{slug}/quickscan/")
    _visit(page, f"/o/{slug}/quickscan/acties/")


def test_solo_round_and_no_csp_violation_on_the_report(page: Any, login: Any, live_server: Any,
                                                        browser: Any, organisation: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                              email="solo@example.org")
    slug = organisation.slug
    login(coordinator.user.email)
    page.goto(f"/o/{slug}/quickscan/")
    page.get_by_role("button", name="Alleen beginnen").click()
    page.wait_for_load_state()
    assert "/quickscan/invullen/" in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Beginnen").click()
    for pillar in instrument().pillars:
        for statement in instrument().statements_of(pillar.number):
            page.locator(f"input[name='{field_name(statement.code)}'][value='3']").check()
        page.get_by_role("button", name=re.compile("Opslaan en (verder|controleren)")).click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    page.wait_for_load_state()
    assert "/rapport/" in page.url
    assert page.locator(".qs-solo-note").is_visible()
    assert_accessible(page)
    report_url = page.url

    # The same report in a browser that enforces our CSP: no violation may be reported.
    strict = browser.new_context(base_url=live_server.url, locale="nl-NL")
    strict.add_cookies(page.context.cookies())
    strict_page = strict.new_page()
    problems: list[str] = []
    strict_page.on("console", lambda message: problems.append(message.text)
                   if "Content Security Policy" in message.text else None)
    strict_page.goto(report_url)
    strict_page.wait_for_load_state("networkidle")
    assert strict_page.locator("figure.vn-chart svg").count() == 1
    assert problems == []
    # The listener does catch a violation (so the empty list above means something).
    strict_page.evaluate(
        """() => document.body.insertAdjacentHTML('beforeend', '<div style="color: red">x</div>')""")
    strict_page.wait_for_timeout(300)
    assert problems
    strict.close()
