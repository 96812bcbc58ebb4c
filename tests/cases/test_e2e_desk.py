"""The external advisor with two clients, in a real browser (issue 13): the second client's
coordinator connects the agency, the advisor switches organisation from the header and sees the
due work of both on one page; each coordinator sees nothing of the other client, also not by
typing its addresses. axe with every rule on each new page."""

from __future__ import annotations

from typing import Any

import pytest

from support.browser import BROWSER_TIMEOUT_MS, assert_accessible, login
from support.people import enable_totp, make_member
from vangnet.organisations.roles import Role

from .conftest import actor_of, give_keys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    return page


def _status(page: Any, path: str) -> int:
    response = page.goto(path)
    return response.status if response is not None else 0


def test_external_advisor_switches_and_sees_due_work_of_both_clients(
    browser: Any, live_server: Any, organisation: Any, other_organisation: Any,
) -> None:
    from vangnet.cases.models import Case
    from vangnet.organisations.models import Agency, AgencyAdvisor, Membership
    from vangnet.organisations.services import agency_connect
    from vangnet.reporting.services import report_submit

    a, b = organisation, other_organisation
    agency = Agency.objects.create(name="Vertrouwd Extern")
    ruud = make_member(a, Role.EMPLOYEE, email="ruud@extern.example", name="Ruud Smit")
    AgencyAdvisor.objects.create(agency=agency, user=ruud.user)
    enable_totp(ruud.user)
    give_keys(ruud)
    coordinator_a = make_member(a, Role.COORDINATOR, email="coord.a@example.org")
    make_member(b, Role.COORDINATOR, email="coord.b@example.org")
    agency_connect(actor=actor_of(coordinator_a), agency=agency)

    # The coordinator of B connects the agency from the browser, in one step.
    page_b = _page(browser, live_server)
    login(page_b, "coord.b@example.org")
    page_b.goto(f"/o/{b.slug}/beheer/bureaus/")
    assert_accessible(page_b)
    with page_b.expect_navigation():
        page_b.click(f"[data-testid=connect-{agency.pk}]")
    assert "is gekoppeld" in page_b.locator("main").inner_text()
    assert Membership.objects.filter(user=ruud.user, organisation=b, roles__role=Role.ADVISOR,
                                     is_external=True).exists()

    references = {}
    for org in (a, b):
        recipient = Membership.objects.get(user=ruud.user, organisation=org)
        report, _code = report_submit(organisation=org, category="pesten", mode="anonymous",
                                      parts={"narrative": f"Iets bij {org.name}"},
                                      recipient=recipient)
        references[org.slug] = Case.objects.get(report=report).reference

    # The advisor: switch from the header, then one overview with both clients' due work.
    page = _page(browser, live_server)
    login(page, "ruud@extern.example")
    page.goto(f"/o/{a.slug}/")
    switch = page.locator("[data-testid=organisation-switch]")
    if not switch.is_visible():  # a narrow window keeps the header tools behind "Menu"
        page.click(".vn-header__menu-button")
    assert_accessible(page)
    with page.expect_navigation():
        switch.get_by_role("link", name=f"Naar {b.name}").click()
    assert page.url.endswith(f"/o/{b.slug}/")
    assert b.name in page.locator("header .vn-brand").inner_text()
    if not switch.is_visible():
        page.click(".vn-header__menu-button")
    with page.expect_navigation():
        switch.get_by_role("link", name="Alle klanten").click()
    assert page.url.endswith("/mijn-klanten/")
    for org in (a, b):
        due = page.locator(f"[data-testid=due-{org.slug}]")
        assert due.inner_text().count(references[org.slug]) == 1
        other = b if org == a else a
        assert references[other.slug] not in due.inner_text()
    assert_accessible(page)

    # Each coordinator sees nothing of the other client, also by typing its addresses.
    page_a = _page(browser, live_server)
    login(page_a, "coord.a@example.org")
    for coordinator_page, mine, theirs in ((page_a, a, b), (page_b, b, a)):
        assert _status(coordinator_page, "/mijn-klanten/") == 404
        assert _status(coordinator_page, f"/o/{mine.slug}/") == 200
        assert theirs.name not in coordinator_page.locator("body").inner_text()
        assert coordinator_page.locator("[data-testid=organisation-switch]").count() == 0
        for path in ("", "dossiers/", "meldingen/", "dossiers/jaarverslag/", "beheer/bureaus/",
                     "beheer/mensen/"):
            assert _status(coordinator_page, f"/o/{theirs.slug}/{path}") == 404, path
            assert references[theirs.slug] not in coordinator_page.content()
