"""The quarterly report's charts (issue 17): one line chart per measure over the quarters, with
its data table, readable in print.

A chart draws at most `MAX_LINES` lines: the organisation and the highest units shown; the table
below it has every unit the reader may see. A hidden figure is a gap in a line, never a zero. A measure
whose figures were all hidden gets a sentence saying so instead of an empty chart.

Size: drawn `CHART_WIDTH_IN` wide with every text `CHART_FONT_PT`; the PDF prints it
`PRINT_WIDTH_CM` wide and the page never shows it narrower than about 350 px (signals.css), so
every label is at least 9 pt on paper and 12 px (9 pt) on a 390 px phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from vangnet.core.signal_sources import Measure, MeasureKind

from .selectors import Cell, Dashboard, Row, fmt

MAX_LINES = 5
CHART_WIDTH_IN = 4.5
CHART_FONT_PT = 12.0
PRINT_WIDTH_CM = 12.0


@dataclass
class ChartItem:
    measure: Measure
    rows: list[tuple[Row, list[Cell]]]
    svg: str | None = None
    hidden: bool = False  # there were figures, but none may be shown: say so, draw nothing
    gaps: bool = False  # some point of a drawn line is hidden
    charted: int = 0  # lines drawn

    @property
    def more_in_table(self) -> bool:
        return len(self.rows) > self.charted


@dataclass
class ReportBlock:
    key: str
    label: str
    items: list[ChartItem] = field(default_factory=list)


def _chart(board: Dashboard, measure: Measure, rows: list[tuple[Row, list[Cell]]],
           index: int) -> tuple[str, int, bool]:
    # The highest rows first (the organisation, then the highest units shown), in table order.
    chosen = {id(row) for row, _cells in sorted(rows, key=lambda item: item[0].depth)[:MAX_LINES]}
    drawn = [(row, cells) for row, cells in rows if id(row) in chosen]
    series = tuple((row.name if row.unit_id is not None else _("Whole organisation"),
                    tuple(cell.value for cell in cells)) for row, cells in drawn)
    svg = _svg(f"chart-{index}", str(measure.label), tuple(q.label for q in board.quarters),
               series, measure.kind)
    gaps = any(value is None for _name, values in series for value in values)
    return svg, len(drawn), gaps


@lru_cache(maxsize=256)
def _svg(chart_id: str, title: str, x_labels: tuple[str, ...],
         series: tuple[tuple[str, tuple[float | None, ...]], ...], kind: MeasureKind) -> str:
    """Drawing takes matplotlib tens of milliseconds a chart; the same figures (the report, then
    its PDF) are drawn once per process. Only shown figures and labels are in the key."""
    from vangnet.core.charts import line_chart  # noqa: PLC0415 - matplotlib only for the report

    shape = Measure("chart", title, kind, True)
    return line_chart(chart_id=chart_id, title=title, x_labels=x_labels, series=series,
                      value_format=lambda value: fmt(shape, value), from_zero=kind != "score",
                      width_in=CHART_WIDTH_IN, font_size=CHART_FONT_PT)


def report_blocks(board: Dashboard) -> list[ReportBlock]:
    """Per source, per measure that had figures in these quarters: a chart and its table, or
    the reason there is no chart."""
    blocks: list[ReportBlock] = []
    index = 0
    for source in board.sources:
        block = ReportBlock(source.key, source.label)
        for measure in source.measures:
            rows = [(row, row.cells[measure.key]) for row in board.rows if measure.key in row.cells]
            if not rows:
                if measure.key in board.measured:
                    block.items.append(ChartItem(measure, [], hidden=True))
                continue
            index += 1
            svg, charted, gaps = _chart(board, measure, rows, index)
            block.items.append(ChartItem(measure, rows, svg=svg, gaps=gaps, charted=charted))
        if block.items:
            blocks.append(block)
    return blocks
