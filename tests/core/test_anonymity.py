"""The anonymity module: worked examples and properties that must hold for any input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.core.anonymity import (
    Cell,
    groups_to_report,
    mean_if_allowed,
    suppress_counts,
    suppress_table,
    suppress_table_with_totals,
    threshold,
    total_cell,
)

# --- threshold -------------------------------------------------------------------------------


def test_threshold_defaults_to_five(settings):
    settings.VANGNET_ANONYMITY_THRESHOLD = 5
    assert threshold() == 5


def test_threshold_is_never_below_the_minimum(settings):
    settings.VANGNET_ANONYMITY_THRESHOLD = 1
    settings.VANGNET_ANONYMITY_MINIMUM = 3
    assert threshold() == 3
    # An explicit k cannot go below the minimum either.
    assert suppress_counts({"a": 2, "b": 10}, k=1)["a"].suppressed


def test_display_names_the_actual_threshold(settings):
    settings.VANGNET_ANONYMITY_THRESHOLD = 7
    cells = suppress_counts({"a": 3, "b": 4, "c": 20})
    assert cells["a"] == Cell(count=None, suppressed=True, display="< 7")


# --- worked examples, one dimension ----------------------------------------------------------


def test_primary_and_complementary_suppression():
    # 2 is small. With the total (32) known, hiding only 2 would give it away (32 − 30),
    # so the next-smallest cell (10) is hidden with it.
    cells = suppress_counts({"pesten": 2, "intimidatie": 10, "werkdruk": 20}, k=5)
    assert cells["pesten"].suppressed and cells["intimidatie"].suppressed
    assert cells["werkdruk"] == Cell(count=20, suppressed=False, display="20")


def test_two_small_cells_that_together_are_still_small_get_a_third():
    cells = suppress_counts({"a": 1, "b": 2, "c": 6, "d": 9}, k=5)
    assert [key for key, cell in cells.items() if cell.suppressed] == ["a", "b", "c"]


def test_two_small_cells_that_together_reach_k_are_enough():
    cells = suppress_counts({"a": 2, "b": 3, "c": 6, "d": 9}, k=5)
    assert [key for key, cell in cells.items() if cell.suppressed] == ["a", "b"]


def test_zero_is_shown_and_never_used_as_a_complement():
    cells = suppress_counts({"a": 0, "b": 3, "c": 6}, k=5)
    assert cells["a"] == Cell.shown(0)
    assert cells["b"].suppressed and cells["c"].suppressed


def test_a_small_total_hides_everything_including_zeros():
    cells = suppress_counts({"a": 0, "b": 3, "c": 1}, k=5)
    assert all(cell.suppressed for cell in cells.values())
    assert total_cell(4, k=5).suppressed
    assert not total_cell(0, k=5).suppressed


def test_nothing_to_hide_means_nothing_hidden():
    cells = suppress_counts({"a": 5, "b": 0, "c": 12}, k=5)
    assert not any(cell.suppressed for cell in cells.values())


# --- worked examples, cross-tab --------------------------------------------------------------


def test_table_worked_example():
    table = {
        "Team Jeugd": {"pesten": 6, "intimidatie": 2, "werkdruk": 9},
        "Team Wmo": {"pesten": 7, "intimidatie": 8, "werkdruk": 5},
        "ICT": {"pesten": 5, "intimidatie": 6, "werkdruk": 12},
    }
    result = suppress_table_with_totals(table, k=5)
    hidden = {(r, c) for r, row in result.cells.items() for c, cell in row.items()
              if cell.suppressed}
    # The 2 is hidden; its row and its column each need a second hidden cell, and the
    # rectangle is closed so that none of the four can be solved.
    assert ("Team Jeugd", "intimidatie") in hidden
    assert len(hidden) == 4
    _assert_table_safe(table, result, 5)


def test_table_row_with_small_total_is_hidden_with_its_total():
    table = {"A": {"x": 1, "y": 2}, "B": {"x": 10, "y": 12}, "C": {"x": 7, "y": 9}}
    result = suppress_table_with_totals(table, k=5)
    assert result.row_totals["A"].suppressed
    assert all(cell.suppressed for cell in result.cells["A"].values())
    _assert_table_safe(table, result, 5)
    assert suppress_table(table, k=5) == result.cells


# --- group plans and means ---------------------------------------------------------------------


def test_groups_big_alone_two_small_merged():
    plan = groups_to_report({"management": 8, "hr": 3, "or": 4, "employees": 40}, k=5)
    assert plan.alone == ("management", "employees")
    assert plan.merged == ("hr", "or")
    assert plan.dropped == ()
    assert set(plan.included) == {"management", "employees", "hr", "or"}


def test_one_small_group_is_dropped_from_everything():
    # Merging one group of 3 would just rename it; keeping it in the overall figure would let
    # overall − management − employees describe it. So it is left out.
    plan = groups_to_report({"management": 8, "or": 3, "employees": 40}, k=5)
    assert plan.merged == ()
    assert plan.dropped == ("or",)
    assert plan.included == ("management", "employees")


def test_small_groups_that_together_stay_small_are_dropped():
    plan = groups_to_report({"employees": 20, "hr": 1, "or": 2}, k=5)
    assert plan.dropped == ("hr", "or")
    assert plan.merged == ()


def test_empty_groups_are_listed_apart():
    plan = groups_to_report({"employees": 20, "hr": 0}, k=5)
    assert plan.empty == ("hr",)
    assert plan.included == ("employees",)


def test_mean_if_allowed():
    assert mean_if_allowed([1, 2, 3, 4], k=5) is None
    assert mean_if_allowed([1, 2, 3, 4, 5], k=5) == 3
    assert mean_if_allowed([], k=5) is None


# --- properties --------------------------------------------------------------------------------

ks = st.integers(min_value=3, max_value=8)
count_vectors = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(counts=count_vectors, k=ks)
def test_property_vector_no_small_figure_and_nothing_derivable(counts, k):
    cells = suppress_counts(dict(enumerate(counts)), k=k)
    total = sum(counts)
    shown = {i: c for i, c in cells.items() if not c.suppressed}
    hidden = [i for i, c in cells.items() if c.suppressed]
    # No shown figure describes fewer than k people.
    for i, cell in shown.items():
        assert cell.count == counts[i]
        assert cell.count == 0 or cell.count >= k
    if 0 < total < k:
        assert len(hidden) == len(counts)
        return
    if hidden:
        # total − shown = the sum of the hidden cells: there are at least two of them, and
        # together they describe at least k people.
        assert len(hidden) >= 2
        assert total - sum(c.count for c in shown.values()) == sum(counts[i] for i in hidden)
        assert sum(counts[i] for i in hidden) >= k


def _lines(table, rows, columns):
    """Each relation of the augmented table as (parts, total) position lists."""
    lines = []
    for r in [*rows, "*"]:
        lines.append(([(r, c) for c in columns], (r, "*")))
    for c in [*columns, "*"]:
        lines.append(([(r, c) for r in rows], ("*", c)))
    return lines


def _assert_table_safe(table, result, k):
    rows = list(table)
    columns = list(next(iter(table.values())))
    value = {}
    cell = {}
    for r in rows:
        for c in columns:
            value[(r, c)] = table[r][c]
            cell[(r, c)] = result.cells[r][c]
        value[(r, "*")] = sum(table[r].values())
        cell[(r, "*")] = result.row_totals[r]
    for c in columns:
        value[("*", c)] = sum(table[r][c] for r in rows)
        cell[("*", c)] = result.column_totals[c]
    value[("*", "*")] = sum(value[(r, "*")] for r in rows)
    cell[("*", "*")] = result.grand_total
    # No shown figure (cell or total) describes fewer than k people.
    for pos, c in cell.items():
        if not c.suppressed:
            assert c.count == value[pos]
            assert c.count == 0 or c.count >= k, pos
    # Per row and column: subtracting the shown cells from the shown total never gives away a
    # hidden cell or a hidden group of fewer than k.
    for parts, total in _lines(table, rows, columns):
        hidden_parts = [p for p in parts if cell[p].suppressed]
        if cell[total].suppressed:
            assert hidden_parts or value[total] == 0
            continue
        if hidden_parts and value[total] > 0:  # a shown 0 total says its parts are 0: fine
            assert len(hidden_parts) >= 2, (parts, total)
            assert sum(value[p] for p in hidden_parts) >= k
    # Stronger: no single hidden figure is determined by all relations together (linear algebra:
    # e_i lies in the row space of the constraint matrix restricted to the hidden figures).
    # (A hidden part of a line whose total is shown as 0 is known to be 0: that is no disclosure.)
    known_zero = {p for parts, total in _lines(table, rows, columns)
                  if not cell[total].suppressed and value[total] == 0 for p in parts}
    hidden = [pos for pos, c in cell.items() if c.suppressed and pos not in known_zero]
    if not hidden:
        return
    index = {pos: n for n, pos in enumerate(hidden)}
    matrix = []
    for parts, total in _lines(table, rows, columns):
        row = [0.0] * len(hidden)
        for p in parts:
            if p in index:
                row[index[p]] += 1
        if total in index:
            row[index[total]] -= 1
        matrix.append(row)
    a = np.array(matrix)
    rank = np.linalg.matrix_rank(a)
    for pos, n in index.items():
        unit = np.zeros(len(hidden))
        unit[n] = 1
        assert np.linalg.matrix_rank(np.vstack([a, unit])) > rank, f"{pos} can be derived"


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda n_rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=15), min_size=n_cols, max_size=n_cols),
            min_size=n_rows, max_size=n_rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(grid=tables, k=ks)
def test_property_table_no_small_figure_and_nothing_derivable(grid, k):
    table = {f"r{i}": {f"c{j}": v for j, v in enumerate(row)} for i, row in enumerate(grid)}
    result = suppress_table_with_totals(table, k=k)
    _assert_table_safe(table, result, k)


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=7), k=ks)
def test_property_group_plan(sizes, k):
    groups = {f"g{i}": n for i, n in enumerate(sizes)}
    plan = groups_to_report(groups, k=k)
    assert set(plan.alone) | set(plan.merged) | set(plan.dropped) | set(plan.empty) == set(groups)
    for g in plan.alone:
        assert groups[g] >= k
    merged = sum(groups[g] for g in plan.merged)
    assert merged == 0 or (merged >= k and len(plan.merged) >= 2)
    # Overall (of the included groups) minus every group shown alone leaves either nothing or
    # the merged group, which is large enough and made of at least two groups.
    overall = sum(groups[g] for g in plan.included)
    assert overall - sum(groups[g] for g in plan.alone) == merged
    for g in plan.dropped:
        assert 0 < groups[g] < k


@pytest.mark.parametrize("values,k,expected", [([4.0] * 5, 5, 4.0), ([4.0] * 4, 5, None)])
def test_mean_examples(values, k, expected):
    assert mean_if_allowed(values, k=k) == expected
