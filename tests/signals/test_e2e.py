"""The "done when" of issue 17 in a real browser: the coordinator sees a unit flagged on three
sources, opens the explanation and turns the alert into an action; HR imports a quarter (one bad
row reported with its line and reason, nothing imported), then a good file; the works council sees
the organisation level only; a team of four people appears nowhere. Every page is checked with
axe, all rules including best practices, at 1280 and 390 px; screenshots go to
var/screenshots/signals/. Data: the fixture of tests/signals/conftest.py (three quarters of HR
figures, a published code, routines and discussions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.browser import check_at_both_widths
from vangnet.quickscan.models import Action
from vangnet.signals.models import AlertAction, HRFigure, HRImport

from .conftest import Org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60_000


def _check(page: Any, name: str) -> None:
    check_at_both_widths(page, "signals", name)


def _login_as(page: Any, login: Any, email: str) -> None:
    """The shared login (tests/conftest.py → support.browser.login): a fresh TOTP step each time."""
    page.context.clear_cookies()
    login(email)
    assert "/accounts/" not in page.url, page.url


def test_signals_in_the_browser(page: Any, login: Any, org: Org) -> None:
    page.set_default_timeout(TIMEOUT)
    slug = org.organisation.slug
    # The coordinator: Team Jeugd flagged on three sources; Team Klein (four people) nowhere.
    _login_as(page, login, org.coordinator.user.email)
    page.goto(f"/o/{slug}/signalen/")
    page.get_by_role("heading", name="Signalen", level=1).wait_for()
    assert "Team Klein" not in page.content()
    _check(page, "dashboard-coordinator")
    page.get_by_role("link", name="Team Jeugd: laag op meerdere bronnen").click()
    page.get_by_role("heading", name="Wat we zien").wait_for()
    explanation = page.locator("main").inner_text()
    assert "op 3 bronnen tegelijk" in explanation
    assert "Verzuim (HR)" in explanation and "Gedragscode gelezen" in explanation
    assert "Teamroutines gehouden" in explanation
    _check(page, "alert")
    page.get_by_label("Actie").fill("Teamgesprek over samenwerken in Team Jeugd")
    page.get_by_label("Eigenaar").select_option(str(org.manager.pk))
    due = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Klaar op").fill(due.isoformat())
    page.get_by_role("button", name="Zet op het actieplan").click()
    page.get_by_text("Teamgesprek over samenwerken in Team Jeugd").first.wait_for()
    action = Action.objects.get(title="Teamgesprek over samenwerken in Team Jeugd")
    assert (action.owner_id, action.due_date) == (org.manager.pk, due)
    assert AlertAction.objects.filter(action_id=action.pk, unit_id=org.jeugd.pk).exists()

    # HR: a quarter of absence and turnover, one bad row: its line and reason, nothing imported.
    _login_as(page, login, org.hr.user.email)
    page.goto(f"/o/{slug}/signalen/hr-cijfers/")
    page.get_by_role("heading", name="HR-cijfers inlezen", level=1).wait_for()
    _check(page, "hr-import")
    before = HRFigure.objects.count()
    bad = ("kwartaal;afdeling;bezetting;verzuim;ziekmeldingen;uitstroom;exitthemas\n"
           "2027-K1;Team Jeugd;7;4,0;1;0;\n"
           "2027-K1;Team Wmo;6;twaalf;1;0;\n")
    page.set_input_files("input[name=csv_file]", files=[
        {"name": "verzuim.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
    page.get_by_role("button", name="Cijfers inlezen").click()
    page.get_by_text("Er is niets ingelezen").wait_for()
    table = page.locator("table").inner_text()
    assert "3" in table and "verzuim moet een percentage" in table
    assert HRFigure.objects.count() == before
    assert HRImport.objects.get().status == HRImport.Status.FAILED
    _check(page, "hr-import-failed")
    good = bad.replace("twaalf", "3,5")
    page.goto(f"/o/{slug}/signalen/hr-cijfers/")
    page.set_input_files("input[name=csv_file]", files=[
        {"name": "verzuim.csv", "mimeType": "text/csv", "buffer": good.encode()}])
    page.get_by_role("button", name="Cijfers inlezen").click()
    page.get_by_text("Het inlezen is klaar: 2 regels ingelezen.").wait_for()
    assert HRFigure.objects.count() == before + 2

    # The works council: the organisation level only.
    _login_as(page, login, org.works_council.user.email)
    page.goto(f"/o/{slug}/signalen/")
    page.get_by_text("Je ziet de organisatie als geheel.").wait_for()
    text = page.locator("main").inner_text()
    assert "Hele organisatie" in text
    assert "Team Jeugd" not in text and "Team Wmo" not in text and "Team Klein" not in text
    _check(page, "dashboard-works-council")
    page.goto(f"/o/{slug}/signalen/rapport/")
    page.get_by_role("heading", name="Kwartaalrapport signalen", exact=False).first.wait_for()
    assert "Team Jeugd" not in page.locator("main").inner_text()
    _check(page, "report-works-council")
