"""The pulse's seams to other apps: the signals source (scale means per unit per quarter from the
suppressed results, the reporting climate tagged as speak-up) and the yearly review's trends
(organisation figures, last wave beside the one before, only for who may see them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from vangnet.core.app import installed_signal_sources
from vangnet.core.signal_sources import Quarter
from vangnet.organisations.selectors import actor_for
from vangnet.pulse import services
from vangnet.pulse.content import instrument
from vangnet.pulse.models import PulseResponse, PulseRound
from vangnet.pulse.public import review_trends

pytestmark = pytest.mark.django_db


def _closed_wave(people: dict[str, Any], capture: Any, score: int, answers: dict[str, int]) -> PulseRound:
    """A wave for the named units where every person scores every item `score` (after keying)."""
    with capture(execute=True):
        plan = services.plan_create(
            actor=people["coordinator"], title="Pulse", cadence="once",
            unit_ids=[people["units"][name].pk for name in answers],
            first_start=timezone.localdate())
    round_ = PulseRound.objects.filter(plan=plan).latest("pk")
    raw = {item.code: 8 - score if item.reverse else score for item in instrument().items}
    for name, count in answers.items():
        group = round_.groups.get(unit=people["units"][name])
        PulseResponse.objects.bulk_create(
            PulseResponse(round=round_, group=group, channel="personal", submitted=True,
                          answers=raw) for _ in range(count))
    services.round_close(actor=None, round_=round_)
    return round_


def test_the_signals_source_gives_scale_means_of_shown_teams_only(
        people: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    _closed_wave(people, django_capture_on_commit_callbacks, 6,
                 {"north": 6, "south": 5, "small": 3})
    source = next(s for s in installed_signal_sources() if s.key == "pulse")
    quarter = Quarter.of(timezone.localdate())
    organisation_id = people["coordinator"].organisation_id
    figures = list(source.figures(organisation_id=organisation_id, quarters=[quarter]))
    units = {people["units"][name].pk: name for name in ("north", "south", "small")}
    shown = {(units[f.unit_id], f.measure): f for f in figures if f.unit_id is not None}
    assert {name for name, _measure in shown} == {"north", "south"}  # Klein (3) never appears
    scales = {scale.code for scale in instrument().scales}
    assert {measure for _name, measure in shown} == {f"pulse.{code}" for code in scales}
    assert all(f.value == 6.0 and f.quarter == quarter for f in figures)
    assert shown[("north", "pulse.veiligheid")].people == 6
    # The organisation's own figure too (Klein's 3 answers are left out of it: fewer than k),
    # so that the speak-up alert can compare it with the advice-only contacts.
    whole = {f.measure: f for f in figures if f.unit_id is None}
    assert set(whole) == {f"pulse.{code}" for code in scales}
    assert whole["pulse.melden"].people == 11 and whole["pulse.melden"].margin is not None
    speak_up = [m.key for m in source.measures() if "speak_up" in m.tags]
    assert speak_up == ["pulse.melden"]
    assert list(source.figures(organisation_id=organisation_id, quarters=[quarter.previous()])) == []


def test_review_trends_compare_the_last_two_waves_for_who_may_see_them(
        people: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    coordinator = people["coordinator"]
    assert review_trends(actor=coordinator) == []  # no closed wave yet
    _closed_wave(people, django_capture_on_commit_callbacks, 6, {"north": 6, "south": 5})
    with translation.override("en"):
        first = review_trends(actor=coordinator)
        assert [t.display for t in first] == ["6.0"] * len(instrument().scales)
        _closed_wave(people, django_capture_on_commit_callbacks, 2, {"north": 6, "south": 5})
        second = review_trends(actor=coordinator)
        assert [t.label for t in second] == [str(s.name) for s in instrument().scales]
    assert {t.display for t in second} == {"2.0 (down from 6.0)"}
    employee = actor_for(people["members"]["north"][0])
    assert review_trends(actor=employee) == []
