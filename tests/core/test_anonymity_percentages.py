"""Percentages never reveal a small number ("60% of 5" says 3 and 2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.core.anonymity import banded_cell, percentage_if_allowed


def test_a_base_of_four_is_never_a_percentage() -> None:
    for part in range(5):
        assert percentage_if_allowed(part, 4) is None


def test_a_base_of_five_shows_only_what_reveals_no_small_group() -> None:
    # The finding: "60% (van 5)" told that 3 said yes and 2 said no.
    assert percentage_if_allowed(3, 5) is None
    assert percentage_if_allowed(2, 5) is None
    assert percentage_if_allowed(1, 5) is None
    assert percentage_if_allowed(4, 5) is None
    assert percentage_if_allowed(5, 5) == 100.0
    assert percentage_if_allowed(0, 5) == 0.0


def test_a_large_base_still_hides_a_small_remainder() -> None:
    assert percentage_if_allowed(18, 20) is None  # "90% of 20": 2 said no
    assert percentage_if_allowed(15, 20) == 75.0
    assert percentage_if_allowed(0, 0) is None


def test_a_stricter_k_is_respected() -> None:
    assert percentage_if_allowed(5, 10, k=6) is None
    assert percentage_if_allowed(5, 10) == 50.0


def test_impossible_input_is_refused() -> None:
    with pytest.raises(ValueError):
        percentage_if_allowed(6, 5)
    with pytest.raises(ValueError):
        percentage_if_allowed(-1, 5)


@given(part=st.integers(0, 60), extra=st.integers(0, 60), k=st.integers(3, 10))
def test_a_shown_percentage_never_implies_a_count_below_k(part: int, extra: int, k: int) -> None:
    base = part + extra
    value = percentage_if_allowed(part, base, k=k)
    if value is not None:
        implied_yes = round(value * base / 100)
        implied_no = base - implied_yes
        assert base >= k
        assert implied_yes == 0 or implied_yes >= k
        assert implied_no == 0 or implied_no >= k


def test_bands_change_only_in_steps_of_k() -> None:
    assert banded_cell(0).display == "0"
    assert [banded_cell(n).display for n in (1, 2, 4)] == ["< 5"] * 3
    assert [banded_cell(n).display for n in (5, 6, 9)] == ["5–9"] * 3
    assert banded_cell(10).display == "10–14"
    assert banded_cell(12, k=6).display == "12–17"
