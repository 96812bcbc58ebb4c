"""No figure derivable between two waves where the respondents barely changed (issue 14): the
rule of core.anonymity applied when a wave closes, to each team and to the organisation's figure
of the same plan. The attack: the reader assumes the others answered as before and subtracts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from vangnet.organisations.models import Membership
from vangnet.pulse import services
from vangnet.pulse.content import instrument
from vangnet.pulse.models import PulseGroup, PulsePlan, PulseResponse, PulseRound

pytestmark = pytest.mark.django_db


def _wave(plan: PulsePlan, units: dict[Any, list[int]]) -> PulseRound:
    """A closed wave of the plan in which each unit's people gave these scores."""
    round_ = PulseRound.objects.create(organisation=plan.organisation, plan=plan,
                                       title=plan.title, closes_on="2027-01-01")
    for unit, scores in units.items():
        group = PulseGroup.objects.create(round=round_, unit=unit, unit_name=unit.name,
                                          parent_unit_id=unit.parent_id, slug=f"u{unit.pk}")
        PulseResponse.objects.bulk_create(
            PulseResponse(round=round_, group=group, channel="personal", submitted=True,
                          answers={i.code: (8 - s if i.reverse else s)
                                   for i in instrument().items}) for s in scores)
    services.round_close(actor=None, round_=round_)
    return PulseRound.objects.get(pk=round_.pk)


def _unit(round_: PulseRound, unit: Any) -> dict[str, Any]:
    return next(u for u in round_.results["units"] if u["unit_id"] == unit.pk)


def _total(figures: dict[str, Any]) -> float:
    return figures["mean"] * figures["n"]


def test_one_more_respondent_is_not_given_away(organisation: Any, people: dict[str, Any],
                                               client: Any) -> None:
    north, south = people["units"]["north"], people["units"]["south"]
    plan = PulsePlan.objects.create(organisation=organisation, title="Pulse zorg")
    stayers_north, stayers_south = [6, 6, 5, 6, 7, 6], [4, 4, 5, 4, 4]
    first = _wave(plan, {north: stayers_north, south: stayers_south})
    assert _unit(first, north)["shown"] and first.results["organisation"]["shown"]
    # Wave 2: the same people answer the same, and one newcomer in Team Noord answers 1.
    second = _wave(plan, {north: [*stayers_north, 1], south: stayers_south})
    held = _unit(second, north)
    assert held["shown"] is False and held["reason"] == "too_close" and "scales" not in held
    # The organisation's figure leaves Team Noord out too; otherwise it minus Team Zuid would
    # be Team Noord's figure, and that minus wave 1's would be the newcomer's answers.
    organisation_now = second.results["organisation"]
    assert not organisation_now["shown"] or organisation_now["answers"] == len(stayers_south)
    if organisation_now["shown"]:
        before = first.results["organisation"]["scales"]["veiligheid"]
        now = organisation_now["scales"]["veiligheid"]
        shown_south = _unit(second, south)["scales"]["veiligheid"]
        assert _total(now) == pytest.approx(_total(shown_south))  # nothing of Team Noord in it
        assert now["n"] != before["n"] + 1
    # What the manager sees says why, without a figure.
    manager = Membership.objects.get(pk=people["manager"].membership_id)
    client.force_login(manager.user)
    page = client.get(reverse("pulse:wave_detail", args=[organisation.slug, second.pk]))
    html = page.content.decode()
    assert "Team Zuid" in html and "Team Noord" not in html
    assert "bijna evenveel" in html or "nearly the same numbers" in html
    # Wave 3: six answer again: as many as in wave 1, so shown again; and eleven (five more
    # than wave 1, four more than the held-back wave 2, which published nothing) shown too.
    third = _wave(plan, {north: stayers_north, south: stayers_south})
    assert _unit(third, north)["shown"]
    fourth = _wave(plan, {north: [*stayers_north, 2, 3, 4, 5, 6], south: stayers_south})
    assert _unit(fourth, north)["shown"]


def test_the_published_waves_of_a_team_never_differ_by_fewer_than_k(
        organisation: Any, people: dict[str, Any]) -> None:
    north = people["units"]["north"]
    plan = PulsePlan.objects.create(organisation=organisation, title="Pulse noord")
    counts = [6, 8, 6, 10, 11, 15, 16]
    for n in counts:
        _wave(plan, {north: [5] * n})
    published = [u["answers"] for r in PulseRound.objects.order_by("pk")
                 for u in r.results["units"] if u["shown"]]
    assert published == [6, 6, 11, 16]
    for i, a in enumerate(published):
        for b in published[i + 1:]:
            assert a == b or abs(a - b) >= 5
