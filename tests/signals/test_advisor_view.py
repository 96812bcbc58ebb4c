"""The advisors' pattern signals on the signals dashboard: advisors only (ADR 0125).

Every other role that sees the dashboard or the quarterly report — coordinator, HR, works council,
manager — gets neither the signals nor the section, also when one person holds two roles and
makes the report."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from support.people import make_member
from vangnet.cases.models import PatternSignal
from vangnet.cases.public import advisor_pattern_signals
from vangnet.organisations.roles import Role
from vangnet.signals.selectors import dashboard_for

from .conftest import Org, dashboard_url

pytestmark = pytest.mark.django_db

MARKER = 'data-testid="pattern-signals"'


@pytest.fixture
def signals(org: Org) -> Org:
    now = timezone.now()
    PatternSignal.objects.create(organisation=org.organisation, kind=PatternSignal.Kind.UNIT,
                                 unit=org.jeugd, subject_key=f"unit:{org.jeugd.pk}", case_count=6,
                                 first_raised_at=now, last_raised_at=now)
    PatternSignal.objects.create(organisation=org.organisation, kind=PatternSignal.Kind.PERSON,
                                 subject_key="person:0123456789abcdef0123", case_count=3,
                                 first_raised_at=now, last_raised_at=now)
    PatternSignal.objects.create(organisation=org.organisation, kind=PatternSignal.Kind.UNIT,
                                 unit=org.wmo, subject_key=f"unit:{org.wmo.pk}", case_count=2,
                                 first_raised_at=now, last_raised_at=now, dismissed_at=now)
    return org


def test_an_advisor_sees_the_open_pattern_signals_on_the_dashboard(client: Any, signals: Org) -> None:
    board = dashboard_for(actor=signals.actor(signals.advisor))
    assert board.advisor_view
    found = sorted((s.kind, s.unit_name, s.cases) for s in board.pattern_signals)
    # banded counts, the person as a code, the dismissed Wmo signal left out
    assert found == [("person", "", "< 5"), ("unit", "Team Jeugd", "5–9")]
    client.force_login(signals.advisor.user)
    html = client.get(dashboard_url(signals)).content.decode()
    assert MARKER in html
    section = html[html.index(MARKER):]
    section = section[:section.index("</section>")]
    assert "Team Jeugd" in section and "5–9" in section and "&lt; 5" in section
    assert "Team Wmo" not in section
    assert "0123456789" not in html  # never the person's code itself


@pytest.mark.parametrize("role", ["coordinator", "hr", "works_council", "manager"])
def test_no_other_role_sees_them(client: Any, signals: Org, role: str) -> None:
    member = getattr(signals, role)
    actor = signals.actor(member)
    assert advisor_pattern_signals(actor=actor) == []  # cases' public face refuses by itself
    board = dashboard_for(actor=actor)
    assert not board.advisor_view and board.pattern_signals == []
    client.force_login(member.user)
    response = client.get(dashboard_url(signals))
    assert response.status_code == 200
    assert MARKER not in response.content.decode()


def test_the_report_never_carries_them_even_for_a_coordinator_who_is_an_advisor(
        client: Any, signals: Org) -> None:
    both = make_member(signals.organisation, Role.COORDINATOR, Role.ADVISOR, name="Beide")
    assert dashboard_for(actor=signals.actor(both)).pattern_signals  # on the dashboard: yes
    report = dashboard_for(actor=signals.actor(both), for_report=True)
    assert not report.advisor_view and report.pattern_signals == []
    client.force_login(both.user)
    base = f"/o/{signals.organisation.slug}/signalen/rapport"
    html = client.get(base + "/").content.decode()
    assert MARKER not in html and "5–9" not in html
    assert "5–9" not in client.get(base + ".csv").content.decode()


def test_the_advisor_view_costs_the_same_queries_with_more_signals(
        client: Any, signals: Org, django_assert_max_num_queries: Any) -> None:
    client.force_login(signals.advisor.user)
    client.get(dashboard_url(signals))
    with django_assert_max_num_queries(80) as few:
        client.get(dashboard_url(signals))
    now = timezone.now()
    PatternSignal.objects.bulk_create([
        PatternSignal(organisation=signals.organisation, kind=PatternSignal.Kind.PERSON,
                      subject_key=f"person:{n:020d}", case_count=2, first_raised_at=now,
                      last_raised_at=now) for n in range(20)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(dashboard_url(signals)).content.decode()
    assert html.count("utrecht-table__row") > 20
