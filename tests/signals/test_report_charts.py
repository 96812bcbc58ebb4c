"""The quarterly report's charts: readable in print and on a phone (labels at least 9 pt), each
with a table of the same figures, and a sentence instead of an empty chart where every figure is
hidden (issue 17)."""

from __future__ import annotations

import io
import re
from math import hypot
from typing import Any

import pytest
from pypdf import PdfReader

from vangnet.signals.report import CHART_WIDTH_IN, PRINT_WIDTH_CM, report_blocks
from vangnet.signals.selectors import dashboard_for

from .conftest import Org

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg.*?</svg>", re.S)


def _smallest_font_px_at(svg: str, rendered_width_px: float) -> float:
    """The smallest text in the chart, in CSS pixels, when the chart is drawn that wide (the way
    the cases yearly report measures its charts)."""
    match = re.search(r'viewBox="0 0 ([\d.]+) ', svg)
    assert match
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes, "the chart has text"
    return min(sizes) * rendered_width_px / float(match.group(1))


def _measure_part(html: str, key: str) -> str:
    """The report's part about one measure: from its heading to the next measure or source."""
    part = html[html.index(f'id="measure-{key.replace(".", "")}"'):]
    ends = [i for i in (part.find('class="vn-signals-measure"'), part.find("</section>")) if i > 0]
    return part[:min(ends)]


def _report(client: Any, org: Org, member: Any) -> str:
    client.force_login(member.user)
    response = client.get(f"/o/{org.organisation.slug}/signalen/rapport/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_chart_labels_are_at_least_9_pt_on_a_phone_and_in_print(client: Any, org: Org) -> None:
    charts = SVG.findall(_report(client, org, org.coordinator))
    assert len(charts) >= 3
    for svg in charts:
        # A 390 px phone leaves about 350 px for the chart (signals.css never squeezes it
        # more); 9 pt = 12 px.
        assert _smallest_font_px_at(svg, 350) >= 12
        # The PDF prints it PRINT_WIDTH_CM wide: 1 cm = 72 / 2.54 pt.
        assert _smallest_font_px_at(svg, PRINT_WIDTH_CM * 72 / 2.54) >= 9
        # Drawn no narrower than its width (bbox "tight" may only trim margins a little).
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
        assert width <= CHART_WIDTH_IN * 72 * 1.15


def test_the_pdf_prints_every_text_at_9_pt_or_more(client: Any, org: Org) -> None:
    """Measured in the PDF itself. WeasyPrint draws each text of an SVG as a form XObject; its
    size on paper is the font size times the text matrix times the matrix the page had when it
    drew the form (`Do`)."""
    client.force_login(org.coordinator.user)
    pdf = client.get(f"/o/{org.organisation.slug}/signalen/rapport.pdf")
    assert pdf.status_code == 200
    placed = {"scale": 1.0}
    sizes: list[tuple[float, bool, str]] = []

    def before(operator: bytes, args: Any, cm: list[float], tm: list[float]) -> None:
        if operator == b"Do":
            placed["scale"] = hypot(cm[0], cm[1])

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        scale = hypot(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
        in_chart = list(cm[:4]) == [1, 0, 0, 1]  # inside a form: the page's matrix is not in cm
        sizes.append((size * scale * (placed["scale"] if in_chart else 1.0), in_chart, text))

    for page in PdfReader(io.BytesIO(pdf.content)).pages:
        page.extract_text(visitor_operand_before=before, visitor_text=visit)
    chart_texts = [item for item in sizes if item[1]]
    assert any(re.fullmatch(r"20\d\d-K[1-4]", text.strip()) for _s, _c, text in chart_texts)
    assert min(size for size, _c, _t in chart_texts) >= 9
    assert min(size for size, _c, _t in sizes) >= 9 - 0.01


def test_every_chart_comes_with_a_table_of_the_same_figures(client: Any, org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.coordinator), for_report=True)
    items = [item for block in report_blocks(board) for item in block.items if item.svg]
    assert items
    html = _report(client, org, org.coordinator)
    for item in items:
        section = _measure_part(html, item.measure.key)
        assert "<svg" in section and "<table" in section
        for _row, cells in item.rows:
            for cell in cells:
                if cell.value is not None:
                    assert f">{cell.display}<" in section


def test_hidden_figures_are_explained_instead_of_an_empty_chart(client: Any, org: Org) -> None:
    # No case was received in these quarters: every count of reports is below the threshold, so
    # the source gave the figures as hidden.
    board = dashboard_for(actor=org.actor(org.works_council), for_report=True)
    items = {item.measure.key: item for block in report_blocks(board) for item in block.items}
    assert items["cases.reports"].hidden and items["cases.reports"].svg is None
    assert not items["hr.absence"].hidden and items["hr.absence"].svg
    html = _report(client, org, org.works_council)
    section = _measure_part(html, "cases.reports")
    assert 'data-testid="chart-hidden"' in section and "<svg" not in section
    assert "<table" not in section


def test_a_hidden_point_is_a_gap_in_the_line_never_a_zero(org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.coordinator), for_report=True)
    items = {item.measure.key: item for block in report_blocks(board) for item in block.items}
    absence = items["hr.absence"]
    # HR figures exist for the last three of the four quarters only: the first is a gap.
    assert absence.gaps
    assert absence.svg and "nan" not in absence.svg.lower()
    assert "0,0%" not in " ".join(c.display for _r, cells in absence.rows for c in cells)


def test_the_chart_draws_the_highest_units_shown_when_their_parent_is_hidden(org: Org) -> None:
    """The department is hidden for the routines (its atom would be Team Klein's four), so the
    chart draws the organisation and the teams below it, not the organisation alone."""
    board = dashboard_for(actor=org.actor(org.coordinator), for_report=True)
    items = {item.measure.key: item for block in report_blocks(board) for item in block.items}
    routines = items["toolbox.routines_held"]
    assert org.department.pk not in {row.unit_id for row, _cells in routines.rows}
    assert routines.charted == 3 and routines.svg
    assert "Team Jeugd" in routines.svg and "Team Wmo" in routines.svg
