"""The rule across survey waves (core.anonymity.wave_may_be_shown, issue 14): no figure may be
derivable between two waves where the respondents barely changed. Property-based: for every
series of respondent counts, the published waves never differ by 1 … k−1 people, whichever two
are compared; and nothing is held back that the rule does not need."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from vangnet.core.anonymity import wave_may_be_shown, waves_to_show

series = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12)
thresholds = st.integers(min_value=3, max_value=10)


def test_examples() -> None:
    # 6 answered, then 7 (one more), then 6 again, then 11 (five more), then 10.
    assert waves_to_show([6, 7, 6, 11, 10], k=5) == [True, False, True, True, False]
    assert not wave_may_be_shown(4, earlier=[], k=5)  # below the threshold anyway
    assert wave_may_be_shown(5, earlier=[], k=5)
    assert wave_may_be_shown(12, earlier=[12, 7], k=5)
    assert not wave_may_be_shown(12, earlier=[14], k=5)
    # The hard minimum holds whatever k is asked.
    assert not wave_may_be_shown(2, earlier=[], k=1)


@given(series, thresholds)
def test_shown_waves_never_differ_by_fewer_than_k(counts: list[int], k: int) -> None:
    shown = [n for n, ok in zip(counts, waves_to_show(counts, k=k), strict=True) if ok]
    assert all(n >= k for n in shown)
    for i, first in enumerate(shown):
        for second in shown[i + 1:]:
            assert first == second or abs(first - second) >= k


@given(series, thresholds)
def test_nothing_is_held_back_without_need(counts: list[int], k: int) -> None:
    decisions = waves_to_show(counts, k=k)
    for index, (n, ok) in enumerate(zip(counts, decisions, strict=True)):
        if ok:
            continue
        earlier = [m for m, shown in zip(counts[:index], decisions[:index], strict=True) if shown]
        assert n < k or any(0 < abs(n - m) < k for m in earlier)


@given(st.lists(st.integers(min_value=1, max_value=7), min_size=3, max_size=40),
       st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=9), thresholds)
def test_the_attack_on_stable_answers_gets_nobody_alone(stayers: list[int],
                                                       newcomers: list[int], k: int) -> None:
    """The reader's attack: the same people answered the same in both waves, a few more came.
    From two published means and counts, n₂·m₂ − n₁·m₁ is exactly the newcomers' total. The rule
    publishes both waves only when the newcomers are at least k, so that total never describes
    fewer than k people."""
    before, after = stayers, stayers + newcomers
    if not wave_may_be_shown(len(before), earlier=[], k=k):
        return
    if not wave_may_be_shown(len(after), earlier=[len(before)], k=k):
        assert 0 < len(newcomers) < k or len(after) < k
        return
    mean_before = Fraction(sum(before), len(before))
    mean_after = Fraction(sum(after), len(after))
    derived = mean_after * len(after) - mean_before * len(before)
    assert derived == sum(newcomers)
    assert len(newcomers) >= k  # whom that total describes: k people or more
