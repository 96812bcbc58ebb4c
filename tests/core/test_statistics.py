"""core.statistics against DOMAIN.md's worked examples (to 4 decimals) and, on random data,
against an independent implementation written differently (numpy matrix algebra: covariance
matrix for α, a variance-components decomposition for the ICCs)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vangnet.core.statistics import (
    Interval,
    change_is_beyond_uncertainty,
    cronbach_alpha,
    expected_random_variance,
    icc,
    mean_interval,
    r_wg,
    r_wg_j,
    r_wg_j_lindell,
    reverse,
    t_quantile_975,
)

TEAMS = [[4, 5, 5, 6], [3, 3, 4, 2], [5, 4, 4, 3]]
RAW = [[2, 6, 2, 6, 3, 5, 6], [3, 5, 3, 5, 3, 5, 5], [1, 7, 2, 6, 2, 6, 7],
       [4, 4, 5, 4, 4, 3, 4], [5, 3, 4, 3, 5, 4, 3]]
REVERSED_ITEMS = (0, 2, 4)  # items 1, 3 and 5


def keyed(rows: list[list[int]]) -> list[list[float]]:
    return [[reverse(x, 7) if j in REVERSED_ITEMS else x for j, x in enumerate(row)]
            for row in rows]


def test_expected_variance_under_random_answering() -> None:
    assert expected_random_variance(5) == 2.0
    assert expected_random_variance(7) == 4.0


def test_worked_example_icc_of_three_teams() -> None:
    result = icc(TEAMS)
    assert result is not None
    assert round(result.msb, 4) == 4.0
    assert round(result.msw, 4) == 0.6667
    assert round(result.icc1, 4) == 0.5556
    assert round(result.icc2, 4) == 0.8333
    assert result.k == 4
    assert [round(r_wg(team, options=7) or -1, 4) for team in TEAMS] == [0.8333] * 3


def test_worked_example_one_team_on_seven_items() -> None:
    rows = keyed(RAW)
    assert round(cronbach_alpha(rows) or -1, 5) == 0.98289
    assert round(r_wg_j(rows, options=7) or -1, 5) == 0.88261
    assert round(r_wg_j_lindell(rows, options=7) or -1, 5) == 0.51786


def test_worked_example_r_wg_edges() -> None:
    assert r_wg([1, 5, 1, 5], options=5) == 0.0  # truncated
    assert r_wg([4, 4, 4, 4], options=5) == 1.0
    assert r_wg([4], options=5) is None


def test_reverse_keying_matters_for_alpha() -> None:
    # Without reversing, the items pull against each other: α collapses.
    assert (cronbach_alpha([[float(x) for x in row] for row in RAW]) or 0) < 0


@pytest.mark.parametrize(("df", "expected"), [(1, 12.7062), (4, 2.7764), (30, 2.0423),
                                              (40, 2.0211), (60, 2.0003), (120, 1.9799)])
def test_t_quantiles(df: int, expected: float) -> None:
    assert t_quantile_975(df) == pytest.approx(expected, abs=2e-4)


def test_interval_and_change_flag() -> None:
    interval = mean_interval([4, 5, 5, 6])
    assert interval is not None
    assert interval.mean == 5
    # s = 0.8165, se = 0.4082, t(3) = 3.1824 → half width 1.2992
    assert round(interval.half_width, 4) == 1.2992
    assert mean_interval([3]) is None
    same = Interval(mean=5.0, low=4.0, high=6.0, n=20)
    assert not change_is_beyond_uncertainty(same, Interval(mean=5.5, low=4.5, high=6.5, n=20))
    assert change_is_beyond_uncertainty(same, Interval(mean=7.0, low=6.5, high=7.5, n=20))


# --- independent implementation ---------------------------------------------------------------


def alpha_numpy(rows: list[list[int]]) -> float:
    matrix = np.cov(np.array(rows, dtype=float), rowvar=False, ddof=1)
    items = matrix.shape[0]
    return float(items / (items - 1) * (1 - np.trace(matrix) / matrix.sum()))


def icc_numpy(teams: list[list[int]]) -> tuple[float, float]:
    values = np.concatenate([np.array(t, dtype=float) for t in teams])
    labels = np.concatenate([np.full(len(t), i) for i, t in enumerate(teams)])
    sizes = np.bincount(labels)
    means = np.bincount(labels, weights=values) / sizes
    total_ss = ((values - values.mean()) ** 2).sum()
    within_ss = ((values - means[labels]) ** 2).sum()
    between_ss = total_ss - within_ss
    g, n = len(teams), len(values)
    msb, msw = between_ss / (g - 1), within_ss / (n - g)
    k = (n - (sizes ** 2).sum() / n) / (g - 1)
    return float((msb - msw) / (msb + (k - 1) * msw)), float((msb - msw) / msb)


answers = st.integers(min_value=1, max_value=7)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=2, max_value=8).flatmap(
    lambda j: st.lists(st.lists(answers, min_size=j, max_size=j), min_size=3, max_size=25)))
def test_alpha_agrees_with_numpy(rows: list[list[int]]) -> None:
    ours = cronbach_alpha([[float(x) for x in row] for row in rows])
    total = np.array(rows).sum(axis=1)
    if total.var() == 0:
        assert ours is None
        return
    assert ours == pytest.approx(alpha_numpy(rows), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(answers, min_size=2, max_size=15), min_size=2, max_size=10))
# Teams that barely differ: ICC(2) about −1,925, where an absolute tolerance alone failed.
@example([[5, 2, 7, 6, 2, 6, 2, 3, 2, 4, 2, 3, 2, 1], [1, 1, 5, 7, 1, 5]])
def test_icc_agrees_with_numpy(teams: list[list[int]]) -> None:
    ours = icc(teams)
    means = [float(np.mean(t)) for t in teams]
    if max(means) == min(means):
        assert ours is None
        return
    assert ours is not None
    icc1, icc2 = icc_numpy(teams)
    # Relative as well as absolute: ICC(2) can reach thousands below zero when the teams barely
    # differ, and two correct float implementations then differ after the eleventh digit.
    assert ours.icc1 == pytest.approx(icc1, rel=1e-9, abs=1e-9)
    assert ours.icc2 == pytest.approx(icc2, rel=1e-9, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(answers, min_size=2, max_size=30))
def test_r_wg_bounds_and_definition(values: list[int]) -> None:
    result = r_wg(values, options=7)
    assert result is not None
    assert 0.0 <= result <= 1.0
    s2 = float(np.var(values, ddof=1))
    assert result == pytest.approx(max(0.0, 1 - s2 / 4.0), abs=1e-12)
