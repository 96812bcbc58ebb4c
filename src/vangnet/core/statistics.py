"""Survey statistics, one implementation for every app (issue 14; formulas in DOMAIN.md,
"Measuring psychological safety"). Pure functions on numbers: no database, no anonymity — the
caller decides through `core.anonymity` whether a figure may be shown at all.

A = number of answer options, J = number of items, s² = sample variance (n − 1).
- σ²_EU = (A² − 1) / 12: the variance of answers given at random.
- r_wg = 1 − s²/σ²_EU, truncated to 0 when s² > σ²_EU; undefined (None) for n < 2.
- r_wg(j) = J(1 − s̄²/σ²_EU) / (J(1 − s̄²/σ²_EU) + s̄²/σ²_EU), s̄² the mean item variance
  (truncated to 0 like r_wg when s̄² > σ²_EU); Lindell's r*_wg(j) = 1 − s̄²/σ²_EU.
- ICC(1) = (MSB − MSW) / (MSB + (k − 1)·MSW), ICC(2) = (MSB − MSW) / MSB from a one-way ANOVA of
  the teams; for unequal team sizes k = (N − Σn²/N) / (G − 1) (the usual adjusted mean size).
- Cronbach's α = J/(J − 1) · (1 − Σσ²_item / σ²_total) over complete rows.
- The 95 % interval of a mean: mean ± t(0.975, n − 1) · s/√n.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, variance

# t(0.975, df) for df = 1 … 30; beyond that a Cornish–Fisher expansion around the normal quantile
# (error < 1e-4 from df 30 on).
_T975 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
         2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
         2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423)


def t_quantile_975(df: int) -> float:
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = NormalDist().inv_cdf(0.975)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3


def expected_random_variance(options: int) -> float:
    """σ²_EU = (A² − 1) / 12."""
    return (options * options - 1) / 12


def reverse(value: float, options: int) -> float:
    """A reverse-keyed answer on a 1…A scale: (A + 1) − x."""
    return options + 1 - value


def r_wg(values: Sequence[float], *, options: int) -> float | None:
    if len(values) < 2:
        return None
    ratio = variance(values) / expected_random_variance(options)
    return 0.0 if ratio > 1 else 1 - ratio


def _mean_item_variance(rows: Sequence[Sequence[float]]) -> float | None:
    if len(rows) < 2 or not rows[0]:
        return None
    items = len(rows[0])
    return fmean(variance([row[j] for row in rows]) for j in range(items))


def r_wg_j(rows: Sequence[Sequence[float]], *, options: int) -> float | None:
    """James, Demaree & Wolf's multi-item agreement; rows are people, columns items."""
    mean_var = _mean_item_variance(rows)
    if mean_var is None:
        return None
    ratio = mean_var / expected_random_variance(options)
    if ratio > 1:
        return 0.0
    items = len(rows[0])
    return items * (1 - ratio) / (items * (1 - ratio) + ratio)


def r_wg_j_lindell(rows: Sequence[Sequence[float]], *, options: int) -> float | None:
    """Lindell's r*_wg(j) = 1 − s̄²/σ²_EU (not inflated by the number of items)."""
    mean_var = _mean_item_variance(rows)
    if mean_var is None:
        return None
    return 1 - mean_var / expected_random_variance(options)


@dataclass(frozen=True)
class ICC:
    icc1: float
    icc2: float
    msb: float
    msw: float
    k: float  # the team size used: the common size, or the adjusted mean for unequal sizes
    groups: int
    people: int


def icc(groups: Sequence[Sequence[float]]) -> ICC | None:
    """ICC(1) and ICC(2) of a score over teams (one-way ANOVA). None when fewer than two teams of
    at least two people, or when there is no variance at all."""
    groups = [list(g) for g in groups if len(g) >= 2]
    n_groups = len(groups)
    people = sum(len(g) for g in groups)
    if n_groups < 2 or people - n_groups < 1:
        return None
    grand = fmean(x for g in groups for x in g)
    ssb = sum(len(g) * (fmean(g) - grand) ** 2 for g in groups)
    ssw = sum((x - fmean(g)) ** 2 for g in groups for x in g)
    msb = ssb / (n_groups - 1)
    msw = ssw / (people - n_groups)
    if msb == 0:
        return None
    k = (people - sum(len(g) ** 2 for g in groups) / people) / (n_groups - 1)
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icc2 = (msb - msw) / msb
    return ICC(icc1=icc1, icc2=icc2, msb=msb, msw=msw, k=k, groups=n_groups, people=people)


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """α over complete rows (people × items, reverse-keyed items already reversed)."""
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    items = len(rows[0])
    item_vars = sum(variance([row[j] for row in rows]) for j in range(items))
    total_var = variance([sum(row) for row in rows])
    if total_var == 0:
        return None
    return items / (items - 1) * (1 - item_vars / total_var)


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def mean_interval(values: Sequence[float]) -> Interval | None:
    """The mean with its 95 % confidence interval (t distribution); None for fewer than 2."""
    n = len(values)
    if n < 2:
        return None
    mean = fmean(values)
    half = t_quantile_975(n - 1) * math.sqrt(variance(values) / n)
    return Interval(mean=mean, low=mean - half, high=mean + half, n=n)


def change_is_beyond_uncertainty(before: Interval, after: Interval) -> bool:
    """A change between two waves is flagged only when the difference of the means is larger than
    its own 95 % uncertainty: |Δ| > 1.96 · √(se₁² + se₂²), with each se from its interval."""
    se_before = before.half_width / t_quantile_975(before.n - 1)
    se_after = after.half_width / t_quantile_975(after.n - 1)
    z = NormalDist().inv_cdf(0.975)
    return abs(after.mean - before.mean) > z * math.sqrt(se_before ** 2 + se_after ** 2)
