"""The advisors' yearly report (jaarverslag): figures only, every one through core.anonymity.

Rules (docs/adr/0046):
- every count goes through `suppress_counts` with the total it is shown beside, so a hidden cell
  can never be worked out by subtracting shown ones (complementary suppression);
- a unit is named only with at least k cases; smaller units are counted together, and when that
  remainder is itself small it is suppressed along with the next-smallest unit;
- percentages and medians are shown only when at least k cases stand behind them;
- the same figures feed HTML, PDF and CSV: one function builds them, the formats only render.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.anonymity import Cell, suppress_counts, threshold, total_cell
from vangnet.organisations.models import Unit
from vangnet.reporting.categories import Category

from .models import AdviceContact, Case
from .workflow import Outcome

OTHER_UNITS = "__other__"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class Breakdown:
    """One table of the report: rows of (label, cell) that add up to `total`."""

    slug: str
    title: str
    rows: list[Row]
    total: Cell

    @property
    def chart_values(self) -> list[float | None]:
        return [row.cell.count if not row.cell.suppressed else None for row in self.rows]


@dataclass(frozen=True)
class Measure:
    """A percentage or a median, with the number of cases behind it."""

    slug: str
    label: str
    value: float | None
    base: Cell
    unit: str = "%"

    @property
    def display(self) -> str:
        if self.value is None:
            return _("not shown (fewer than %(k)s cases)") % {"k": threshold()}
        if self.unit == "%":
            return f"{self.value:.0f}%"
        return _("%(n)s days") % {"n": f"{self.value:.0f}"}


@dataclass
class YearlyReport:
    year: int
    organisation_name: str
    k: int
    total_cases: Cell
    advice_contacts: Cell
    breakdowns: list[Breakdown] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)


def _breakdown(slug: str, title: str, counts: dict[str, int], labels: dict[str, str],
               order: list[str]) -> Breakdown:
    total = sum(counts.values())
    full = {key: counts.get(key, 0) for key in order}
    cells = suppress_counts(full, total=total)
    # Every row is listed, zeros too: leaving rows out would tell which ones are not empty.
    rows = [Row(key=key, label=str(labels.get(key, key)), cell=cells[key]) for key in order]
    return Breakdown(slug=slug, title=title, rows=rows, total=total_cell(total))


def _percentage(slug: str, label: str, hits: int, base: int) -> Measure:
    k = threshold()
    value = 100.0 * hits / base if base >= k else None
    return Measure(slug=slug, label=label, value=value, base=total_cell(base))


def yearly_report(*, organisation_id: int, organisation_name: str, year: int) -> YearlyReport:
    """All figures for one calendar year (cases by the date they were received)."""
    k = threshold()
    cases = list(Case.objects.filter(organisation_id=organisation_id, received_at__year=year)
                 .values("category", "route_step", "outcome", "unit_id", "received_at",
                         "acknowledged_at", "acknowledge_due_at", "feedback_given_at",
                         "feedback_due_at", "closed_at", "state",
                         "satisfaction_handled_well", "satisfaction_would_report_again"))
    advice = list(AdviceContact.objects.filter(organisation_id=organisation_id,
                                               contact_date__year=year)
                  .values("category", "outcome"))
    report = YearlyReport(year=year, organisation_name=organisation_name, k=k,
                          total_cases=total_cell(len(cases)),
                          advice_contacts=total_cell(len(advice)))

    categories = {c.value: str(c.label) for c in Category}
    report.breakdowns.append(_breakdown(
        "category", _("Cases by category"), Counter(c["category"] for c in cases), categories,
        list(categories)))
    from vangnet.reporting.models import StepKind

    steps = {s.value: str(s.label) for s in StepKind}
    report.breakdowns.append(_breakdown(
        "route_step", _("Cases by step of the reporting route"),
        Counter(c["route_step"] or "advisor" for c in cases), steps, list(steps)))
    outcomes = {o.value: str(o.label) for o in Outcome}
    outcomes[""] = _("Not concluded yet")
    report.breakdowns.append(_breakdown(
        "outcome", _("Cases by outcome"), Counter(c["outcome"] for c in cases), outcomes,
        [*Outcome.values, ""]))
    report.breakdowns.append(_breakdown(
        "advice_category", _("Advice-only contacts by category"),
        Counter(a["category"] for a in advice), categories, list(categories)))
    report.breakdowns.append(_unit_breakdown(organisation_id, cases, k))

    now = timezone.now()
    ack_base = [c for c in cases if c["acknowledged_at"] or c["acknowledge_due_at"] <= now]
    ack_hits = sum(1 for c in ack_base
                   if c["acknowledged_at"] and c["acknowledged_at"] <= c["acknowledge_due_at"])
    report.measures.append(_percentage("acknowledged_on_time", _("Receipt confirmed on time"),
                                       ack_hits, len(ack_base)))
    fb_base = [c for c in cases if c["feedback_given_at"] or c["feedback_due_at"] <= now]
    fb_hits = sum(1 for c in fb_base
                  if c["feedback_given_at"] and c["feedback_given_at"] <= c["feedback_due_at"])
    report.measures.append(_percentage("feedback_on_time", _("Feedback given on time"),
                                       fb_hits, len(fb_base)))
    durations = [(c["closed_at"] - c["received_at"]).days for c in cases if c["closed_at"]]
    report.measures.append(Measure(
        slug="days_to_close", label=_("Time to close (median)"),
        value=float(statistics.median(durations)) if len(durations) >= k else None,
        base=total_cell(len(durations)), unit="days"))
    handled = [c["satisfaction_handled_well"] for c in cases
               if c["satisfaction_handled_well"] is not None]
    again = [c["satisfaction_would_report_again"] for c in cases
             if c["satisfaction_would_report_again"] is not None]
    report.measures.append(_percentage("handled_well", _("Reporters who felt it was handled well"),
                                       sum(handled), len(handled)))
    report.measures.append(_percentage("report_again", _("Reporters who would report again"),
                                       sum(again), len(again)))
    return report


def _unit_breakdown(organisation_id: int, cases: list[Any], k: int) -> Breakdown:
    """Units with at least k cases by name; the rest together as 'other units'."""
    counts = Counter(c["unit_id"] for c in cases)
    names = dict(Unit.objects.filter(organisation_id=organisation_id).values_list("pk", "name"))
    shown = {str(unit_id): n for unit_id, n in counts.items() if unit_id and n >= k}
    rest = sum(n for unit_id, n in counts.items() if not unit_id or n < k)
    grouped = dict(shown)
    if rest:
        grouped[OTHER_UNITS] = rest
    labels = {str(pk): name for pk, name in names.items()}
    labels[OTHER_UNITS] = _("Other units and unknown together")
    order = sorted(shown, key=lambda key: labels.get(key, key)) + ([OTHER_UNITS] if rest else [])
    return _breakdown("unit", _("Cases by unit (only units with at least %(k)s cases)")
                      % {"k": k}, grouped, labels, order)


def csv_rows(report: YearlyReport) -> list[list[str]]:
    """The same figures as the page, as displayed (suppressed cells stay "< 5")."""
    rows = [[_("section"), _("item"), _("value")],
            [_("Total"), _("Cases received"), report.total_cases.display],
            [_("Total"), _("Advice-only contacts"), report.advice_contacts.display]]
    for breakdown in report.breakdowns:
        for row in breakdown.rows:
            rows.append([breakdown.title, row.label, row.cell.display])
        rows.append([breakdown.title, _("Total"), breakdown.total.display])
    for measure in report.measures:
        rows.append([_("Key figures"), measure.label, measure.display])
    return rows


def chart_svg(breakdown: Breakdown) -> str:
    """A bar chart of a breakdown (suppressed bars are left out; the table says "< 5")."""
    from vangnet.core.charts import bar_chart

    values = breakdown.chart_values
    maximum = max([v for v in values if v is not None] + [1])
    return bar_chart(chart_id=f"chart-{breakdown.slug}", title=breakdown.title,
                     labels=[row.label for row in breakdown.rows],
                     series=[(_("Cases"), values)], max_value=float(maximum),
                     value_label=_("number of cases"))
