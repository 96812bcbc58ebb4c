"""Charts as inline SVG, rendered on the server with matplotlib (Agg backend).

The same SVG string works in pages and in WeasyPrint PDFs. Our Content-Security-Policy has
`style-src 'self'`, which blocks both `<style>` elements and `style="..."` attributes in the page,
so the SVG that matplotlib writes is rewritten: its `<style>` block is dropped and every style
attribute becomes SVG presentation attributes (`fill="#1f5c99"`), which CSP does not govern. Text
stays text (`svg.fonttype = none`), there are no external references, and ids are prefixed so
that several charts can share a page. Every chart must be accompanied by a table with its data
(templates do that); the SVG itself is labelled for assistive technology with its title.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import matplotlib
from django.core.cache import cache
from django.utils.functional import Promise

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

# Colour-blind-safe, dark enough for text contrast on white (Okabe–Ito, darkened).
PALETTE = ["#1f5c99", "#b35900", "#2d6a4f", "#8e3b84", "#5c5c5c", "#a1283a", "#00697a"]
# matplotlib's pyplot state is not thread-safe; the web server may render from several threads.
_LOCK = threading.Lock()
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "vangnet",
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.edgecolor": "#5c5c5c",
    "axes.labelcolor": "#1a1a1a",
    "xtick.color": "#1a1a1a",
    "ytick.color": "#1a1a1a",
    "text.color": "#1a1a1a",
}

_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_ID_ATTR = re.compile(r'\sid="([^"]+)"')


def _style_to_attributes(match: re.Match[str]) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            parts.append(f' {name}="{html.escape(value, quote=True)}"')
    return "".join(parts)


def clean_svg(svg: str, *, chart_id: str, label: str) -> str:
    """Make matplotlib's SVG safe to inline under a strict CSP (see the module docstring)."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    svg = _STYLE_ATTR.sub(_style_to_attributes, svg)
    ids = set(_ID_ATTR.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'xlink:href="#{old}"', f'xlink:href="#{new}"')
    # The root: scalable, labelled, and the defaults the dropped <style> used to give.
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    title_id = f"{chart_id}-title"
    svg = svg.replace(
        "<svg ",
        f'<svg class="vn-chart__svg" role="img" aria-labelledby="{title_id}" '
        'stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
    svg = re.sub(r"(<svg[^>]*>)", rf'\1<title id="{title_id}">{html.escape(label)}</title>', svg,
                 count=1)
    return svg.strip()


# A chart is a pure function of its arguments, and matplotlib needs a tenth of a second or more
# for one: a published year's report draws the same nine charts on every request. Each SVG is
# kept in the cache for a day, keyed by a hash of everything that shapes it. What it holds is
# what the page shows anyway: figures already suppressed, and their labels.
CHART_CACHE_SECONDS = 24 * 3600
_ChartFunction = TypeVar("_ChartFunction", bound=Callable[..., str])


class _NotCacheable(Exception):
    """An argument whose value cannot be written down (a function): draw without the cache."""


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Promise):  # a lazy translation: its text in the active language
        return str(value)
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    raise _NotCacheable


def _cached(draw: _ChartFunction) -> _ChartFunction:
    @functools.wraps(draw)
    def cached(**kwargs: Any) -> str:
        try:
            shape = repr((draw.__name__, matplotlib.__version__,
                          sorted((name, _canonical(v)) for name, v in kwargs.items())))
        except _NotCacheable:
            return draw(**kwargs)
        key = "vn:chart:" + hashlib.sha256(shape.encode()).hexdigest()
        svg: str | None = cache.get(key)
        if svg is None:
            svg = draw(**kwargs)
            cache.set(key, svg, CHART_CACHE_SECONDS)
        return svg

    return cached  # type: ignore[return-value]


def _render(figure: Figure) -> str:
    buffer = io.StringIO()
    # bbox_inches="tight" keeps long legend entries and labels inside the picture.
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                   bbox_inches="tight")
    return buffer.getvalue()


