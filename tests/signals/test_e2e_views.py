"""The advisor's view and the quarterly report's charts in a real browser: the advisor sees their
pattern signals on the dashboard (the coordinator does not), the report shows a chart with a table
per measure and says why where every figure is hidden, and the dashboard shows what followed an
action. Every page is checked with axe, all rules, at 1280 and 390 px; screenshots go to
var/screenshots/signals/."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from support.browser import check_at_both_widths
from support.browser import login as browser_login
from vangnet.cases.models import PatternSignal
from vangnet.signals.models import AlertAction

from .conftest import Org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60_000


def _check(page: Any, name: str) -> None:
    check_at_both_widths(page, "signals", name)


def test_advisor_view_report_charts_and_follow_up_in_the_browser(page: Any, org: Org) -> None:
    page.set_default_timeout(TIMEOUT)
    slug = org.organisation.slug
    now = timezone.now()
    PatternSignal.objects.create(organisation=org.organisation, kind=PatternSignal.Kind.UNIT,
                                 unit=org.jeugd, subject_key=f"unit:{org.jeugd.pk}", case_count=6,
                                 first_raised_at=now, last_raised_at=now)
    before = org.latest.previous()
    AlertAction.objects.create(
        organisation=org.organisation, alert_key=f"falling:{org.jeugd.pk}:{before.label}:hr.absence",
        unit=org.jeugd, year=before.year, quarter=before.number, action_id=1,
        measures=["hr.absence"])

    # The advisor: their pattern signals, in their own part of the dashboard.
    page.context.clear_cookies()
    browser_login(page, org.advisor.user.email)
    page.goto(f"/o/{slug}/signalen/")
    section = page.get_by_test_id("pattern-signals")
    section.get_by_role("heading", name="Jouw patroonsignalen", exact=False).wait_for()
    assert "Team Jeugd" in section.inner_text() and "5–9" in section.inner_text()
    _check(page, "dashboard-advisor")

    # The coordinator: no pattern signals; what followed the action; the report with charts.
    page.context.clear_cookies()
    browser_login(page, org.coordinator.user.email)
    page.goto(f"/o/{slug}/signalen/")
    page.get_by_role("heading", name="Acties en wat er daarna gebeurde").wait_for()
    assert page.get_by_test_id("pattern-signals").count() == 0
    follow_up = page.get_by_test_id("follow-up").inner_text()
    assert "Team Jeugd" in follow_up and "7,5%" in follow_up and "9,5%" in follow_up
    _check(page, "dashboard-follow-up")
    page.goto(f"/o/{slug}/signalen/rapport/")
    page.get_by_role("heading", name="Kwartaalrapport signalen", exact=False).first.wait_for()
    assert page.locator("figure.vn-signals-chart svg").count() >= 3
    assert page.get_by_test_id("chart-hidden").count() >= 1
    # On a 390 px phone the chart keeps the width of the content column (labels >= 9 pt).
    page.set_viewport_size({"width": 390, "height": 900})
    width = page.locator("figure.vn-signals-chart svg").first.bounding_box()["width"]
    assert width >= 330, width
    page.set_viewport_size({"width": 1280, "height": 900})
    _check(page, "report-coordinator")
