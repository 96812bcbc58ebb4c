"""The advisors' yearly report (jaarverslag): figures only, every one through core.anonymity.

Rules (docs/adr/0046):
- a year's figures are published only after the year has ended and the month after it has
  passed (`publication_date`), and then computed ONCE and stored suppressed (`YearlyFigures`):
  every later page, PDF and CSV of that year is the same document. Figures that change while
  people watch give single cases away: a download before and after one new report would show
  which category it was (12 → 13, or 0 → "< 5"). The running year is never shown;
- every count goes through `suppress_counts` with the total it is shown beside, so a hidden cell
  can never be worked out by subtracting shown ones (complementary suppression);
- a unit is named only with at least k cases; smaller units are counted together, and when that
  remainder is itself small it is suppressed along with the next-smallest unit;
- percentages go through `percentage_if_allowed` (a base of at least k, and neither part a small
  number), medians need at least k cases;
- the same figures feed HTML, PDF and CSV: one function builds them, the formats only render;
- a case about several categories counts once under each of them (docs/adr/0100): the rows of
  "by category" can add up to more than the number of cases, and that table's total is the
  number of times a category was named. Its title says so on the page, the PDF and the CSV.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.anonymity import (
    Cell,
    change_if_shown,
    percentage_if_allowed,
    suppress_counts,
    threshold,
    total_cell,
)
from vangnet.core.service import service_write
from vangnet.organisations.public import organisation_ids, unit_names

from .integration import Category, DiscriminationGround, StepKind
from .models import (
    AdviceContact,
    Case,
    CaseCategory,
    Lesson,
    LessonAction,
    RetaliationCheckin,
    YearlyFigures,
)
from .workflow import Outcome

OTHER_UNITS = "__other__"
# 2: also discrimination grounds, retaliation check-ins, lessons and their actions (issue 13).
FIGURES_FORMAT = 2
UNKNOWN = "__unknown__"  # a ground not recorded, or its report destroyed; an unanswered check-in
# A year is published on this day of the next year: December's cases have had a month to be
# registered (oral reports, advice-only contacts are often entered a few days late).
PUBLICATION_MONTH, PUBLICATION_DAY = 2, 1


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cell: Cell
    # Last year's published figure of the same row, and the change, only when both are shown
    # (`core.anonymity.change_if_shown`); None when there is nothing to compare.
    previous: Cell | None = None
    change: int | None = None

    @property
    def change_display(self) -> str:
        return _signed(self.change)


@dataclass(frozen=True)
class Breakdown:
    """One table of the report: rows of (label, cell) that add up to `total`."""

    slug: str
    title: str
    rows: list[Row]
    total: Cell
    previous_total: Cell | None = None

    @property
    def total_change(self) -> int | None:
        return change_if_shown(self.total, self.previous_total)

    @property
    def total_change_display(self) -> str:
        return _signed(self.total_change)

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
    k: int = field(default_factory=threshold)

    @property
    def display(self) -> str:
        if self.value is None:
            return _("not shown (it could reveal a number below %(k)s)") % {"k": self.k}
        if self.unit == "%":
            return f"{self.value:.0f}%"
        return _("%(n)s days") % {"n": f"{self.value:.0f}"}


@dataclass(frozen=True)
class Narrative:
    """The advisors' observations and recommendations for the year, published once with it."""

    observations: str
    recommendations: str
    published_at: datetime | None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


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
    # Set when the previous year is published too: its totals, for the comparison column.
    previous_year: int | None = None
    previous_total_cases: Cell | None = None
    previous_advice_contacts: Cell | None = None
    narrative: Narrative | None = None  # only a published one, except on the advisors' page

    @property
    def total_change_display(self) -> str:
        return _signed(change_if_shown(self.total_cases, self.previous_total_cases))

    @property
    def advice_change_display(self) -> str:
        return _signed(change_if_shown(self.advice_contacts, self.previous_advice_contacts))


def _signed(change: int | None) -> str:
    """"+3", "−2", "0"; empty when there is nothing to compare."""
    if change is None:
        return ""
    return f"{change:+d}".replace("-", "−") if change else "0"


# --- publication --------------------------------------------------------------------------


