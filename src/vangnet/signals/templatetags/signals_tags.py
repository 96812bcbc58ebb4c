from __future__ import annotations

from django import template

from ..selectors import Cell, Dashboard, Row

register = template.Library()


@register.simple_tag
def rows_for(board: Dashboard, measure: str) -> list[tuple[Row, list[Cell]]]:
    """The rows that show this measure, with their cells."""
    return [(row, row.cells[measure]) for row in board.rows if measure in row.cells]