@_cached
def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    max_value: float = 100.0,
    value_label: str = "",
    width_in: float = 7.2,
    font_size: float | None = None,
) -> str:
    """Horizontal grouped bars: one row per label, one bar per series; None leaves a gap.

    Returns an inline `<svg>` string. Values are written at the end of each bar so the chart does
    not depend on colour alone; the data table beside it carries the same numbers. `width_in` and
    `font_size` (points, for every text in the chart) let a page that shows the chart narrow keep
    its text readable when the browser scales the picture down.
    """
    small = font_size or 8
    n_series = max(1, len(series))
    height = max(1.6, 0.22 * len(labels) * n_series + 0.3 * len(labels) + 1.0)
    rc = {**_RC, "font.size": font_size} if font_size else _RC
    with _LOCK, plt.rc_context(rc):  # type: ignore[arg-type]
        figure = plt.figure(figsize=(width_in, height))
        try:
            axes = figure.add_subplot()
            bar_height = 0.8 / n_series
            positions = list(range(len(labels)))
            for index, (name, values) in enumerate(series):
                colour = PALETTE[index % len(PALETTE)]
                for position, value in zip(positions, values, strict=False):
                    if value is None:
                        continue
                    y = position - 0.4 + bar_height * (index + 0.5)
                    axes.barh(y, value, height=bar_height * 0.9, color=colour,
                              label=name if position == next(
                                  (p for p, v in zip(positions, values, strict=False)
                                   if v is not None), None) else None)
                    axes.text(value + max_value * 0.01, y, f"{value:.0f}", va="center",
                              fontsize=small)
            axes.set_yticks(positions)
            axes.set_yticklabels([_wrap(label) for label in labels])
            axes.invert_yaxis()
            axes.set_xlim(0, max_value * 1.08)
            if value_label:
                axes.set_xlabel(value_label)
            axes.spines["top"].set_visible(False)
            axes.spines["right"].set_visible(False)
            if len(series) > 1:
                axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(2, n_series),
                            frameon=False, fontsize=small)
            figure.tight_layout()
            svg = _render(figure)
        finally:
            plt.close(figure)
    return clean_svg(svg, chart_id=chart_id, label=title)


MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", "-.", ":", "-", "--", "-."]


@_cached
def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    value_format: Callable[[float], str] = lambda v: f"{v:g}",
    value_label: str = "",
    from_zero: bool = True,
    width_in: float = 4.5,
    font_size: float = 12.0,
) -> str:
    """Lines over time (e.g. quarters): one line per series; None is a gap (a hidden figure).

    Each series has its own marker and dash pattern, so the chart does not depend on colour
    alone, also in black-and-white print. With one series every point carries its value; with
    more, the data table beside the chart carries them. Every text is `font_size` points at
    `width_in` inches wide, so a page that shows the chart narrower must scale with that in mind
    (see the signals report: 9 pt in print, 12 px on a phone).
    """
    n = len(x_labels)
    rc: dict[str, Any] = {**_RC, "font.size": font_size}
    with _LOCK, plt.rc_context(rc):  # type: ignore[arg-type]
        figure = plt.figure(figsize=(width_in, 2.2 + 0.25 * max(0, len(series) - 1)))
        try:
            axes = figure.add_subplot()
            positions = list(range(n))
            top = 0.0
            for index, (name, values) in enumerate(series):
                points = [float("nan") if v is None else v for v in values]
                top = max([top, *[v for v in values if v is not None]])
                axes.plot(positions, points, color=PALETTE[index % len(PALETTE)],
                          marker=MARKERS[index % len(MARKERS)],
                          linestyle=LINESTYLES[index % len(LINESTYLES)], linewidth=2,
                          markersize=6, label=_wrap(name, 24))
                if len(series) == 1:
                    for position, value in zip(positions, values, strict=False):
                        if value is not None:
                            axes.annotate(value_format(value), (position, value),
                                          textcoords="offset points", xytext=(0, 7),
                                          ha="center")
            axes.set_xticks(positions)
            axes.set_xticklabels(list(x_labels))
            axes.set_xlim(-0.4, n - 0.6)
            if from_zero:
                axes.set_ylim(0, top * 1.25 if top > 0 else 1)
            else:
                axes.margins(y=0.25)
            if value_label:
                axes.set_ylabel(value_label)
            axes.spines["top"].set_visible(False)
            axes.spines["right"].set_visible(False)
            axes.grid(axis="y", color="#dddddd", linewidth=0.5)
            if len(series) > 1:
                axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1,
                            frameon=False)
            figure.tight_layout()
            svg = _render(figure)
        finally:
            plt.close(figure)
    return clean_svg(svg, chart_id=chart_id, label=title)


