"""One wave's results in three more shapes: PDF, CSV and the API's JSON; and the trend of a team
over its waves as a chart with its table (ADR 0081, 0110).

Everything here is built from what `selectors.wave_view` and `selectors.unit_trends` give one
reader: the suppressed snapshot, cut to the units this reader may see. Nothing reads answers, and a
unit below the threshold is never named: the shapes carry only how many units were left out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vangnet.core.charts import interval_trend_chart
from vangnet.core.csvsafe import csv_writer
from vangnet.toolbox.public import render_pdf

from .content import OPTIONS, Instrument
from .selectors import TrendPoint, WaveView

# The chart's text size in points at the width it is printed (the PDF prints it at that width):
# labels stay readable on paper (≥ 9 pt).
CHART_FONT_PT = 10.0
CHART_WIDTH_IN = 6.6
# The width the PDF prints the chart at (a little narrower than the page's 182 mm text width).
CHART_WIDTH_MM = 170


@dataclass(frozen=True)
class TrendCell:
    mean: float
    low: float
    high: float
    n: int
    changed: bool


@dataclass(frozen=True)
class TrendWave:
    """One closed wave of one unit: per scale a figure, or None when the unit had too few
    answers (a gap)."""

    round_id: int
    wave: int
    closed_at: Any
    label: str
    cells: dict[str, TrendCell | None]
    actions: list[str]


def trend_waves(points: list[TrendPoint], instrument: Instrument) -> list[TrendWave]:
    """The unit's waves in order, each with a cell per scale (None: not shown)."""
    order: list[int] = []
    by_round: dict[int, list[TrendPoint]] = {}
    for point in points:
        if point.round_id not in by_round:
            order.append(point.round_id)
        by_round.setdefault(point.round_id, []).append(point)
    waves = []
    for round_id in order:
        wave_points = by_round[round_id]
        first = wave_points[0]
        cells: dict[str, TrendCell | None] = {}
        for scale in instrument.scales:
            found = next((p for p in wave_points if p.scale == scale.code), None)
            cells[scale.code] = (None if found is None or found.mean is None or found.low is None
                                 or found.high is None or found.n is None
                                 else TrendCell(found.mean, found.low, found.high, found.n,
                                                found.changed))
        actions = next((p.actions for p in wave_points if p.actions), [])
        label = date_format(first.closed_at, "j M Y") if first.closed_at else str(first.wave)
        waves.append(TrendWave(round_id=round_id, wave=first.wave, closed_at=first.closed_at,
                               label=label, cells=cells, actions=actions))
    return waves


