"""A team's trend from per-unit result rows (ADR 0135): the same figures and gaps as when it was
read from every wave's whole snapshot, without reading the other teams' results; the rows of
waves closed before the rows existed come from a data migration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vangnet.core.statistics import Interval, change_is_beyond_uncertainty
from vangnet.organisations.models import Membership
from vangnet.pulse import selectors, services
from vangnet.pulse.content import instrument
from vangnet.pulse.models import (
    PulseGroup,
    PulsePlan,
    PulseResponse,
    PulseRound,
    PulseUnitResult,
    TeamAction,
)
from vangnet.pulse.selectors import TrendPoint


def _wave(plan: PulsePlan | None, organisation: Any, units: dict[Any, list[int]],
          days_ago: int) -> PulseRound:
    """A closed wave in which each unit's people gave these scores (closed `days_ago`)."""
    round_ = PulseRound.objects.create(organisation=organisation, plan=plan, title="Pulse",
                                       closes_on="2027-01-01")
    for unit, scores in units.items():
        group = PulseGroup.objects.create(round=round_, unit=unit, unit_name=unit.name,
                                          parent_unit_id=unit.parent_id, slug=f"u{unit.pk}")
        PulseResponse.objects.bulk_create(
            PulseResponse(round=round_, group=group, channel="personal", submitted=True,
                          answers={i.code: (8 - s if i.reverse else s)
                                   for i in instrument().items}) for s in scores)
    services.round_close(actor=None, round_=round_)
    PulseRound.objects.filter(pk=round_.pk).update(
        closed_at=timezone.now() - timedelta(days=days_ago))
    return PulseRound.objects.get(pk=round_.pk)


def _trends_from_snapshots(actor: Any, unit_ids: set[int],
                           plan: PulsePlan | None = None) -> dict[int, list[TrendPoint]]:
    """The trend as it was read before ADR 0135 (every closed wave's whole snapshot, kept here
    as the oracle): the new path must give exactly this."""
    rounds = PulseRound.objects.filter(organisation_id=actor.organisation_id,
                                       status=PulseRound.Status.CLOSED,
                                       groups__unit_id__in=unit_ids).distinct().order_by(
        "closed_at", "pk")
    if plan is not None:
        rounds = rounds.filter(plan=plan)
    actions: dict[tuple[int, int], list[str]] = {}
    for unit_id, round_id, text in TeamAction.objects.filter(unit_id__in=unit_ids).values_list(
            "unit_id", "round_id", "text"):
        actions.setdefault((unit_id, round_id), []).append(text)
    points: dict[int, list[TrendPoint]] = {unit_id: [] for unit_id in unit_ids}
    previous: dict[tuple[int, str], Interval] = {}
    for round_id, wave, closed_at, data in rounds.values_list("pk", "wave", "closed_at",
                                                             "results"):
        for unit in (data or {}).get("units", []):
            unit_id = unit["unit_id"]
            if unit_id not in unit_ids:
                continue
            for scale, figures in (unit["scales"] if unit["shown"] else {}).items():
                interval = (Interval(mean=figures["mean"], low=figures["low"],
                                     high=figures["high"], n=figures["n"])
                            if figures["mean"] is not None else None)
                before = previous.get((unit_id, scale))
                points[unit_id].append(TrendPoint(
                    round_id=round_id, wave=wave, closed_at=closed_at, scale=scale,
                    mean=figures["mean"], low=figures["low"], high=figures["high"],
                    n=figures["n"], changed=bool(interval and before and
                                                 change_is_beyond_uncertainty(before, interval)),
                    actions=actions.get((unit_id, round_id), [])))
                if interval:
                    previous[(unit_id, scale)] = interval
            if not unit["shown"]:
                points[unit_id].append(TrendPoint(
                    round_id=round_id, wave=wave, closed_at=closed_at, scale="", mean=None,
                    low=None, high=None, n=None, changed=False, actions=[]))
    return points


@pytest.fixture
def history(organisation: Any, people: dict[str, Any]) -> dict[str, Any]:
    """Seven waves over two plans in which teams are shown, below k, held back across waves
    (ADR 0110: 6 → 7 answers), and changed beyond the uncertainty; with an agreed action."""
    units = people["units"]
    north, south, small, other = units["north"], units["south"], units["small"], units["other"]
    plan = PulsePlan.objects.create(organisation=organisation, title="Pulse zorg")
    second_plan = PulsePlan.objects.create(organisation=organisation, title="Pulse facilitair")
    waves = [
        _wave(plan, organisation, {north: [6, 6, 5, 6, 7, 6], south: [4, 4, 5, 4, 4],
                                   small: [2, 3, 2]}, 70),
        _wave(second_plan, organisation, {other: [5, 5, 5, 6, 6], north: [5] * 6}, 65),
        _wave(plan, organisation, {north: [6, 6, 5, 6, 7, 6, 1], south: [4, 4, 5, 4, 4],
                                   small: [2, 3, 2, 3, 3]}, 60),
        _wave(plan, organisation, {north: [2, 2, 3, 2, 2, 3], south: [1, 1]}, 50),
        _wave(plan, organisation, {north: [6, 7, 7, 6, 7, 7, 6, 6, 7, 7, 6],
                                   south: [7, 7, 6, 7, 7]}, 40),
        _wave(second_plan, organisation, {other: [1, 2, 1, 2, 1]}, 30),
        _wave(plan, organisation, {north: [], south: [4, 4, 4, 4, 4], small: [7] * 5}, 20),
    ]
    TeamAction.objects.create(organisation=organisation, round=waves[3], unit=north,
                              text="Elke week een check-in")
    return {"plan": plan, "second_plan": second_plan, "waves": waves}


