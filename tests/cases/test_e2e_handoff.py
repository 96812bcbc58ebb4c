"""Issue 13 in a real browser: the consent form refuses a person without the chosen role (even
when the page is tampered with), and a hand-off to a manager who has no key completes end to end
(ADR 0075). axe with every rule on each page."""

from __future__ import annotations

from typing import Any

import pytest

from support.browser import BROWSER_TIMEOUT_MS, assert_accessible, login
from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role

from .conftest import give_keys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _new_page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    return page


def _unlock(page: Any, slug: str, next_path: str) -> None:
    page.goto(f"/o/{slug}/meldingen/ontgrendelen/?next={next_path}")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/ontgrendelen/" not in url)


def test_consent_refuses_the_wrong_person_and_a_manager_hand_off_completes(
    browser, live_server, organisation, django_capture_on_commit_callbacks,
):
    from vangnet.cases.models import Case, ConsentRequest
    from vangnet.reporting.models import DialogueQuestion, ReportGrant
    from vangnet.reporting.services import dialogue_answer, report_submit

    slug = organisation.slug
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                          email="anna@example.org")
    give_keys(advisor)
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, name="Mirjam Manager",
                          email="mirjam@example.org")
    employee = make_member(organisation, Role.EMPLOYEE, name="Sanne de Vries",
                           email="sanne@example.org")
    report_submit(organisation=organisation, category="pesten", mode="confidential",
                  recipient=advisor, parts={"narrative": "Ik word buitengesloten bij het overleg.",
                                            "identity": "Rosa Melder"})
    case = Case.objects.get()

    # 1. The advisor asks consent for a manager: an ordinary employee is not offered, and a
    #    tampered form that names her anyway is refused at the field.
    advisor_page = _new_page(browser, live_server)
    login(advisor_page, advisor.user.email)
    _unlock(advisor_page, slug, f"/o/{slug}/dossiers/{case.pk}/")
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/toestemming/")
    assert_accessible(advisor_page)
    advisor_page.check("input[name=soort][value=manager]")
    advisor_page.click("[data-testid=consent-kind] button[type=submit]")
    advisor_page.wait_for_url("**soort=manager**")
    assert_accessible(advisor_page)
    assert advisor_page.locator(f"input[name=recipient][value='{employee.pk}']").count() == 0
    radio = advisor_page.locator(f"input[name=recipient][value='{manager.pk}']")
    radio.check()
    radio.evaluate("(el, pk) => { el.value = pk; }", str(employee.pk))  # the value changes too
    advisor_page.check("input[name=parts][value=narrative]")
    advisor_page.click("[data-testid=consent-form] button[type=submit]")
    advisor_page.wait_for_selector("#id_recipient_error")
    assert "heeft niet de rol die je koos" in advisor_page.locator("#id_recipient_error").inner_text()
    assert not ConsentRequest.objects.exists()
    assert_accessible(advisor_page)

    # 2. Now the manager, as it should be.
    advisor_page.check(f"input[name=recipient][value='{manager.pk}']")
    advisor_page.check("input[name=parts][value=narrative]")
    advisor_page.click("[data-testid=consent-form] button[type=submit]")
    advisor_page.wait_for_url(f"**/dossiers/{case.pk}/**")
    consent = ConsentRequest.objects.get()
    assert consent.recipient_id == manager.pk

    # 3. The reporter agrees (in the dialogue; the reporter's side has its own browser tests).
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")

    # 4. "Share now": the manager has no key yet, so they are asked to set one up.
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/?opnieuw=1")  # a real load, not a hash jump
    advisor_page.click("#consent form:has(button.utrecht-button--primary-action) button")
    advisor_page.wait_for_selector("[data-testid=waiting-for-key]")
    assert not ReportGrant.objects.exists()
    assert_accessible(advisor_page)

    # 5. The manager sets up a key (the page the invitation e-mail links to).
    manager_page = _new_page(browser, live_server)
    login(manager_page, manager.user.email)
    manager_page.goto(f"/o/{slug}/meldingen/ontgrendelen/")
    assert_accessible(manager_page)
    manager_page.fill("input[name=password]", PASSWORD)
    manager_page.click("main form button[type=submit]")
    manager_page.wait_for_url(lambda url: True)
    manager_page.wait_for_selector("main")
    assert_accessible(manager_page)

    # 6. The advisor shares; the manager reads exactly the consented part.
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/?opnieuw=2")
    advisor_page.click("#consent form:has(button.utrecht-button--primary-action) button")
    advisor_page.wait_for_selector("#consent form:has(button.utrecht-button--secondary-action)")
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.SHARED
    manager_page.goto(f"/o/{slug}/dossiers/{case.pk}/")
    body = manager_page.locator("main").inner_text()
    assert "buitengesloten bij het overleg" in body and "Rosa Melder" not in body
    assert_accessible(manager_page)
    for context_page in (advisor_page, manager_page):
        context_page.context.close()
