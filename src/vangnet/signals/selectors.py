"""Reads of the signals app: the dashboard, scoped to the actor (ADR 0090–0093).

One pass: every installed source gives its figures for the organisation (a constant number of
queries per source, whatever the number of units), `suppression.suppress_figures` removes what
could be worked out by subtraction, the alerts are found on what remains, and only then is the
view cut down to what this actor may see. Cutting down afterwards only removes figures, so each
person's view is a part of one safe whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from vangnet.cases.public import AdvisorPatternSignal, advisor_pattern_signals
from vangnet.core.anonymity import threshold
from vangnet.core.app import installed_signal_sources
from vangnet.core.signal_sources import Figure, Measure, Quarter, Subtrees, last_quarters
from vangnet.organisations.public import Actor, managed_unit_ids_of, units_in

from . import permissions
from .alerts import Alert, find_alerts, follow_up
from .models import AlertAction, HRImport
from .suppression import suppress_figures

Key = tuple[str, int | None, Quarter]


@dataclass(frozen=True)
class Cell:
    value: float | None
    display: str


@dataclass
class Row:
    unit_id: int | None
    name: str
    depth: int
    cells: dict[str, list[Cell]]  # measure key -> one cell per quarter


@dataclass
class SourceBlock:
    key: str
    label: str
    measures: list[Measure]


@dataclass(frozen=True)
class Change:
    """One measure of an alert that became an action: its figure then and in the latest quarter
    shown ("–" where it is not shown)."""

    label: str
    then: str
    now: str


@dataclass
class ActionFollowUp:
    alert_key: str
    action_id: int
    unit_id: int | None
    quarter: Quarter
    result: str  # better / worse / same / unknown
    kind: str = ""
    unit_name: str = ""
    changes: list[Change] = field(default_factory=list)


@dataclass
class Dashboard:
    k: int
    scope: str
    quarters: list[Quarter]
    latest: Quarter
    sources: list[SourceBlock]
    rows: list[Row]
    alerts: list[Alert]
    follow_ups: list[ActionFollowUp] = field(default_factory=list)
    unit_names: dict[int, str] = field(default_factory=dict)
    # The advisors' view only (ADR 0125): their open pattern signals, from cases' public face.
    pattern_signals: list[AdvisorPatternSignal] = field(default_factory=list)
    advisor_view: bool = False
    # Measures with any figure (shown or hidden) for a visible unit in the quarters shown: the
    # report says "hidden" for these instead of drawing an empty chart.
    measured: set[str] = field(default_factory=set)

    @property
    def named_alerts(self) -> list[tuple[Alert, str]]:
        """Each alert with its unit's name ("" for the organisation), for the list."""
        return [(a, "" if a.unit_id is None else self.unit_names.get(a.unit_id, ""))
                for a in self.alerts]

    def alert(self, key: str) -> Alert | None:
        return next((a for a in self.alerts if a.key == key), None)


def fmt(measure: Measure, value: float) -> str:
    if measure.kind in ("count", "days"):
        return str(round(value))
    text = f"{value:.1f}".replace(".", ",")
    return f"{text}%" if measure.kind == "percent" else text


def current_quarter() -> Quarter:
    return Quarter.of(timezone.localdate())


def _visible_units(actor: Actor, scope: str, parents: dict[int, int | None]) -> set[int | None]:
    if scope == "all":
        return {None, *parents}
    if scope == "organisation":
        return {None}
    if scope == "managed":
        below = Subtrees(parents).below
        managed = managed_unit_ids_of(membership_id=actor.membership_id)
        return {u for m in managed if m in below for u in below[m]}
    return set()


def dashboard_for(*, actor: Actor, latest: Quarter | None = None, count: int = 4,
                  for_report: bool = False) -> Dashboard:
    """The dashboard as this actor may see it. `for_report`: the quarterly report for management
    and the works council, which never carries what is advisor-only, whoever makes it."""
    scope = permissions.dashboard_scope(actor)
    if scope == "none":
        raise Http404
    latest = latest or current_quarter()
    quarters = last_quarters(latest, count)
    k = threshold()
    units = list(units_in(organisation_id=actor.organisation_id)
                 .values_list("pk", "name", "parent_id"))
    parents: dict[int, int | None] = {pk: parent for pk, _name, parent in units}
    names = {pk: name for pk, name, _parent in units}
    measures: dict[str, Measure] = {}
    source_of: dict[str, str] = {}
    blocks: list[SourceBlock] = []
    figures: list[Figure] = []
    advisor = permissions.can_see_advisor_only(actor) and not for_report
    # Alerts look at the latest quarter and the two before it; a follow-up at its alert's
    # quarter (up to two before the first one shown). Only those quarters are fetched and
    # suppressed (each quarter is suppressed on its own, so leaving others out changes nothing).
    links = list(AlertAction.objects.filter(
        organisation_id=actor.organisation_id)[:50])
    reach = last_quarters(latest, count + 2)
    needed = {*quarters, *last_quarters(latest, 3)} | {
        since for link in links if (since := Quarter(link.year, link.quarter)) in reach}
    wide = [q for q in reach if q >= min(needed)]
    for source in installed_signal_sources():
        own = [m for m in source.measures() if advisor or not m.advisor_only]
        for measure in own:
            measures[measure.key] = measure
            source_of[measure.key] = source.key
        blocks.append(SourceBlock(source.key, str(source.label), own))
        figures += [f for f in source.figures(organisation_id=actor.organisation_id,
                                              quarters=wide) if f.measure in measures]
    population_of = {key: m.population or key for key, m in measures.items()}
    own_members = {key for key, m in measures.items() if m.covers == "own"}
    shown = suppress_figures(figures, population_of=population_of, parents=parents, k=k,
                             own_members=own_members)
    visible = _visible_units(actor, scope, parents)
    shown = {key: f for key, f in shown.items() if key[1] in visible}
    alerts = find_alerts(shown, measures=measures, source_of=source_of, quarter=latest)
    in_view = set(quarters)
    measured: set[str] = set()
    for f in figures:  # the cheap test first: most figures are of a measure already found
        if f.measure not in measured and f.unit_id in visible and f.quarter in in_view:
            measured.add(f.measure)
    rows = _rows(shown, measures, quarters, parents, names, visible)
    follow_ups = [_follow_up(link, shown, measures, names, latest)
                  for link in links if link.unit_id in visible]
    return Dashboard(k=k, scope=scope, quarters=quarters, latest=latest,
                     sources=[b for b in blocks if b.measures], rows=rows, alerts=alerts,
                     follow_ups=follow_ups, unit_names=names, advisor_view=advisor, measured=measured,
                     pattern_signals=advisor_pattern_signals(actor=actor) if advisor else [])


