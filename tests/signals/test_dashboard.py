"""The dashboard: who sees what, a unit of four nowhere, alerts, and constant query counts."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import make_member, make_unit
from vangnet.organisations.roles import Role
from vangnet.signals.selectors import dashboard_for

from .conftest import Org, dashboard_url, hr_row

pytestmark = pytest.mark.django_db


def test_coordinator_sees_the_teams_above_the_threshold_and_never_the_team_of_four(
        client: Any, org: Org) -> None:
    client.force_login(org.coordinator.user)
    response = client.get(dashboard_url(org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team Jeugd" in html and "Team Wmo" in html
    assert "Team Klein" not in html
    board = dashboard_for(actor=org.actor(org.coordinator))
    assert org.klein.pk not in {row.unit_id for row in board.rows}
    # The department (17 people) minus Jeugd (7) minus Wmo (6) would give Klein's four:
    # so in no quarter are the department and both teams shown for the same measure.
    rows = {row.unit_id: row for row in board.rows}
    checked = 0
    for key in {k for row in board.rows for k in row.cells}:
        for i in range(len(board.quarters)):
            values = [rows[u].cells[key][i].value if u in rows and key in rows[u].cells else None
                      for u in (org.department.pk, org.jeugd.pk, org.wmo.pk)]
            assert None in values, (key, board.quarters[i])
            checked += 1
    assert checked > 10


def test_jeugd_is_flagged_on_several_sources_with_an_explanation(org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.coordinator))
    kinds = {(a.kind, a.unit_id) for a in board.alerts}
    assert ("several", org.jeugd.pk) in kinds
    assert ("no_discussion", org.jeugd.pk) in kinds
    assert ("falling", org.jeugd.pk) in kinds
    several = next(a for a in board.alerts if a.kind == "several" and a.unit_id == org.jeugd.pk)
    assert {"hr.absence", "conduct.acknowledged", "toolbox.routines_held"} <= set(several.measures)
    assert several.werkvormen


def test_works_council_sees_the_organisation_level_only(client: Any, org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.works_council))
    assert [row.unit_id for row in board.rows] == [None]
    client.force_login(org.works_council.user)
    html = client.get(dashboard_url(org)).content.decode()
    assert "Team Jeugd" not in html and "Sociaal Domein" not in html


def test_a_manager_sees_their_own_units_only(org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.manager))
    assert {row.unit_id for row in board.rows} == {org.jeugd.pk}


def test_an_employee_and_another_organisation_see_nothing(client: Any, org: Org) -> None:
    client.force_login(org.employee.user)
    assert client.get(dashboard_url(org)).status_code == 404
    client.force_login(org.outsider.user)
    assert client.get(dashboard_url(org)).status_code == 404


def test_query_count_does_not_grow_with_the_number_of_units(
        client: Any, org: Org, django_assert_max_num_queries: Any) -> None:
    client.force_login(org.coordinator.user)
    client.get(dashboard_url(org))
    with django_assert_max_num_queries(60) as small:
        client.get(dashboard_url(org))
    for number in range(30):
        unit = make_unit(org.organisation, f"Team {number:02d}", parent=org.department)
        for _ in range(5):
            make_member(org.organisation, Role.EMPLOYEE, unit=unit)
        hr_row(org.organisation, unit, org.latest, 5, "4.0")
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(dashboard_url(org))
    assert "Team 29" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_unit_that_never_discussed_its_agreements_is_flagged_a_year_after_publication(
        org: Org) -> None:
    """Issue 17: "no discussion of agreements for a year" — also when there was never one."""
    from datetime import timedelta

    from django.utils import timezone

    from vangnet.conduct.models import CodeVersion

    never = make_unit(org.organisation, "Team Nooit", parent=org.department)
    for _ in range(6):
        make_member(org.organisation, Role.EMPLOYEE, unit=never)
    version = CodeVersion.objects.get(organisation=org.organisation, status="published")

    def flagged() -> bool:
        board = dashboard_for(actor=org.actor(org.coordinator))
        return ("no_discussion", never.pk) in {(a.kind, a.unit_id) for a in board.alerts}

    CodeVersion.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - timedelta(days=100))
    assert not flagged()
    CodeVersion.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - timedelta(days=400))
    assert flagged()