@pytest.mark.django_db
def test_the_trend_from_unit_rows_is_the_trend_from_the_snapshots(
        people: dict[str, Any], history: dict[str, Any]) -> None:
    units = people["units"]
    every = {units[name].pk for name in ("north", "south", "small", "other", "department")}
    coordinator = people["coordinator"]
    new = selectors.unit_trends(actor=coordinator, unit_ids=every)
    assert new == _trends_from_snapshots(coordinator, every)
    # The data is rich enough for the comparison to mean something: figures, gaps for each of
    # the three reasons, a change flagged, an action shown, and the unit without waves empty.
    north = new[units["north"].pk]
    reasons = {u["reason"] for w in history["waves"] for u in w.results["units"]
               if not u["shown"]}
    assert reasons == {"too_few", "too_close"}
    assert any(p.scale == "" for p in north) and any(p.mean for p in north)
    assert any(p.changed for p in north)
    assert any(p.actions == ["Elke week een check-in"] for p in north)
    assert new[units["department"].pk] == []
    for plan in (history["plan"], history["second_plan"]):
        assert selectors.unit_trends(actor=coordinator, unit_ids=every, plan=plan) == (
            _trends_from_snapshots(coordinator, every, plan))
    # The manager sees their own units only, the same in both paths.
    manager = people["manager"]
    seen = selectors.unit_trends(actor=manager, unit_ids=every)
    assert set(seen) == {units[n].pk for n in ("north", "south", "small", "department")}
    assert seen == _trends_from_snapshots(manager, set(seen))


@pytest.mark.django_db
def test_the_trend_page_and_api_read_only_that_teams_rows(
        client: Any, organisation: Any, people: dict[str, Any], history: dict[str, Any]) -> None:
    client.force_login(Membership.objects.get(pk=people["coordinator"].membership_id).user)
    north = people["units"]["north"]
    for url in (reverse("pulse:unit_trend", args=[organisation.slug, north.pk]),
                f"/api/v1/pulse/units/{north.pk}/trend"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        assert '"pulse_pulseunitresult"' in sql
        # The whole snapshot of a wave (every team's results) is never read for one team.
        assert '"pulse_pulseround"."results"' not in sql


@pytest.mark.django_db
def test_closing_a_wave_keeps_one_row_per_unit_equal_to_its_snapshot_entry(
        organisation: Any, people: dict[str, Any], history: dict[str, Any]) -> None:
    for wave in history["waves"]:
        rows = {r.group_id: r for r in PulseUnitResult.objects.filter(round=wave)}
        entries = wave.results["units"]
        assert len(rows) == len(entries)
        for entry in entries:
            row = rows[entry["group_id"]]
            assert row.unit_id == entry["unit_id"] and row.entry == entry


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_gives_waves_closed_before_their_rows(
        organisation: Any, people: dict[str, Any]) -> None:
    units = people["units"]
    north, south = units["north"], units["south"]
    plan = PulsePlan.objects.create(organisation=organisation, title="Pulse zorg")
    closed = [_wave(plan, organisation, {north: [6, 6, 5, 6, 7, 6], south: [1, 2]}, 40),
              _wave(plan, organisation, {north: [6, 6, 5, 6, 7, 6, 2], south: [4] * 5}, 20)]
    wanted = {north.pk, south.pk}
    before = selectors.unit_trends(actor=people["coordinator"], unit_ids=wanted)
    assert before[north.pk] and before[south.pk]
    # Back to before the data migration: the rows' table exists, empty, like a database that
    # closed these waves before the rows existed.
    old = _migrate([("pulse", "0003_unit_results")])
    assert old.get_model("pulse", "PulseUnitResult").objects.count() == 0
    # An open wave (no snapshot) gets no rows.
    PulseRound.objects.create(organisation=organisation, plan=plan, title="Open",
                              closes_on="2027-01-01")
    _migrate([("pulse", "0004_unit_results_from_snapshots")])
    assert PulseUnitResult.objects.count() == sum(len(w.results["units"]) for w in closed)
    for wave in closed:
        for entry in wave.results["units"]:
            row = PulseUnitResult.objects.get(round=wave, group_id=entry["group_id"])
            assert row.unit_id == entry["unit_id"] and row.entry == entry
    assert selectors.unit_trends(actor=people["coordinator"], unit_ids=wanted) == before
    # A wave closed after the migration gets its rows from closing, once.
    later = _wave(plan, organisation, {north: [6] * 6, south: [4] * 5}, 5)
    assert PulseUnitResult.objects.filter(round=later).count() == 2