def publication_date(year: int) -> date:
    """The first day on which the figures of `year` may be shown (and are frozen)."""
    return date(year + 1, PUBLICATION_MONTH, PUBLICATION_DAY)


def is_published(year: int, *, today: date | None = None) -> bool:
    return (today or timezone.localdate()) >= publication_date(year)


def latest_published_year(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year - 1 if is_published(today.year - 1, today=today) else today.year - 2


def published_yearly_report(*, organisation_id: int, organisation_name: str, year: int,
                            today: date | None = None,
                            with_draft: bool = False) -> YearlyReport | None:
    """The frozen report of a published year (frozen now if this is the first time it is asked),
    compared with the year before (frozen too: it is published earlier); None while the year
    may still change. The advisors' narrative only once published, unless `with_draft` (the
    advisors' own view). Two rows read, whatever the number of cases."""
    if not is_published(year, today=today):
        return None
    # Both years in one read; a year not frozen yet is frozen now (once).
    rows = {f.year: f for f in YearlyFigures.objects.filter(organisation_id=organisation_id,
                                                            year__in=[year, year - 1])}
    frozen = rows.get(year) or freeze_yearly_figures(organisation_id=organisation_id, year=year,
                                                     today=today)
    previous: YearlyFigures | None = rows.get(year - 1) or freeze_yearly_figures(
        organisation_id=organisation_id, year=year - 1, today=today)
    if previous is not None and _is_empty(previous):
        previous = None  # a year before anything was registered: nothing to compare with
    report = report_from_figures(frozen, organisation_name=organisation_name, previous=previous)
    narrative = narrative_of(frozen)
    if narrative is not None and (narrative.is_published or with_draft):
        report.narrative = narrative
    return report


def _is_empty(frozen: YearlyFigures) -> bool:
    # 0 is shown as 0; a hidden small number is null and is not "nothing".
    return frozen.figures["total_cases"] == 0 and frozen.figures["advice_contacts"] == 0


def narrative_of(frozen: YearlyFigures) -> Narrative | None:
    if not (frozen.observations or frozen.recommendations or frozen.narrative_published_at):
        return None
    return Narrative(observations=frozen.observations, recommendations=frozen.recommendations,
                     published_at=frozen.narrative_published_at)


def freeze_yearly_figures(*, organisation_id: int, year: int,
                          today: date | None = None) -> YearlyFigures:
    """Compute and store the figures of a published year once; later calls return that row.

    Safe under concurrency: the (organisation, year) unique constraint lets exactly one writer
    win; the others read the winner's row, so two first requests can never see two versions.
    """
    existing = YearlyFigures.objects.filter(organisation_id=organisation_id, year=year).first()
    if existing is not None:
        return existing
    if not is_published(year, today=today):
        raise ValueError("the figures of a year are frozen only after its publication date")
    report = compute_yearly_report(organisation_id=organisation_id, organisation_name="",
                                   year=year)
    try:
        with service_write(action="cases.yearly_figures_frozen", actor=None, actor_label="system",
                           organisation_id=organisation_id) as change:
            frozen = YearlyFigures.objects.create(
                organisation_id=organisation_id, year=year, frozen_at=timezone.now(),
                threshold=report.k, figures=figures_as_json(report))
            change.target, change.data = frozen, {"year": year}
    except IntegrityError:
        return YearlyFigures.objects.get(organisation_id=organisation_id, year=year)
    return frozen


def freeze_due_years(*, today: date | None = None) -> int:
    """The daily job: freeze last year's figures of every organisation once they are due, so
    the moment of freezing does not depend on who asks first. Returns how many were frozen."""
    year = latest_published_year(today=today)
    done = set(YearlyFigures.objects.filter(year=year).values_list("organisation_id", flat=True))
    frozen = 0
    for organisation_id in sorted(organisation_ids() - done):
        freeze_yearly_figures(organisation_id=organisation_id, year=year, today=today)
        frozen += 1
    return frozen


# --- storing and reading back -------------------------------------------------------------


def _count(cell: Cell) -> int | None:
    return None if cell.suppressed else cell.count


def _cell(count: int | None, k: int) -> Cell:
    return Cell.hidden(k) if count is None else Cell.shown(int(count))


def figures_as_json(report: YearlyReport) -> dict[str, Any]:
    """What the report shows, and nothing more: a hidden figure is stored as null."""
    return {
        "format": FIGURES_FORMAT,
        "total_cases": _count(report.total_cases),
        "advice_contacts": _count(report.advice_contacts),
        "breakdowns": [
            {"slug": b.slug, "total": _count(b.total),
             # Unit names are kept as they were that year; other labels are translated later.
             "rows": [{"key": r.key, "count": _count(r.cell),
                       **({"label": r.label} if b.slug == "unit" and r.key != OTHER_UNITS
                          else {})}
                      for r in b.rows]}
            for b in report.breakdowns
        ],
        "measures": [{"slug": m.slug, "value": m.value, "base": _count(m.base), "unit": m.unit}
                     for m in report.measures],
    }


def _labels() -> dict[str, dict[str, str]]:

    categories = {c.value: str(c.label) for c in Category}
    outcomes = {o.value: str(o.label) for o in Outcome}
    outcomes[""] = _("Not concluded yet")
    grounds = {g.value: str(g.label) for g in DiscriminationGround}
    grounds[UNKNOWN] = _("Ground not known")
    themes = dict(categories)
    themes[UNKNOWN] = _("No theme")
    return {"category": categories, "advice_category": categories,
            "route_step": {s.value: str(s.label) for s in StepKind}, "outcome": outcomes,
            "unit": {OTHER_UNITS: _("Other units and unknown together")},
            "ground": grounds,
            "checkin": {"no": _("No negative consequences"),
                        "yes": _("Negative consequences reported"),
                        UNKNOWN: _("No answer")},
            "lesson_theme": themes,
            "action_status": {s.value: str(s.label) for s in LessonAction.Status}}


def _titles(k: int) -> dict[str, str]:
    return {
        "category": _("Cases by category (a case about several categories counts under each; "
                      "the total counts every category named)"),
        "route_step": _("Cases by step of the reporting route"),
        "outcome": _("Cases by outcome"),
        "advice_category": _("Advice-only contacts by category"),
        "unit": _("Cases by unit (only units with at least %(k)s cases)") % {"k": k},
        "ground": _("Discrimination: on what ground"),
        "checkin": _("Retaliation check-ins sent this year, by answer"),
        "lesson_theme": _("Lessons recorded this year, by theme"),
        "action_status": _("Actions taken on lessons recorded this year, by status"),
    }


def _measure_labels() -> dict[str, str]:
    return {
        "acknowledged_on_time": _("Receipt confirmed on time"),
        "feedback_on_time": _("Feedback given on time"),
        "days_to_close": _("Time to close (median)"),
        "handled_well": _("Reporters who felt it was handled well"),
        "report_again": _("Reporters who would report again"),
    }


def _previous_cells(previous: YearlyFigures | None) -> dict[tuple[str, str], Cell]:
    """Last year's shown figures by (table, row). "Other units" is left out: which units it
    holds differs from year to year, so the two figures do not count the same thing."""
    if previous is None:
        return {}
    k = previous.threshold
    cells = {(b["slug"], r["key"]): _cell(r["count"], k)
             for b in previous.figures["breakdowns"] for r in b["rows"]
             if r["key"] != OTHER_UNITS}
    cells.update({(b["slug"], "__total__"): _cell(b["total"], k)
                  for b in previous.figures["breakdowns"]})
    return cells


def report_from_figures(frozen: YearlyFigures, *, organisation_name: str,
                        previous: YearlyFigures | None = None) -> YearlyReport:
    k = frozen.threshold
    figures = frozen.figures
    labels, titles, measure_labels = _labels(), _titles(k), _measure_labels()
    report = YearlyReport(year=frozen.year, organisation_name=organisation_name, k=k,
                          total_cases=_cell(figures["total_cases"], k),
                          advice_contacts=_cell(figures["advice_contacts"], k),
                          generated_at=frozen.frozen_at)
    before = _previous_cells(previous)
    if previous is not None:
        report.previous_year = previous.year
        report.previous_total_cases = _cell(previous.figures["total_cases"], previous.threshold)
        report.previous_advice_contacts = _cell(previous.figures["advice_contacts"],
                                                previous.threshold)
    for b in figures["breakdowns"]:
        names = labels.get(b["slug"], {})
        rows = []
        for r in b["rows"]:
            cell, last = _cell(r["count"], k), before.get((b["slug"], r["key"]))
            rows.append(Row(key=r["key"], label=r.get("label") or names.get(r["key"], r["key"]),
                            cell=cell, previous=last, change=change_if_shown(cell, last)))
        report.breakdowns.append(Breakdown(slug=b["slug"], title=titles.get(b["slug"], b["slug"]),
                                           rows=rows, total=_cell(b["total"], k),
                                           previous_total=before.get((b["slug"], "__total__"))))
    for m in figures["measures"]:
        report.measures.append(Measure(slug=m["slug"], label=measure_labels.get(m["slug"],
                                                                                m["slug"]),
                                       value=m["value"], base=_cell(m["base"], k),
                                       unit=m["unit"], k=k))
    return report


# --- computing (only ever called to freeze a published year) -----------------------------


def _breakdown(slug: str, title: str, counts: dict[str, int], labels: dict[str, str],
               order: list[str]) -> Breakdown:
    total = sum(counts.values())
    full = {key: counts.get(key, 0) for key in order}
    cells = suppress_counts(full, total=total)
    # Every row is listed, zeros too: leaving rows out would tell which ones are not empty.
    rows = [Row(key=key, label=str(labels.get(key, key)), cell=cells[key]) for key in order]
    return Breakdown(slug=slug, title=title, rows=rows, total=total_cell(total))


def _percentage(slug: str, label: str, hits: int, base: int) -> Measure:
    return Measure(slug=slug, label=label, value=percentage_if_allowed(hits, base),
                   base=total_cell(base))


def compute_yearly_report(*, organisation_id: int, organisation_name: str,
                          year: int) -> YearlyReport:
    """All figures for one calendar year (cases by the date they were received), as they are
    now. Not for display: pages show `published_yearly_report`, which freezes this once.

    Counted in the database (docs/adr/0095): one grouped count of the breakdowns, one of the
    categories, one aggregate of the key figures, two rows for the median, one grouped count of
    advice-only contacts; no case is loaded into Python. The suppression afterwards is the same
    as ever (`_breakdown`, `_percentage`); tests compare the result with a row-by-row implementation."""
    k = threshold()
    now = timezone.now()
    cases = Case.objects.filter(organisation_id=organisation_id, received_at__year=year)
    groups: list[dict[str, Any]] = [
        dict(group) for group in cases.values("route_step", "outcome", "unit_id")
        .annotate(n=Count("pk")).order_by()]
    # Every category of every case: one grouped count over (case, category) rows.
    by_category: Counter[str] = Counter(dict(
        CaseCategory.objects.filter(case__organisation_id=organisation_id,
                                    case__received_at__year=year)
        .values_list("category").annotate(n=Count("pk")).order_by()))
    advice = dict(AdviceContact.objects.filter(organisation_id=organisation_id,
                                               contact_date__year=year)
                  .values_list("category").annotate(n=Count("pk")).order_by())
    acknowledged, feedback = Q(acknowledged_at__isnull=False), Q(feedback_given_at__isnull=False)
    totals = cases.aggregate(
        ack_base=Count("pk", filter=acknowledged | Q(acknowledge_due_at__lte=now)),
        ack_hits=Count("pk", filter=acknowledged & Q(acknowledged_at__lte=F("acknowledge_due_at"))),
        fb_base=Count("pk", filter=feedback | Q(feedback_due_at__lte=now)),
        fb_hits=Count("pk", filter=feedback & Q(feedback_given_at__lte=F("feedback_due_at"))),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
        handled=Count("satisfaction_handled_well"),
        handled_yes=Coalesce(Sum("satisfaction_handled_well"), 0),
        again=Count("satisfaction_would_report_again"),
        again_yes=Coalesce(Sum("satisfaction_would_report_again"), 0),
    )
    total = sum(g["n"] for g in groups)
    report = YearlyReport(year=year, organisation_name=organisation_name, k=k,
                          total_cases=total_cell(total),
                          advice_contacts=total_cell(sum(advice.values())))
    labels, titles = _labels(), _titles(k)

    def counted(column: str, empty_as: str | None = None) -> Counter[str]:
        counts: Counter[str] = Counter()
        for group in groups:
            counts[(group[column] or empty_as) if empty_as else group[column]] += group["n"]
        return counts

    def add(slug: str, counts: Counter[str], order: list[str]) -> None:
        report.breakdowns.append(_breakdown(slug, titles[slug], counts, labels[slug], order))

    add("category", by_category, list(labels["category"]))
    add("route_step", counted("route_step", empty_as="advisor"), list(labels["route_step"]))
    add("outcome", counted("outcome"), [*Outcome.values, ""])
    add("advice_category", Counter(advice), list(labels["category"]))
    unit_counts: Counter[Any] = Counter()
    for group in groups:
        unit_counts[group["unit_id"]] += group["n"]
    report.breakdowns.append(_unit_breakdown(organisation_id, unit_counts, k, titles["unit"]))
    _add_learning(report, organisation_id=organisation_id, year=year, cases=cases,
                  labels=labels, titles=titles)

    measure_labels = _measure_labels()
    report.measures.append(_percentage("acknowledged_on_time",
                                       measure_labels["acknowledged_on_time"],
                                       totals["ack_hits"], totals["ack_base"]))
    report.measures.append(_percentage("feedback_on_time", measure_labels["feedback_on_time"],
                                       totals["fb_hits"], totals["fb_base"]))
    closed = totals["closed"]
    report.measures.append(Measure(
        slug="days_to_close", label=measure_labels["days_to_close"],
        value=_median_days_to_close(cases, closed) if closed >= k else None,
        base=total_cell(closed), unit="days", k=k))
    report.measures.append(_percentage("handled_well", measure_labels["handled_well"],
                                       totals["handled_yes"], totals["handled"]))
    report.measures.append(_percentage("report_again", measure_labels["report_again"],
                                       totals["again_yes"], totals["again"]))
    return report


def _add_learning(report: YearlyReport, *, organisation_id: int, year: int, cases: Any,
                  labels: dict[str, dict[str, str]], titles: dict[str, str]) -> None:
    """Discrimination grounds, retaliation check-ins, lessons and their actions (issue 13): four
    grouped counts, suppressed like every other table."""

    def add(slug: str, counts: dict[str, int], order: list[str]) -> Breakdown:
        breakdown = _breakdown(slug, titles[slug], counts, labels[slug], order)
        report.breakdowns.append(breakdown)
        return breakdown

    # Every case that names discrimination, as its main category or one of several: the
    # grounds then add up to the discrimination row of "by category" (ADR 0100).
    grounds = Counter({(ground or UNKNOWN): n for ground, n in
                       cases.filter(category_rows__category=Category.DISCRIMINATIE)
                       .values_list("report__discrimination_ground").annotate(n=Count("pk"))
                       .order_by()})
    ground = add("ground", grounds, [*DiscriminationGround.values, UNKNOWN])
    # The grounds add up to the discrimination row of "by category": when that row is hidden
    # there, the whole table is hidden, or its total would give the hidden number away.
    category = next(b for b in report.breakdowns if b.slug == "category")
    if next(r for r in category.rows if r.key == Category.DISCRIMINATIE).cell.suppressed:
        report.breakdowns[-1] = Breakdown(
            slug=ground.slug, title=ground.title, total=Cell.hidden(report.k),
            rows=[Row(key=r.key, label=r.label, cell=Cell.hidden(report.k)) for r in ground.rows])
    checkins = Counter({(answer or UNKNOWN): n for answer, n in
                        RetaliationCheckin.objects.filter(
                            case__organisation_id=organisation_id, sent_at__isnull=False,
                            sent_at__year=year).values_list("answer").annotate(n=Count("pk"))
                        .order_by()})
    add("checkin", checkins, ["no", "yes", UNKNOWN])
    lessons = Lesson.objects.filter(organisation_id=organisation_id, created_at__year=year)
    themes = Counter({(theme or UNKNOWN): n for theme, n in
                      lessons.values_list("theme").annotate(n=Count("pk")).order_by()})
    add("lesson_theme", themes, [*Category.values, UNKNOWN])
    actions = Counter(dict(LessonAction.objects.filter(lesson__in=lessons)
                           .values_list("status").annotate(n=Count("pk")).order_by()))
    add("action_status", actions, list(LessonAction.Status.values))


def _median_days_to_close(cases: Any, closed: int) -> float:
    """The median of whole days from receipt to closing, from the one or two middle rows in
    order of duration (the order of durations is the order of their whole days)."""
    duration = ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())
    middle = (cases.filter(closed_at__isnull=False).annotate(duration=duration)
              .order_by("duration", "pk").values_list("received_at", "closed_at"))
    first = (closed - 1) // 2
    rows = list(middle[first:first + (2 - closed % 2)])
    return float(statistics.median([(closed_at - received).days for received, closed_at in rows]))


