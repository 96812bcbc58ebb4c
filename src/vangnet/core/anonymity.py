"""Small numbers are never shown: one module decides it for every app (see docs/adr/0020).

Three kinds of protection, all driven by the threshold k (default 5, never below 3):

- *primary suppression*: a count 0 < n < k is not shown;
- *complementary suppression*: where a total is known (shown separately, or derivable as the sum
  of the shown cells plus the suppressed ones), suppressed cells could be worked out by
  subtraction. So every line (a vector with its total, or a row/column of a table) must have
  either no suppressed cell, or at least two suppressed cells that together describe at least k
  people; otherwise the next-smallest shown cell is suppressed as well;
- *group plans*: groups of respondents are reported alone (n ≥ k), merged into "overig" (only
  when the merged group has ≥ k people, which needs at least two small groups so none can be
  recovered by subtraction), or left out of every figure, the overall ones included.

A shown 0 is allowed: it describes nobody. The exception is a line whose total itself is below k:
then every cell of it, zeros included, is suppressed, because together they describe the answers
of fewer than k people.

*Across time* (figures of the same selection in successive survey waves): were the respondents
of two waves nearly the same people, and answered those the same, the difference of the two
figures (n₂·m₂ − n₁·m₁) would describe the few who came or went. So a wave's figure is shown only
when its number of respondents differs from that of every earlier shown wave of the same
selection by 0 or by at least k (`wave_may_be_shown`, `waves_to_show`); live counts use bands
(`banded_cell`).

Every suppressed cell gets the same mark ("< 5"), whether it was suppressed for being small or to
protect another cell: distinguishing the two would let a reader narrow the hidden values down.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)
G = TypeVar("G", bound=Hashable)

DEFAULT_THRESHOLD = 5
DEFAULT_MINIMUM = 3


def minimum() -> int:
    return int(getattr(settings, "VANGNET_ANONYMITY_MINIMUM", DEFAULT_MINIMUM))


def threshold() -> int:
    """The configured reporting minimum; a configuration below the hard minimum is raised to it."""
    configured = int(getattr(settings, "VANGNET_ANONYMITY_THRESHOLD", DEFAULT_THRESHOLD))
    return max(configured, minimum())


def _k(k: int | None) -> int:
    """An explicit k may be stricter than the setting, never looser than the hard minimum."""
    return threshold() if k is None else max(int(k), minimum())


def counting_size(*, bound: int, unbound: int, shared_risk_accepted: bool) -> int:
    """How many answers of a survey group count towards the threshold (ADR 0053): only those
    through personal links bound to members, unless the organisation accepted in writing that
    shared-link (and unbound) answers count. Padding through a link nobody is bound to never lifts
    a group over the threshold on its own."""
    return bound + unbound if shared_risk_accepted else bound


def suppressed_label(k: int | None = None) -> str:
    return f"< {_k(k)}"


@dataclass(frozen=True)
class Cell:
    count: int | None  # None when suppressed
    suppressed: bool
    display: str

    @classmethod
    def shown(cls, count: int) -> Cell:
        return cls(count=count, suppressed=False, display=str(count))

    @classmethod
    def hidden(cls, k: int) -> Cell:
        return cls(count=None, suppressed=True, display=f"< {k}")


def _line_is_safe(values: Sequence[int], suppressed: set[int], total_suppressed: bool,
                  k: int) -> bool:
    """One linear relation `sum(parts) == total`, as a reader sees it.

    With the total known, the suppressed parts add up to a known figure: there must be at least
    two of them (or one is given away) and together they must describe at least k people.
    With the total hidden too, one more unknown is enough: total − parts equals the shown sum.
    """
    if not suppressed:
        return True
    if total_suppressed:
        return True  # the total plus at least one part are unknown: nothing single is derivable
    if len(suppressed) < 2:
        return False
    return sum(values[i] for i in suppressed) >= k


def _next_to_suppress(values: Sequence[int], suppressed: set[int],
                      prefer: set[int] | None = None) -> int | None:
    """The smallest shown non-zero part (a zero adds nothing to a suppressed group's size)."""
    candidates = [i for i, v in enumerate(values) if i not in suppressed and v > 0]
    if not candidates:
        return None
    prefer = prefer or set()
    return min(candidates, key=lambda i: (values[i], i not in prefer, i))


def suppress_counts(counts: Mapping[K, int], *, k: int | None = None,
                    total: int | None = None) -> dict[K, Cell]:
    """Suppress a vector of counts whose total is (or may be) shown.

    `total` is the figure shown beside the counts (e.g. the number of respondents); without it
    the sum of the counts is assumed to be known, which is the safe assumption. When that total
    is below k, every cell is suppressed, zeros included: the caller must not show the total
    either (use `total_cell`).
    """
    k = _k(k)
    keys = list(counts)
    values = [int(counts[key]) for key in keys]
    if any(v < 0 for v in values):
        raise ValueError("counts cannot be negative")
    overall = sum(values) if total is None else int(total)
    if 0 < overall < k or (total is not None and 0 < sum(values) < k):
        return {key: Cell.hidden(k) for key in keys}
    suppressed = {i for i, v in enumerate(values) if 0 < v < k}
    while not _line_is_safe(values, suppressed, False, k):
        extra = _next_to_suppress(values, suppressed)
        if extra is None:
            break
        suppressed.add(extra)
    return {
        key: Cell.hidden(k) if i in suppressed else Cell.shown(values[i])
        for i, key in enumerate(keys)
    }


def total_cell(total: int, *, k: int | None = None) -> Cell:
    """A total on its own: shown when 0 or at least k."""
    k = _k(k)
    return Cell.hidden(k) if 0 < total < k else Cell.shown(total)


@dataclass
class TableResult(Generic[R, C]):
    cells: dict[R, dict[C, Cell]]
    row_totals: dict[R, Cell]
    column_totals: dict[C, Cell]
    grand_total: Cell


def suppress_table_with_totals(table: Mapping[R, Mapping[C, int]], *,
                               k: int | None = None) -> TableResult[R, C]:
    """Suppress a cross-tab together with its row totals, column totals and grand total.

    The table plus its margins is a set of linear relations: each row sums to its row total,
    each column to its column total, the row totals and the column totals each to the grand
    total. The rule of `suppress_counts` is applied to every relation until nothing changes.
    """
    k = _k(k)
    rows = list(table)
    columns: list[C] = []
    for row in rows:
        for column in table[row]:
            if column not in columns:
                columns.append(column)
    # Cells of the augmented table: (i, j) with i == len(rows) the total row, j == len(columns)
    # the total column.
    n_r, n_c = len(rows), len(columns)
    value: dict[tuple[int, int], int] = {}
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            v = int(table[row].get(column, 0))
            if v < 0:
                raise ValueError("counts cannot be negative")
            value[(i, j)] = v
    for i in range(n_r):
        value[(i, n_c)] = sum(value[(i, j)] for j in range(n_c))
    for j in range(n_c + 1):
        value[(n_r, j)] = sum(value[(i, j)] for i in range(n_r))
    suppressed = {pos for pos, v in value.items() if 0 < v < k}
    # A row or column with a small total hides its zeros as well (see module docstring), except
    # zeros whose crossing line totals 0: those are known to be 0 whatever we do.
    for i in range(n_r):
        if 0 < value[(i, n_c)] < k:
            suppressed |= {(i, j) for j in range(n_c) if value[(n_r, j)] > 0}
    for j in range(n_c):
        if 0 < value[(n_r, j)] < k:
            suppressed |= {(i, j) for i in range(n_r) if value[(i, n_c)] > 0}

    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    for i in range(n_r + 1):
        lines.append(([(i, j) for j in range(n_c)], (i, n_c)))
    for j in range(n_c + 1):
        lines.append(([(i, j) for i in range(n_r)], (n_r, j)))

    changed = True
    while changed:
        changed = False
        for parts, total_pos in lines:
            while True:
                vals = [value[p] for p in parts]
                hidden = {idx for idx, p in enumerate(parts) if p in suppressed}
                total_hidden = total_pos in suppressed
                if value[total_pos] == 0:
                    break  # a zero total says every part is zero: nothing more to hide
                if total_hidden and not hidden and any(vals):
                    # A hidden total with every part shown is just their sum: hide one part.
                    hidden_ok = False
                else:
                    hidden_ok = _line_is_safe(vals, hidden, total_hidden, k)
                if hidden_ok:
                    break
                # Prefer a cell whose crossing line already has a hidden cell: fewer cascades.
                prefer = {idx for idx, p in enumerate(parts) if _crossing_has_hidden(
                    p, parts, suppressed, n_r, n_c)}
                extra = _next_to_suppress(vals, hidden, prefer)
                if extra is None:
                    if not total_hidden and any(vals):
                        suppressed.add(total_pos)
                        changed = True
                        continue
                    break
                suppressed.add(parts[extra])
                changed = True

        # Lines one by one are not enough: combining relations (e.g. a column with the row totals)
        # can still pin a hidden figure. A hidden figure is the edge (row i, column j) of a
        # bipartite graph; it is determined exactly when that edge is a bridge (on no cycle).
        bridge = _first_bridge(suppressed, value)
        if bridge is not None:
            closer = _cycle_closer(bridge, suppressed, value)
            if closer is not None:
                suppressed.add(closer)
                changed = True

    def cell(pos: tuple[int, int]) -> Cell:
        return Cell.hidden(k) if pos in suppressed else Cell.shown(value[pos])

    return TableResult(
        cells={row: {column: cell((i, j)) for j, column in enumerate(columns)}
               for i, row in enumerate(rows)},
        row_totals={row: cell((i, n_c)) for i, row in enumerate(rows)},
        column_totals={column: cell((n_r, j)) for j, column in enumerate(columns)},
        grand_total=cell((n_r, n_c)),
    )


def _component(start: tuple[str, int], edges: set[tuple[int, int]]) -> set[tuple[str, int]]:
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for i, j in edges:
        adjacency.setdefault(("r", i), []).append(("c", j))
        adjacency.setdefault(("c", j), []).append(("r", i))
    seen = {start}
    stack = [start]
    while stack:
        for nxt in adjacency.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _first_bridge(suppressed: set[tuple[int, int]],
                  value: Mapping[tuple[int, int], int]) -> tuple[int, int] | None:
    # Figures on a line whose total is 0 are known to be 0 and form no part of the puzzle.
    edges = {p for p in suppressed if value[p] > 0 or _not_in_zero_line(p, value)}
    for edge in sorted(edges):
        rest = edges - {edge}
        if ("c", edge[1]) not in _component(("r", edge[0]), rest):
            return edge
    return None


def _not_in_zero_line(pos: tuple[int, int], value: Mapping[tuple[int, int], int]) -> bool:
    i, j = pos
    n_r = max(p[0] for p in value)
    n_c = max(p[1] for p in value)
    return value[(i, n_c)] != 0 and value[(n_r, j)] != 0


def _cycle_closer(bridge: tuple[int, int], suppressed: set[tuple[int, int]],
                  value: Mapping[tuple[int, int], int]) -> tuple[int, int] | None:
    """A shown figure to hide so that the bridge lies on a cycle (or at least grows its side)."""
    rest = suppressed - {bridge}
    side_u = _component(("r", bridge[0]), rest)
    side_v = _component(("c", bridge[1]), rest)
    shown = [p for p in value if p not in suppressed and _not_in_zero_line(p, value)]

    def connects(p: tuple[int, int]) -> bool:
        a, b = ("r", p[0]), ("c", p[1])
        return (a in side_u and b in side_v) or (a in side_v and b in side_u)

    closing = [p for p in shown if connects(p)]
    if not closing:
        closing = [p for p in shown if p[0] == bridge[0] or p[1] == bridge[1]] or shown
    if not closing:
        closing = [p for p in value if p not in suppressed]
    if not closing:
        return None
    return min(closing, key=lambda p: (value[p] == 0, value[p], p))


def _crossing_has_hidden(pos: tuple[int, int], parts: list[tuple[int, int]],
                         suppressed: set[tuple[int, int]], n_r: int, n_c: int) -> bool:
    i, j = pos
    same_row = all(p[0] == i for p in parts)
    if same_row:
        crossing = [(r, j) for r in range(n_r + 1) if r != i]
    else:
        crossing = [(i, c) for c in range(n_c + 1) if c != j]
    return any(p in suppressed for p in crossing)


def suppress_table(table: Mapping[R, Mapping[C, int]], *,
                   k: int | None = None) -> dict[R, dict[C, Cell]]:
    """Suppress a cross-tab (e.g. category × unit) whose row and column totals are shown.

    Use `suppress_table_with_totals` to get the totals' cells too: a total below k is hidden,
    and then its line is protected as well.
    """
    return suppress_table_with_totals(table, k=k).cells


@dataclass(frozen=True)
class GroupPlan(Generic[G]):
    """Which groups a report may show, and how.

    `alone`: shown as their own group. `merged`: shown together as "overig" (empty when there is
    no merged group). `dropped`: too small and not safely mergeable: left out of EVERY figure,
    the overall ones included. `empty`: no respondents. `included` is what overall figures use.
    """

    k: int
    alone: tuple[G, ...]
    merged: tuple[G, ...]
    dropped: tuple[G, ...]
    empty: tuple[G, ...] = field(default_factory=tuple)

    @property
    def included(self) -> tuple[G, ...]:
        return self.alone + self.merged

    @property
    def has_merged(self) -> bool:
        return bool(self.merged)

    def is_hidden(self, group: G) -> bool:
        return group in self.dropped or group in self.merged


def groups_to_report(sizes: Mapping[G, int], *, k: int | None = None) -> GroupPlan[G]:
    """Decide per group of respondents whether it is shown alone, merged or dropped.

    Groups of at least k are shown alone. Smaller groups are merged into "overig" only when the
    merged group has at least k people; since each small group has fewer than k, that takes at
    least two of them, so none can be recovered by subtracting the shown groups from the overall
    figure. Otherwise they are dropped from every figure: were they kept in the overall figure,
    overall minus the shown groups would describe them.
    """
    k = _k(k)
    alone = tuple(g for g, n in sizes.items() if n >= k)
    small = tuple(g for g, n in sizes.items() if 0 < n < k)
    empty = tuple(g for g, n in sizes.items() if n <= 0)
    merged_size = sum(sizes[g] for g in small)
    if small and merged_size >= k and len(small) >= 2:
        return GroupPlan(k=k, alone=alone, merged=small, dropped=(), empty=empty)
    return GroupPlan(k=k, alone=alone, merged=(), dropped=small, empty=empty)


def mean_if_allowed(values: Sequence[float], *, k: int | None = None) -> float | None:
    """The mean of the values when at least k people gave them; None otherwise."""
    k = _k(k)
    if len(values) < k:
        return None
    return sum(values) / len(values)


def percentage_if_allowed(part: int, base: int, *, k: int | None = None) -> float | None:
    """The percentage `part / base`, or None when it would reveal a small number.

    A percentage shown beside its base is two counts in disguise: `part` and `base − part`
    ("60% of 5" says 3 and 2). So it follows the rule for counts: the base must be at least k,
    and neither count may lie between 0 and k (0 describes nobody and may show, as in
    `suppress_counts`). "100% of 5" stays visible: everyone gave the same answer, which
    docs/adr/0020 accepts for a group of at least k.
    """
    k = _k(k)
    if part < 0 or base < 0 or part > base:
        raise ValueError("a part must lie between 0 and its base")
    if base < k:
        return None
    rest = base - part
    if 0 < part < k or 0 < rest < k:
        return None
    return 100.0 * part / base


def wave_may_be_shown(respondents: int, *, earlier: Iterable[int],
                      k: int | None = None) -> bool:
    """May a wave's figure about `respondents` people be shown, given the respondent counts of
    the earlier shown waves of the same selection?

    Only when it reaches k, and differs from every earlier shown wave by 0 or by at least k. A
    difference of 1 … k−1 would let a reader who assumes that the others answered as before work
    out the answers of the few who came or went (n₂·m₂ − n₁·m₁); equal counts leave at least one
    newcomer and one leaver mixed, and k or more describe k or more people. The rule holds for
    every pair, not only neighbours: wave 1 and wave 4 can be compared as well as 3 and 4.
    """
    k = _k(k)
    if respondents < k:
        return False
    return all(respondents == before or abs(respondents - before) >= k for before in earlier)


def waves_to_show(counts: Sequence[int], *, k: int | None = None) -> list[bool]:
    """`wave_may_be_shown` over a series of waves in order: which ones may be shown."""
    shown: list[int] = []
    result = []
    for respondents in counts:
        allowed = wave_may_be_shown(respondents, earlier=shown, k=k)
        result.append(allowed)
        if allowed:
            shown.append(respondents)
    return result


def banded_cell(total: int, *, k: int | None = None) -> Cell:
    """A count that people see again and again as it grows, shown in bands of k ("5–9").

    A figure watched over time gives away each single addition (4 → 5 → 6: "one more case,
    today"). In bands of k a change shows only once k more have come, except at the moment a
    band is crossed; below k it is "< k" as everywhere. Use it for live figures that cannot wait
    for a closed period (docs/adr/0020).
    """
    k = _k(k)
    if total <= 0:
        return Cell.shown(0)
    if total < k:
        return Cell.hidden(k)
    low = (total // k) * k
    return Cell(count=None, suppressed=False, display=f"{low}–{low + k - 1}")


def change_if_shown(current: Cell, previous: Cell | None) -> int | None:
    """The change from last period's published figure to this one's, only when both are shown.

    Both figures are already public in their own period's report, so their difference tells
    nothing new. A hidden figure on either side gives no change at all: "6 → < 5" next to the
    change "−2" would reveal the hidden 4 (subtraction across periods)."""
    if previous is None or current.suppressed or previous.suppressed:
        return None
    if current.count is None or previous.count is None:  # a band ("5–9") is not a count
        return None
    return current.count - previous.count
