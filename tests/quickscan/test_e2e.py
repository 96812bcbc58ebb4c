"""The issue's acceptance flow in a real browser, with axe on every quickscan page.

A coordinator starts a round with three groups, respondents answer through their links (the works
council stays under the threshold), the coordinator closes the round, and the report shows pillar
scores, gaps and priorities with werkvormen, and no figure for the small group anywhere: page, PDF
(text extracted with pypdf), CSV and API.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from support.browser import assert_accessible
from support.people import make_member
from vangnet.organisations.roles import Role
from vangnet.quickscan.content import instrument
from vangnet.quickscan.forms import field_name

from .conftest import answer_all

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OR_NAME = "Ondernemingsraad of personeelsvertegenwoordiging"


def _visit(page: Any, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, path
    assert_accessible(page)


def _make_links(page: Any, group_name: str, count: int) -> list[str]:
    section = page.locator("section.qs-group-links", has=page.get_by_role(
        "heading", name=group_name, exact=True))
    section.locator("input[name$='-count']").fill(str(count))
    section.locator("button[name=format][value=html]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    links = [re.sub(r"^https?://[^/]+", "", text) for text in page.locator("ol.qs-links code")
             .all_inner_texts()]
    assert len(links) == count
    page.go_back()
    page.wait_for_load_state()
    return links


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
            assert page.locator(".utrecht-form-field-error-message").count() == 5
            assert page.locator(
                f"input[name='{field_name(statements[0].code)}'][value='{value}']").is_checked()
            assert_accessible(page)
        for statement in statements:
            page.locator(f"input[name='{field_name(statement.code)}'][value='{value}']").check()
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
    slug = organisation.slug
    login(coordinator.user.email)
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

    # Asking for links without saying how many: an accessible error, nothing lost.
    page.locator("section.qs-group-links").first.locator(
        "button[name=format][value=html]").click()
    page.wait_for_load_state()
    assert page.locator(".utrecht-alert--error").count() == 1
    assert_accessible(page)
    page.goto(round_url)
    management = _make_links(page, "Leidinggevenden en directie", 5)
    employees = _make_links(page, "Medewerkers", 6)
    council_links = _make_links(page, OR_NAME, 2)

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
    shared = re.sub(r"^https?://[^/]+", "", page.locator("ol.qs-links code").inner_text())
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
            guest.locator(f"input[name='{field_name(statement.code)}'][value='2']").check()
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
    assert page.locator("tfoot td").first.inner_text() == "14"
    page.get_by_role("button", name=re.compile("Sluit de ronde")).click()
    page.wait_for_load_state()
    assert "/rapport/" in page.url
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
    # The works council: named once as "not shown", no figure anywhere.
    assert content.count(OR_NAME) == 1
    assert OR_NAME in page.locator(".qs-hidden-groups").inner_text()
    # Charts are inline SVG without <style> (CSP style-src 'self') and with a data table.
    svg = page.locator("figure.vn-chart svg").evaluate("e => e.outerHTML")
    assert "<style" not in svg and "style=" not in svg

    report_url = page.url
    pdf = page.request.get(report_url.replace("/rapport/", "/rapport.pdf"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "56" in text and "Wie doet wat" in text
    assert text.count("Ondernemingsraad") == 1
    csv_text = page.request.get(report_url.replace("/rapport/", "/rapport.csv")).text()
    assert "Ondernemingsraad" not in csv_text
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
