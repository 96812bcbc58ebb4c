"""SVG charts must be safe to inline under our strict CSP and self-contained."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from vangnet.core.charts import bar_chart, clean_svg


def chart(chart_id="c1"):
    return bar_chart(chart_id=chart_id, title="Score per pijler",
                     labels=["Sociaal en psychologisch veilig werken", "Risico's en preventie"],
                     series=[("Iedereen", [59.1, 72.0]), ("Leiding", [100.0, None])])


def test_no_style_element_or_attribute_and_no_external_references():
    svg = chart()
    assert svg.startswith("<svg ")
    assert "<style" not in svg
    assert "style=" not in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    # Only namespace declarations mention http; nothing is fetched.
    urls = set(re.findall(r'(?:href|src)="(?!#)([^"]+)"', svg))
    assert urls == set()
    assert "<image" not in svg and "<script" not in svg


def test_well_formed_labelled_and_text_stays_text():
    svg = chart()
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    assert "Score per pijler" in svg
    # svg.fonttype = none: labels are text elements, not paths.
    assert ">59<" in svg and "Leiding" in svg


def test_ids_are_prefixed_so_charts_can_share_a_page():
    first, second = chart("a"), chart("b")
    ids_a = set(re.findall(r' id="([^"]+)"', first))
    ids_b = set(re.findall(r' id="([^"]+)"', second))
    assert ids_a and not ids_a & ids_b
    assert all(i.startswith("a-") for i in ids_a)
    for ref in re.findall(r"url\(#([^)]+)\)", first):
        assert ref in ids_a


def test_clean_svg_turns_styles_into_presentation_attributes():
    raw = ('<?xml version="1.0"?><svg width="10pt" height="5pt" viewBox="0 0 10 5">'
           '<defs><style type="text/css">*{stroke-linecap: butt}</style></defs>'
           '<path id="p" style="fill: #1f5c99; stroke-width: 0.8"/></svg>')
    svg = clean_svg(raw, chart_id="x", label="T")
    assert '<path id="x-p" fill="#1f5c99" stroke-width="0.8"/>' in svg
    assert "<style" not in svg and 'width="10pt"' not in svg


# --- the cache (a chart is drawn once per shape, never confused with another) -----------------


def _counting_render(monkeypatch):
    from vangnet.core import charts

    drawn = []
    real = charts._render

    def render(figure):
        drawn.append(figure)
        return real(figure)

    monkeypatch.setattr(charts, "_render", render)
    return drawn


def test_the_same_chart_is_drawn_once_and_served_from_the_cache(monkeypatch):
    from django.core.cache import cache

    cache.clear()
    drawn = _counting_render(monkeypatch)
    first, second = chart("cached"), chart("cached")
    assert first == second
    assert len(drawn) == 1


def test_other_figures_or_ids_are_other_charts(monkeypatch):
    from django.core.cache import cache

    cache.clear()
    drawn = _counting_render(monkeypatch)
    base = chart("x")
    other = bar_chart(chart_id="x", title="Score per pijler",
                      labels=["Sociaal en psychologisch veilig werken", "Risico's en preventie"],
                      series=[("Iedereen", [59.1, 73.0]), ("Leiding", [100.0, None])])
    assert base != other and ">73<" in other and ">73<" not in base
    assert 'id="y-title"' in chart("y")
    assert len(drawn) == 3


def test_a_lazy_translation_is_cached_per_language():
    from django.core.cache import cache
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    cache.clear()
    title = gettext_lazy("Search")

    def drawn_in(language):
        with translation.override(language):
            return bar_chart(chart_id="t", title=title, labels=[title], series=[("a", [1.0])])

    assert ">Zoeken<" in drawn_in("nl")
    assert ">Search<" in drawn_in("en")


def test_a_chart_with_a_function_argument_is_drawn_without_the_cache(monkeypatch):
    from django.core.cache import cache

    from vangnet.core.charts import line_chart

    cache.clear()
    drawn = _counting_render(monkeypatch)
    for suffix in ("%", " dagen"):
        svg = line_chart(chart_id="l", title="Verzuim", x_labels=["K1", "K2"],
                         series=[("Organisatie", [4.0, 5.0])],
                         value_format=lambda v, s=suffix: f"{v:g}{s}")
        assert f"5{suffix}" in svg
    assert len(drawn) == 2