def _follow_up(link: AlertAction, shown: dict[Key, Figure], measures: dict[str, Measure],
               names: dict[int, str], latest: Quarter) -> ActionFollowUp:
    """What happened to an alert's figures after it became an action: each measure then (the
    alert's quarter) and now (the latest quarter shown), and whether all moved the right way."""
    since = Quarter(link.year, link.quarter)
    keys = [key for key in link.measures if key in measures]
    changes = []
    for key in keys:
        then, now = shown.get((key, link.unit_id, since)), shown.get((key, link.unit_id, latest))
        changes.append(Change(
            str(measures[key].label),
            "–" if then is None or then.value is None else fmt(measures[key], then.value),
            "–" if now is None or now.value is None or latest <= since
            else fmt(measures[key], now.value)))
    return ActionFollowUp(
        link.alert_key, link.action_id, link.unit_id, since,
        follow_up(shown, measures=measures, measure_keys=keys, unit_id=link.unit_id, since=since,
                  latest=latest),
        kind=link.alert_key.split(":", 1)[0],
        unit_name="" if link.unit_id is None else names.get(link.unit_id, ""), changes=changes)


def _rows(shown: dict[Key, Figure], measures: dict[str, Measure], quarters: Sequence[Quarter],
          parents: dict[int, int | None], names: dict[int, str],
          visible: set[int | None]) -> list[Row]:
    """Tree order; a unit without any shown figure in the quarters shown appears nowhere."""
    children: dict[int | None, list[int]] = {}
    for unit, parent in parents.items():
        children.setdefault(parent, []).append(unit)
    order: list[tuple[int | None, int]] = [(None, 0)]
    stack: list[tuple[int, int]] = [
        (u, 1) for u in sorted(children.get(None, []), key=lambda u: names[u], reverse=True)]
    while stack:
        node, level = stack.pop()
        order.append((node, level))
        stack += [(c, level + 1) for c in sorted(children.get(node, []), key=lambda u: names[u],
                                                 reverse=True)]
    # Each unit's shown figures by measure and quarter, grouped once (not a lookup per unit,
    # measure and quarter: most units have figures for only some measures).
    position = {quarter: i for i, quarter in enumerate(quarters)}
    by_unit: dict[int | None, dict[str, list[float | None]]] = {}
    for (key, figure_unit, quarter), figure in shown.items():
        at = position.get(quarter)
        if at is None or figure.value is None or figure_unit not in visible:
            continue
        line = by_unit.setdefault(figure_unit, {}).setdefault(key, [None] * len(quarters))
        line[at] = figure.value
    empty = Cell(None, "–")
    rows: list[Row] = []
    for row_unit, depth in order:
        values = by_unit.get(row_unit)
        if not values:
            continue
        cells = {key: [empty if value is None else Cell(value, fmt(measure, value))
                       for value in values[key]]
                 for key, measure in measures.items() if key in values}
        rows.append(Row(row_unit, "" if row_unit is None else names[row_unit], depth, cells))
    return rows


def hr_imports_for(*, actor: Actor) -> list[HRImport]:
    if not permissions.can_manage_hr_figures(actor):
        raise Http404
    return list(HRImport.objects.filter(organisation_id=actor.organisation_id)[:10])


def hr_import_get(*, actor: Actor, pk: int) -> HRImport:
    if not permissions.can_manage_hr_figures(actor):
        raise Http404
    job = HRImport.objects.filter(organisation_id=actor.organisation_id, pk=pk).first()
    if job is None:
        raise Http404
    return job


def unit_keys(*, organisation_id: int) -> dict[str, int]:
    """Unit code and exact name (case-insensitive) -> id, for the import."""
    keys: dict[str, int] = {}
    for pk, code, name in units_in(organisation_id=organisation_id).values_list("pk", "code", "name"):
        keys.setdefault(name.casefold(), pk)
        if code:
            keys[code.casefold()] = pk
    return keys
