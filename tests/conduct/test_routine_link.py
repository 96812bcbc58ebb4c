"""A routine keeps the code on the team's agenda every quarter (issue 15): the team page proposes
one, the toolbox form arrives filled in, and the planned routine shows on the team page."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vangnet.toolbox import services as toolbox_services
from vangnet.toolbox.models import Routine, Werkvorm
from vangnet.toolbox.public import routines_of_team

pytestmark = pytest.mark.django_db


def _werkvorm(slug: str) -> Werkvorm:
    toolbox_services.builtin_content_load()
    return Werkvorm.objects.get(organisation__isnull=True, slug=slug)


def test_the_team_page_proposes_a_quarterly_routine_and_shows_the_planned_one(client: Any,
                                                                              org: Any) -> None:
    werkvorm = _werkvorm("gedragscode-bespreken")
    team_url = reverse("conduct:team", args=[org.organisation.slug, org.unit.pk])
    client.force_login(org.manager.user)
    page = client.get(team_url).content.decode()
    proposal = (reverse("toolbox:routine_create", args=[org.organisation.slug])
                + f"?werkvorm=gedragscode-bespreken&amp;frequency=quarterly&amp;unit={org.unit.pk}")
    assert proposal in page

    form_page = client.get(proposal.replace("&amp;", "&"))
    form = form_page.context["form"]
    assert form.initial["frequency"] == "quarterly"
    assert form.initial["unit"] == org.unit
    assert form.initial["werkvorm"] == werkvorm

    starts = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("toolbox:routine_create", args=[org.organisation.slug]), {
        "unit": org.unit.pk, "werkvorm": werkvorm.pk, "title": "",
        "frequency": "quarterly", "starts_on": starts.isoformat(), "time_of_day": "10:00",
        "remind_days_before": 2})
    assert response.status_code == 302
    routine = Routine.objects.get(unit=org.unit)
    page = client.get(team_url).content.decode()
    assert reverse("toolbox:routine_detail", args=[org.organisation.slug, routine.pk]) in page
    assert starts.strftime("%Y") in page

    # The employee reads the rhythm but is not offered to plan one.
    client.force_login(org.employee.user)
    page = client.get(team_url).content.decode()
    assert reverse("toolbox:routine_detail", args=[org.organisation.slug, routine.pk]) in page
    assert "frequency=quarterly" not in page


def test_only_routines_of_this_team_with_a_conduct_werkvorm_count(org: Any) -> None:
    coordinator = org.actor(org.coordinator)
    today = timezone.localdate()
    ours = toolbox_services.routine_create(
        actor=coordinator, unit=org.unit, werkvorm=_werkvorm("teamafspraken-maken"), title="",
        frequency="quarterly", starts_on=today, time_of_day=time(9))
    toolbox_services.routine_create(  # another werkvorm
        actor=coordinator, unit=org.unit, werkvorm=_werkvorm("dilemma-bespreken"), title="",
        frequency="monthly", starts_on=today, time_of_day=time(9))
    toolbox_services.routine_create(  # another team
        actor=coordinator, unit=org.other_unit, werkvorm=_werkvorm("gedragscode-bespreken"),
        title="", frequency="quarterly", starts_on=today, time_of_day=time(9))
    found = routines_of_team(actor=coordinator, unit=org.unit,
                             werkvorm_slugs=("gedragscode-bespreken", "teamafspraken-maken"),
                             today=today)
    assert [item.routine for item in found] == [ours]
    # Someone of another organisation gets nothing, even with the unit in hand.
    assert routines_of_team(actor=org.actor(org.outsider_coordinator), unit=org.unit,
                            werkvorm_slugs=("teamafspraken-maken",), today=today) == []
