"""HR figures: the CSV checks per row (Dutch), and the roll-up per unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from vangnet.core.signal_sources import Quarter
from vangnet.signals.hr import HRData, hr_figures, parse

UNITS = {"jeugd": 1, "wmo": 2, "sociaal domein": 3}
HEADER = "kwartaal;afdeling;bezetting;verzuim;ziekmeldingen;uitstroom;exitthemas\n"


@pytest.fixture(autouse=True)
def _dutch() -> None:
    translation.activate("nl")


def test_good_rows_are_read() -> None:
    parsed = parse(HEADER + "2026-K3;JEUGD;12;5,4;3;1;werkdruk=1\n", units=UNITS)
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row.quarter, row.unit_id, row.headcount, row.absence_percent) == (
        Quarter(2026, 3), 1, 12, Decimal("5.40"))
    assert row.exit_themes == {"werkdruk": 1}


def test_each_bad_row_is_reported_with_its_line_and_reason() -> None:
    text = HEADER + ("2026-K3;JEUGD;12;5,4;3;1;\n"
                     "2026-K5;onbekend;-1;120;x;1;\n"
                     "2026-K3;JEUGD;12;5,4;3;1;\n")
    parsed = parse(text, units=UNITS)
    assert [e["line"] for e in parsed.errors] == [3, 4]
    message = str(parsed.errors[0]["message"])
    assert "kwartaal" in message and "onbekend" in message and "verzuim" in message
    assert "bezetting" in message
    assert "regel 2" in str(parsed.errors[1]["message"])


def test_missing_columns_are_named() -> None:
    parsed = parse("kwartaal,afdeling\n2026-K3,JEUGD\n", units=UNITS)
    assert "bezetting" in str(parsed.errors[0]["message"])


def test_roll_up_weights_absence_by_headcount_and_hides_small_units() -> None:
    parents: dict[int, int | None] = {3: None, 1: 3, 2: 3}
    q = Quarter(2026, 3)
    figures = {(f.measure, f.unit_id): f for f in hr_figures(
        HRData([(1, q, 6, 4.0, 2, 0), (2, q, 4, 9.0, 1, 1)], parents), k=5)}
    assert figures[("hr.absence", 1)].value == 4.0
    assert figures[("hr.absence", 2)].value is None  # four people
    assert figures[("hr.absence", 3)].value == pytest.approx((6 * 4 + 4 * 9) / 10)
    assert figures[("hr.turnover", 3)].value == 10.0
    assert figures[("hr.sick_frequency", None)].people == 10