def _unit_breakdown(organisation_id: int, counts: Counter[Any], k: int, title: str) -> Breakdown:
    """Units with at least k cases by name; the rest together as 'other units'."""
    names = unit_names(organisation_id=organisation_id)
    shown = {str(unit_id): n for unit_id, n in counts.items() if unit_id and n >= k}
    rest = sum(n for unit_id, n in counts.items() if not unit_id or n < k)
    grouped = dict(shown)
    if rest:
        grouped[OTHER_UNITS] = rest
    labels = {str(pk): name for pk, name in names.items()}
    labels[OTHER_UNITS] = _("Other units and unknown together")
    order = sorted(shown, key=lambda key: labels.get(key, key)) + ([OTHER_UNITS] if rest else [])
    return _breakdown("unit", title, grouped, labels, order)


# --- formats ------------------------------------------------------------------------------


def csv_rows(report: YearlyReport) -> list[list[str]]:
    """The same figures as the page, as displayed (suppressed cells stay "< 5"); with the
    previous year and the change when that year is published too, and the published narrative."""
    compare = report.previous_year is not None

    def line(section: str, item: str, cell: Cell, previous: Cell | None,
             change: str) -> list[str]:
        return [section, item, cell.display] + (
            [previous.display if previous else "", change] if compare else [])

    header = [_("section"), _("item"), _("value")]
    if compare:
        header += [str(report.previous_year), _("change")]
    rows = [header,
            line(_("Total"), _("Cases received"), report.total_cases,
                 report.previous_total_cases, report.total_change_display),
            line(_("Total"), _("Advice-only contacts"), report.advice_contacts,
                 report.previous_advice_contacts, report.advice_change_display)]
    for breakdown in report.breakdowns:
        for row in breakdown.rows:
            rows.append(line(breakdown.title, row.label, row.cell, row.previous,
                             row.change_display))
        rows.append(line(breakdown.title, _("Total"), breakdown.total, breakdown.previous_total,
                         breakdown.total_change_display))
    for measure in report.measures:
        rows.append([_("Key figures"), measure.label, measure.display])
    if report.narrative is not None and report.narrative.is_published:
        for label, text in ((_("Observations"), report.narrative.observations),
                            (_("Recommendations"), report.narrative.recommendations)):
            if text:
                rows.append([_("Narrative"), label, text])
    return rows


