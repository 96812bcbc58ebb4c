"""The whole follow-up story in a real browser, with axe on every case page.

report → receipt confirmed → consent to involve HR asked → reporter consents in the dialogue →
HR sees exactly the consented parts → concluded → a retaliation check-in arrives and is answered.
Three browser contexts (reporter, advisor, HR), each with its own cookies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.browser import BROWSER_TIMEOUT_MS, assert_accessible, login, send_report
from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role

from .conftest import give_keys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _context_page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    return page


def _login(page: Any, email: str) -> None:
    login(page, email)  # the shared helper: password, then a code from a fresh TOTP step
    assert "/accounts/" not in page.url


def _unlock(page: Any, slug: str, next_path: str) -> None:
    page.goto(f"/o/{slug}/meldingen/ontgrendelen/?next={next_path}")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/ontgrendelen/" not in url)  # a wrong password stays there


def _answer_as_reporter(page: Any, slug: str, code: str, answer: str) -> None:
    page.goto(f"/o/{slug}/melden/terug/")
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    # Every rule, best practices included: with several open questions each region has its own
    # name (landmark-unique).
    assert_accessible(page)
    page.locator(f"section.vn-question button[name=answer][value={answer}]").first.click()
    page.wait_for_load_state()


def test_report_consent_hr_conclude_and_checkin(page, browser, live_server, organisation):
    from vangnet.cases import tasks
    from vangnet.cases.models import Case, RetaliationCheckin

    slug = organisation.slug
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                          email="anna@example.org")
    give_keys(advisor)
    hr = make_member(organisation, Role.EMPLOYEE, Role.HR, name="Hans HR", email="hans@example.org")
    give_keys(hr)

    # 1. The reporter reports (confidential, so with a name that HR must not see).
    page.goto(f"/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}")
    page.check("input[name=mode][value=confidential]")
    page.check("input[name=category][value=intimidatie]")
    page.fill("textarea[name=narrative]", "Mijn leidinggevende schreeuwt tegen mij in het overleg.")
    page.fill("[name=where]", "In vergaderzaal drie.")
    page.fill("[name=identity]", "Rosa Melder")
    send_report(page)
    code = page.locator("[data-testid=receipt-code]").inner_text().strip()
    case = Case.objects.get()

    # 2. The advisor confirms receipt.
    advisor_page = _context_page(browser, live_server)
    _login(advisor_page, advisor.user.email)
    _unlock(advisor_page, slug, f"/o/{slug}/dossiers/")
    advisor_page.goto(f"/o/{slug}/dossiers/")
    assert case.reference in advisor_page.content()
    assert_accessible(advisor_page)
    advisor_page.click(f"text={case.reference}")
    assert "schreeuwt" in advisor_page.content()
    assert_accessible(advisor_page)
    advisor_page.click("form.vn-transition button[type=submit] >> nth=0")
    advisor_page.wait_for_load_state()
    assert Case.objects.get().state == "acknowledged"

    # 3. The advisor asks consent to involve HR with two parts.
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/toestemming/")
    assert_accessible(advisor_page)
    advisor_page.check("input[name=soort][value=hr]")
    advisor_page.click("[data-testid=consent-kind] button[type=submit]")
    advisor_page.wait_for_url("**soort=hr**")
    advisor_page.check(f"input[name=recipient][value='{hr.pk}']")
    advisor_page.check("input[name=parts][value=narrative]")
    advisor_page.check("input[name=parts][value=where]")
    advisor_page.fill("textarea[name=purpose]", "HR kan een gesprek met je leidinggevende regelen.")
    advisor_page.click("[data-testid=consent-form] button[type=submit]")
    advisor_page.wait_for_url(f"**/dossiers/{case.pk}/**")

    # 4. The reporter consents in the dialogue.
    _answer_as_reporter(page, slug, code, "yes")

    # 5. The advisor carries out the hand-off.
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/")
    advisor_page.click("#consent button[type=submit]")
    advisor_page.wait_for_load_state()
    assert "vn-badge" in advisor_page.content()

    # 6. HR sees exactly the consented parts and nothing else.
    hr_page = _context_page(browser, live_server)
    _login(hr_page, hr.user.email)
    _unlock(hr_page, slug, f"/o/{slug}/dossiers/{case.pk}/")
    hr_page.goto(f"/o/{slug}/dossiers/{case.pk}/")
    body = hr_page.locator("main").inner_text()
    assert "schreeuwt" in body and "vergaderzaal drie" in body
    assert "Rosa Melder" not in body
    assert "#notes" not in hr_page.content() and hr_page.locator("#notes").count() == 0
    assert hr_page.locator("#status").count() == 0
    assert_accessible(hr_page)

    # 7. The advisor concludes the case.
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/")
    advisor_page.click("form.vn-transition:has(input[value=start_conversation]) button")
    advisor_page.wait_for_load_state()
    form = advisor_page.locator("form.vn-transition:has(input[value=conclude])")
    form.locator("select[name=outcome]").select_option("informal_solution")
    form.locator("button").click()
    advisor_page.wait_for_load_state()
    assert Case.objects.get().state == "concluded"
    assert_accessible(advisor_page)

    # 8. Three months later the check-in arrives and the reporter answers it.
    RetaliationCheckin.objects.filter(case=case, months_after=3).update(
        due_at=timezone.now() - timedelta(minutes=1))
    assert tasks.run_due_work()["checkins"] == 1
    _answer_as_reporter(page, slug, code, "no")
    checkin = RetaliationCheckin.objects.get(case=case, months_after=3)
    assert checkin.answer == "no" and checkin.answered_at is not None
    advisor_page.goto(f"/o/{slug}/dossiers/{case.pk}/")
    assert advisor_page.locator("#aftercare .vn-badge--ok").count() >= 1
    for context_page in (advisor_page, hr_page):
        context_page.context.close()


def test_every_case_page_is_accessible(page, organisation):
    from vangnet.reporting.services import report_submit

    slug = organisation.slug
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, Role.COORDINATOR,
                          name="Vera VP", email="vera@example.org")
    give_keys(advisor)
    report_submit(organisation=organisation, category="pesten", mode="anonymous",
                  recipient=advisor, parts={"narrative": "Buitengesloten bij de lunch."})
    from vangnet.cases.models import Case

    case = Case.objects.get()
    _login(page, advisor.user.email)
    _unlock(page, slug, f"/o/{slug}/dossiers/")
    for path in ("dossiers/", f"dossiers/{case.pk}/", f"dossiers/{case.pk}/toestemming/",
                 f"dossiers/{case.pk}/toestemming/?soort=hr",
                 f"dossiers/{case.pk}/toestemming/?soort=external",
                 f"dossiers/{case.pk}/acuut-gevaar/", "dossiers/adviesgesprekken/",
                 "dossiers/lessen/", "dossiers/signalen/", "dossiers/jaarverslag/",
                 "dossiers/instellingen/", "dossiers/standaardteksten/",
                 "dossiers/?toon=all&status=received&sorteer=oldest"):
        page.goto(f"/o/{slug}/{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    # A form with errors is accessible too.
    page.goto(f"/o/{slug}/dossiers/{case.pk}/acuut-gevaar/")
    page.click("main form button[type=submit]")
    assert_accessible(page)