def _wrap(text: str, width: int = 28) -> str:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return "\n".join(lines)


@_cached
def interval_trend_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[float, float, float] | None]]],
    low: float,
    high: float,
    value_label: str = "",
    changed: Sequence[Sequence[bool]] = (),
    width_in: float = 6.8,
    font_size: float = 10.0,
) -> str:
    """A trend over waves: per series one line of means with their 95 % intervals as bars.

    `series` holds, per label (wave), `(mean, low, high)` or None (a wave that may not be shown:
    a gap, the line is broken there, never bridged). `changed[s][i]` marks a point whose change
    from the series' previous point is beyond the uncertainty: it is drawn as a filled diamond and
    the data table says so in words, so the mark does not depend on colour or shape alone. Every
    text is `font_size` points at `width_in` inches: printed at that width (the PDF does), labels
    stay at least 9 pt.
    """
    rc = {**_RC, "font.size": font_size}
    with _LOCK, plt.rc_context(rc):  # type: ignore[arg-type]
        figure = plt.figure(figsize=(width_in, 2.9))
        try:
            axes = figure.add_subplot()
            positions = list(range(len(labels)))
            shift = 0.08
            for index, (name, points) in enumerate(series):
                colour = PALETTE[index % len(PALETTE)]
                offset = (index - (len(series) - 1) / 2) * shift
                flags = list(changed[index]) if index < len(changed) else []
                # One artist per kind and series (not one per wave): the cost of drawing stays
                # nearly flat as the waves add up. NaN breaks a line: a gap stays a gap.
                nan = float("nan")
                xs = [position + offset for position in positions[:len(points)]]
                ys = [nan if point is None else point[0] for point in points]
                bar_x: list[float] = []
                bar_y: list[float] = []
                plain: tuple[list[float], list[float]] = ([], [])
                marked: tuple[list[float], list[float]] = ([], [])
                for position, (x, point) in enumerate(zip(xs, points, strict=False)):
                    if point is None:
                        continue
                    mean, lower, upper = point
                    bar_x += [x, x, nan]
                    bar_y += [lower, upper, nan]
                    target = marked if position < len(flags) and flags[position] else plain
                    target[0].append(x)
                    target[1].append(mean)
                if bar_x:
                    axes.plot(bar_x, bar_y, color=colour, linewidth=2)
                # Only neighbouring shown waves are joined.
                joined = any(ys[i - 1] == ys[i - 1] and ys[i] == ys[i]
                             for i in range(1, len(ys)))
                if joined:
                    axes.plot(xs, ys, color=colour, linewidth=1.2, label=name)
                else:
                    axes.plot([], [], color=colour, marker="o", label=name)
                if plain[0]:
                    axes.plot(*plain, linestyle="none", marker="o", markersize=6, color=colour,
                              markerfacecolor="white")
                if marked[0]:
                    axes.plot(*marked, linestyle="none", marker="D", markersize=8, color=colour,
                              markerfacecolor=colour)
            axes.set_xticks(positions)
            axes.set_xticklabels([_wrap(label, 12) for label in labels])
            axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
            axes.set_ylim(low, high)
            if value_label:
                axes.set_ylabel(value_label)
            axes.grid(axis="y", color="#d0d0d0", linewidth=0.6)
            axes.spines["top"].set_visible(False)
            axes.spines["right"].set_visible(False)
            if len(series) > 1:
                axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(2, len(series)),
                            frameon=False)
            figure.tight_layout()
            svg = _render(figure)
        finally:
            plt.close(figure)
    return clean_svg(svg, chart_id=chart_id, label=title)