def trend_chart(waves: list[TrendWave], instrument: Instrument, *, chart_id: str,
                unit_name: str) -> str:
    """Both scales over the waves with their 95 % intervals; nothing when no wave has a figure."""
    if not any(cell for wave in waves for cell in wave.cells.values()):
        return ""
    series = []
    changed = []
    for scale in instrument.scales:
        cells = [wave.cells[scale.code] for wave in waves]
        series.append((str(scale.name), [None if c is None else (c.mean, c.low, c.high)
                                         for c in cells]))
        changed.append([bool(c and c.changed) for c in cells])
    return interval_trend_chart(
        chart_id=chart_id, title=_("%(name)s: score per wave with its 95%% interval")
        % {"name": unit_name},
        labels=[wave.label for wave in waves], series=series, low=1, high=OPTIONS,
        value_label=_("score (1–7)"), changed=changed, width_in=CHART_WIDTH_IN,
        font_size=CHART_FONT_PT)


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def wave_csv(*, view: WaveView, instrument: Instrument) -> str:
    """Long format, one row per figure, only what this reader sees on the page. A unit below the
    threshold is not named: one row says how many were left out."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # unit names and titles are typed by people: never a formula
    title = view.round.title
    closed = view.round.closed_at.date().isoformat() if view.round.closed_at else ""
    writer.writerow([_("wave"), _("closed on"), _("department or team"), _("subject"), _("code"),
                     _("name"), _("respondents"), _("score"), _("95% interval from"),
                     _("95% interval to"), _("statistic"), _("value")])

    def row(unit: str, subject: str, code: str = "", name: str = "", n: object = "",
            score: str = "", low: str = "", high: str = "", statistic: str = "",
            value: object = "") -> None:
        writer.writerow([title, closed, unit, subject, code, name, n, score, low, high,
                         statistic, value])

    for unit in view.units:
        row(unit["name"], _("participation"), n=unit["answers"], statistic=_("invited"),
            value=unit["invited"])
        for scale in instrument.scales:
            figures = unit["scales"][scale.code]
            row(unit["name"], _("scale"), scale.code, str(scale.name), figures["n"],
                _number(figures["mean"]), _number(figures["low"]), _number(figures["high"]),
                "r_wg(j)", _number(figures["rwg_j"]))
        for item in instrument.items:
            for value, count in enumerate(unit["items"][item.code], start=1):
                row(unit["name"], _("answers"), item.code, str(item.text), count,
                    statistic=_("answer"), value=value)
    if view.hidden_count:
        row("", _("not shown"), n="", statistic=_("departments or teams with too few answers"),
            value=view.hidden_count)
    if view.held_back:
        row("", _("not shown"), statistic=_("of which held back: nearly the same number of "
                                            "answers as in an earlier wave"),
            value=view.held_back)
    organisation = view.organisation
    if organisation and organisation.get("shown"):
        everyone = _("The whole organisation")
        for scale in instrument.scales:
            figures = organisation["scales"][scale.code]
            row(everyone, _("scale"), scale.code, str(scale.name), figures["n"],
                _number(figures["mean"]), _number(figures["low"]), _number(figures["high"]),
                "alpha", _number(figures["alpha"]))
            between = (view.icc or {}).get(scale.code)
            if between:
                row(everyone, _("differences between teams"), scale.code, str(scale.name),
                    between["units"], statistic="ICC(1)", value=_number(between["icc1"]))
                row(everyone, _("differences between teams"), scale.code, str(scale.name),
                    between["units"], statistic="ICC(2)", value=_number(between["icc2"]))
        for text in view.open_answers:
            row(everyone, _("open answer"), instrument.open.code, value=text)
    return buffer.getvalue()


def wave_as_dict(*, view: WaveView, instrument: Instrument) -> dict[str, Any]:
    """The API's shape: the same figures as the page and the CSV."""
    organisation = view.organisation if view.organisation and view.organisation.get(
        "shown") else None
    return {
        "wave": {"id": view.round.pk, "title": view.round.title, "wave": view.round.wave,
                 "closed_at": view.round.closed_at.isoformat() if view.round.closed_at else None,
                 "instrument_version": view.round.instrument_version},
        "threshold": view.k,
        "units": [{"unit_id": u["unit_id"], "name": u["name"], "answers": u["answers"],
                   "invited": u["invited"], "scales": u["scales"], "items": u["items"]}
                  for u in view.units],
        "units_not_shown": view.hidden_count,
        "units_held_back_across_waves": view.held_back,
        "organisation": None if organisation is None else {
            "answers": organisation["answers"], "scales": organisation["scales"],
            "small_units_left_out": bool(organisation.get("units_left_out"))},
        "icc": view.icc if organisation is not None else None,
        "open_answers": view.open_answers,
        "scales": [{"code": s.code, "name": str(s.name)} for s in instrument.scales],
    }


def trend_as_dict(*, unit_id: int, waves: list[TrendWave]) -> dict[str, Any]:
    return {"unit_id": unit_id, "waves": [
        {"wave_id": w.round_id, "closed_at": w.closed_at.isoformat() if w.closed_at else None,
         "scales": {code: None if c is None else {
             "mean": c.mean, "low": c.low, "high": c.high, "respondents": c.n,
             "changed_beyond_uncertainty": c.changed} for code, c in w.cells.items()},
         "agreed_actions": w.actions} for w in waves]}


def wave_pdf(context: dict[str, Any]) -> bytes:
    """The results page, printed (no network: the toolbox's PDF renderer fetches nothing)."""
    return render_pdf("pulse/report_pdf.html", context)
