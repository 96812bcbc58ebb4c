"""Suppression across units and sources (ADR 0091). Pure functions, no database.

Every source already hides a figure that stands on fewer than k people. What a source cannot see
is what a reader can work out by combining figures: a unit's figure minus those of its sub-units
describes the people directly in the unit (plus any hidden sub-unit), and for a mean or a
percentage that remainder is exact once the numbers of people are known or guessed. So:

- For every shown figure S (the organisation's own included), the *atom* of S is the group of
  people in S that no shown figure below it covers: S.people minus the people of its highest shown
  descendants. Every figure a reader can derive from the shown ones is a sum over atoms (the
  units form a tree, so the shown sets are nested or disjoint), so every atom must be empty or
  hold at least k people. Where it does not, the smallest highest shown descendant is hidden too
  (its atom merges into S's), until every atom is safe.
- Figures of different measures over the same people (the same `population`) are hidden together:
  a unit hidden for one of them is hidden for all in that quarter, so two sources cannot be
  played against each other (one showing a sub-unit the other hides).

- A measure whose unit figures cover the unit's own people only (`Measure.covers == "own"`, the
  pulse: ADR 0138) is reasoned about on a flat tree: its unit figures are disjoint groups, all
  inside the organisation's figure, so every unit hangs directly under the organisation. Read as
  subtrees, a department's own figure would look smaller than its teams together and be thrown
  away as inconsistent, while the organisation's remainder would be reckoned wrongly.

A hidden figure is never used for an alert either: an alert about a hidden unit would show it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from vangnet.core.signal_sources import Figure, Quarter

ORGANISATION = None


def _highest_shown_below(node: int | None, shown: set[int | None],
                         children: Mapping[int | None, list[int]]) -> list[int]:
    found: list[int] = []
    stack = list(children.get(node, []))
    while stack:
        unit = stack.pop()
        if unit in shown:
            found.append(unit)
        else:
            stack.extend(children.get(unit, []))
    return found


def _children_of(parents: Mapping[int, int | None]) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for unit, parent in parents.items():
        children.setdefault(parent, []).append(unit)
    return children


def hide_by_subtraction(people: Mapping[int | None, int], parents: Mapping[int, int | None],
                        k: int, forced: set[int | None] | None = None, *,
                        children: Mapping[int | None, list[int]] | None = None) -> set[int | None]:
    """The units (None: the organisation) whose figure must stay hidden, for one measure in one
    quarter. `people` holds every figure the source gave (shown or not), by unit; `forced` the
    units hidden already for another reason; `children` the tree worked out once by the caller."""
    if children is None:
        children = _children_of(parents)
    shown = {unit for unit, n in people.items() if n >= k} - (forced or set())
    hidden = set(people) - shown
    changed = True
    while changed:
        changed = False
        for node in sorted(shown, key=lambda u: (u is not None, u or 0)):
            if node not in shown:
                continue
            while True:  # hide below this node until its atom is safe, then go on
                below = _highest_shown_below(node, shown, children)
                atom = people[node] - sum(people[u] for u in below)
                if 0 < atom < k and below:
                    smallest = min(below, key=lambda u: (people[u], u))
                    shown.discard(smallest)
                    hidden.add(smallest)
                    changed = True
                    continue
                if atom < 0:  # inconsistent counts: do not show what we cannot reason about
                    shown.discard(node)
                    hidden.add(node)
                    changed = True
                break
    return hidden


def suppress_figures(figures: Iterable[Figure], *, population_of: Mapping[str, str],
                     parents: Mapping[int, int | None], k: int,
                     own_members: Collection[str] = ()) -> dict[tuple[str, int | None, Quarter],
                                                                 Figure]:
    """The figures that may be shown, keyed by (measure, unit, quarter); hidden ones are left out.

    `population_of` maps a measure to the people it describes (e.g. "members", "cases");
    `own_members` names the measures whose unit figures cover the unit's own people only."""
    by_group: dict[tuple[str, Quarter], list[Figure]] = {}
    for figure in figures:
        by_group.setdefault((figure.measure, figure.quarter), []).append(figure)
    flat: dict[int, int | None] = dict.fromkeys(parents)
    trees = {False: (parents, _children_of(parents)), True: (flat, _children_of(flat))}
    own = set(own_members)
    # A group's people and what its source hid, worked out once; the measures over the same
    # people in a quarter (the pulse's scales) usually give the same answer: reckoned once.
    inputs = {
        group_key: ({f.unit_id: (f.people if f.value is not None else 0) for f in group},
                    frozenset(f.unit_id for f in group if f.value is None))
        for group_key, group in by_group.items()}
    memo: dict[tuple[bool, frozenset[tuple[int | None, int]], frozenset[int | None]],
               set[int | None]] = {}
    hidden_in_population: dict[tuple[str, Quarter], set[int | None]] = {}
    changed = True
    while changed:  # hiding a unit for one measure may open an atom of another: repeat
        changed = False
        for (measure, quarter) in by_group:
            key = (population_of.get(measure, measure), quarter)
            before = hidden_in_population.setdefault(key, set())
            # A figure the source hid counts as 0 shown people: it covers no one.
            people, source_hidden = inputs[(measure, quarter)]
            is_own = measure in own
            memo_key = (is_own, frozenset(people.items()), frozenset(before))
            if memo_key not in memo:
                tree, children = trees[is_own]
                memo[memo_key] = hide_by_subtraction(people, tree, k, forced=before,
                                                     children=children)
            hidden = memo[memo_key] | source_hidden
            if not hidden <= before:
                before |= hidden
                changed = True
    shown: dict[tuple[str, int | None, Quarter], Figure] = {}
    for (measure, quarter), group in by_group.items():
        hidden = hidden_in_population[(population_of.get(measure, measure), quarter)]
        for figure in group:
            if figure.unit_id not in hidden and figure.value is not None and figure.people >= k:
                shown[(measure, figure.unit_id, quarter)] = figure
    return shown