def chart_svg(breakdown: Breakdown) -> str | None:
    """A bar chart of a breakdown (suppressed bars are left out; the table says "< 5")."""
    from vangnet.core.charts import bar_chart  # noqa: PLC0415 - matplotlib is heavy; only the report draws

    values = breakdown.chart_values
    if chart_is_empty(breakdown):
        return None
    maximum = max([v for v in values if v is not None] + [1])
    return bar_chart(chart_id=f"chart-{breakdown.slug}", title=breakdown.title,
                     labels=[row.label for row in breakdown.rows],
                     series=[(_("Cases"), values)], max_value=float(maximum),
                     value_label=_("number of cases"),
                     width_in=CHART_WIDTH_IN, font_size=CHART_FONT_PT)


# The charts are drawn narrow with large text, so that even on a 390 px phone (about 350 px for
# the chart) every label is at least 9 pt (12 px) once the browser scales the picture down
# (issue 13: the labels were about 5 px). cases.css never shows them wider than drawn.
CHART_WIDTH_IN = 4.5
CHART_FONT_PT = 12.0


def chart_is_empty(breakdown: Breakdown) -> bool:
    """Nothing to draw: every bar is hidden (fewer than k) or zero. The page says why instead."""
    return not any(value for value in breakdown.chart_values)
