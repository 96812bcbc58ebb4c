"""Employees see their own team's results once a wave closes (issue 14): only when the
organisation allows it (the default), only their own team, only above the threshold; never
another team, the organisation's figures or the open answers. Tested both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from vangnet.core.navigation import nav_items_for
from vangnet.organisations.models import Membership
from vangnet.organisations.selectors import actor_for
from vangnet.pulse import services
from vangnet.pulse.models import PulseRound, PulseSettings, TeamAction

from .test_flow import answer, links_by_address, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_wave(client: Any, organisation: Any, people: dict[str, Any],
                django_capture_on_commit_callbacks: Any) -> PulseRound:
    round_ = plan(people, django_capture_on_commit_callbacks, "north", "south", "small")
    links = links_by_address()
    for name, value in {"north": 6, "south": 3, "small": 1}.items():
        for member in people["members"][name]:
            answer(client, organisation, links[member.user.email], value, "meer overleg")
    services.round_close(actor=people["coordinator"], round_=round_)
    client.logout()
    return PulseRound.objects.get(pk=round_.pk)


def _pages(client: Any, organisation: Any, round_: PulseRound) -> dict[str, Any]:
    slug = organisation.slug
    return {name: client.get(reverse(f"pulse:{name}", args=[slug, round_.pk]))
            for name in ("wave_detail", "wave_pdf", "wave_csv")}


def test_an_employee_sees_only_their_own_team(client: Any, organisation: Any,
                                              people: dict[str, Any],
                                              closed_wave: PulseRound) -> None:
    north = people["members"]["north"][0]
    client.force_login(north.user)
    index = client.get(reverse("pulse:index", args=[organisation.slug]))
    assert index.status_code == 200 and closed_wave.title in index.content.decode()
    page = _pages(client, organisation, closed_wave)
    html = page["wave_detail"].content.decode()
    assert page["wave_detail"].status_code == 200
    assert "Team Noord" in html
    for other in ("Team Zuid", "Team Klein", "meer overleg"):
        assert other not in html, other
    # No organisation figures, no conversation form (that is the manager's).
    assert 'id="organisation-figures"' not in html and "action_record" not in html
    assert 'name="text"' not in html
    csv = page["wave_csv"].content.decode()
    assert "Team Noord" in csv and "Team Zuid" not in csv and "Team Klein" not in csv
    assert "meer overleg" not in csv
    assert page["wave_pdf"].status_code == 200
    # The own team's trend, and no other team's.
    slug = organisation.slug
    assert client.get(reverse("pulse:unit_trend",
                              args=[slug, people["units"]["north"].pk])).status_code == 200
    assert client.get(reverse("pulse:unit_trend",
                              args=[slug, people["units"]["south"].pk])).status_code == 404
    # Recording an agreement is not theirs to do.
    client.post(reverse("pulse:action_record", args=[slug, closed_wave.pk]),
                {"unit": people["units"]["north"].pk, "text": "Iets"})
    assert not TeamAction.objects.exists()
    # The menu offers the own team's pulse.
    labels = [item.label for item in nav_items_for(actor_for(north))]
    assert any("pulse" in label.lower() for label in labels)


def test_another_teams_employee_cannot_see_it(client: Any, organisation: Any,
                                              people: dict[str, Any],
                                              closed_wave: PulseRound) -> None:
    client.force_login(people["members"]["south"][0].user)
    html = client.get(reverse("pulse:wave_detail",
                              args=[organisation.slug, closed_wave.pk])).content.decode()
    assert "Team Zuid" in html and "Team Noord" not in html
    # Someone whose team was not in the wave does not get the wave at all.
    client.force_login(people["members"]["other"][0].user)
    for response in _pages(client, organisation, closed_wave).values():
        assert response.status_code == 404
    assert nav_items_for(actor_for(people["members"]["other"][0])) == [] or all(
        "pulse" not in item.label.lower() for item in nav_items_for(
            actor_for(people["members"]["other"][0])))


def test_a_small_teams_employee_sees_no_figures(client: Any, organisation: Any,
                                                people: dict[str, Any],
                                                closed_wave: PulseRound) -> None:
    client.force_login(people["members"]["small"][0].user)
    response = client.get(reverse("pulse:wave_detail", args=[organisation.slug, closed_wave.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Team Klein", "Team Noord", "Team Zuid"):
        assert name not in html
    assert "1,0" not in html and "1.0" not in html
    csv = client.get(reverse("pulse:wave_csv", args=[organisation.slug, closed_wave.pk]))
    assert "Team Klein" not in csv.content.decode()


def test_when_the_organisation_does_not_share_employees_see_nothing(
        client: Any, organisation: Any, people: dict[str, Any], closed_wave: PulseRound) -> None:
    services.settings_update(actor=people["coordinator"], employees_see_results=False)
    assert PulseSettings.objects.get(organisation=organisation).employees_see_results is False
    north = people["members"]["north"][0]
    client.force_login(north.user)
    assert client.get(reverse("pulse:index", args=[organisation.slug])).status_code == 404
    for response in _pages(client, organisation, closed_wave).values():
        assert response.status_code == 404
    assert client.get(reverse("pulse:unit_trend", args=[
        organisation.slug, people["units"]["north"].pk])).status_code == 404
    assert all("pulse" not in item.label.lower() for item in nav_items_for(actor_for(north)))
    # The manager still sees their teams.
    manager = Membership.objects.get(pk=people["manager"].membership_id)
    client.force_login(manager.user)
    assert client.get(reverse("pulse:wave_detail",
                              args=[organisation.slug, closed_wave.pk])).status_code == 200


def test_an_open_wave_shows_employees_nothing(
        client: Any, organisation: Any, people: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    round_ = plan(people, django_capture_on_commit_callbacks, "north")
    client.force_login(people["members"]["north"][0].user)
    assert client.get(reverse("pulse:wave_detail",
                              args=[organisation.slug, round_.pk])).status_code == 404


def test_only_the_coordinator_changes_the_setting(client: Any, organisation: Any,
                                                  people: dict[str, Any]) -> None:
    url = reverse("pulse:settings", args=[organisation.slug])
    manager = Membership.objects.get(pk=people["manager"].membership_id)
    client.force_login(manager.user)
    assert client.get(url).status_code == 404
    coordinator = Membership.objects.get(pk=people["coordinator"].membership_id)
    client.force_login(coordinator.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 302  # unchecked: off
    assert PulseSettings.objects.get(organisation=organisation).employees_see_results is False
    client.post(url, {"employees_see_results": "on"})
    assert PulseSettings.objects.get(organisation=organisation).employees_see_results is True
