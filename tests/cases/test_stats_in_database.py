"""The yearly figures are counted in the database (docs/adr/0095); they must be exactly what the
row-by-row computation gave, suppression included. The oracle below is that computation written
out again independently: every case of the year loaded, counted and measured in Python, then
suppressed with core.anonymity (whose rules are tested against the worked examples on their own).
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from support.people import make_unit
from vangnet.cases import stats
from vangnet.cases.models import (
    AdviceContact,
    Case,
    CaseCategory,
    Lesson,
    LessonAction,
    RetaliationCheckin,
)
from vangnet.cases.workflow import Outcome, State
from vangnet.core.anonymity import percentage_if_allowed, suppress_counts, threshold, total_cell
from vangnet.organisations.models import Unit
from vangnet.reporting.categories import Category

pytestmark = pytest.mark.django_db
YEAR = 2025
STEPS = ["", "advisor", "hr", "manager", "complaints_committee"]


def _oracle(organisation_id: int, year: int) -> dict:
    """The figures as JSON, computed from every row in Python (the way it was done before)."""
    k = threshold()
    now = timezone.now()
    rows = list(Case.objects.filter(organisation_id=organisation_id))
    rows = [c for c in rows if timezone.localtime(c.received_at).year == year]
    advice = [a for a in AdviceContact.objects.filter(organisation_id=organisation_id)
              if a.contact_date.year == year]

    def table(slug, counts, order):
        total = sum(counts.values())
        cells = suppress_counts({key: counts.get(key, 0) for key in order}, total=total)
        return {"slug": slug, "total": None if total_cell(total).suppressed else total,
                "rows": [{"key": key, "count": cells[key].count} for key in order]}

    categories = [c.value for c in Category]
    breakdowns = [
        # A case about several categories counts under each (docs/adr/0100).
        table("category", Counter(category for c in rows
                                  for category in c.category_rows.values_list("category",
                                                                              flat=True)),
              categories),
        table("route_step", Counter(c.route_step or "advisor" for c in rows),
              list(stats._labels()["route_step"])),
        table("outcome", Counter(c.outcome for c in rows), [*Outcome.values, ""]),
        table("advice_category", Counter(a.category for a in advice), categories),
    ]
    units = Counter(c.unit_id for c in rows)
    named = {str(u): n for u, n in units.items() if u and n >= k}
    rest = sum(n for u, n in units.items() if not u or n < k)
    names = dict(Unit.objects.filter(organisation_id=organisation_id).values_list("pk", "name"))
    order = sorted(named, key=lambda key: names[int(key)])
    if rest:
        named[stats.OTHER_UNITS] = rest
        order.append(stats.OTHER_UNITS)
    unit_table = table("unit", Counter(named), order)
    for row in unit_table["rows"]:
        if row["key"] != stats.OTHER_UNITS:
            row["label"] = names[int(row["key"])]
    breakdowns.append(unit_table)
    # Discrimination grounds (from the report; none here, so "not known"), hidden entirely when
    # the discrimination row of the category table is hidden. Every case that names
    # discrimination counts, as its main category or one of several (docs/adr/0100).
    discrimination = [c for c in rows if Category.DISCRIMINATIE in
                      c.category_rows.values_list("category", flat=True)]
    grounds = Counter((c.report.discrimination_ground if c.report else "") or stats.UNKNOWN
                      for c in discrimination)
    ground_table = table("ground", grounds, [*stats.DiscriminationGround.values, stats.UNKNOWN])
    category_row = next(r for r in breakdowns[0]["rows"] if r["key"] == Category.DISCRIMINATIE)
    if category_row["count"] is None:
        ground_table["total"] = None
        for row in ground_table["rows"]:
            row["count"] = None
    breakdowns.append(ground_table)
    checkins = [c for c in RetaliationCheckin.objects.filter(case__organisation_id=organisation_id)
                if c.sent_at and timezone.localtime(c.sent_at).year == year]
    breakdowns.append(table("checkin", Counter(c.answer or stats.UNKNOWN for c in checkins),
                            ["no", "yes", stats.UNKNOWN]))
    lessons = [lesson for lesson in Lesson.objects.filter(organisation_id=organisation_id)
               if timezone.localtime(lesson.created_at).year == year]
    breakdowns.append(table("lesson_theme", Counter(x.theme or stats.UNKNOWN for x in lessons),
                            [*categories, stats.UNKNOWN]))
    lesson_ids = {x.pk for x in lessons}
    actions = [a for a in LessonAction.objects.all() if a.lesson_id in lesson_ids]
    breakdowns.append(table("action_status", Counter(a.status for a in actions),
                            list(LessonAction.Status.values)))

    def pct(slug, hits, base):
        return {"slug": slug, "value": percentage_if_allowed(hits, base),
                "base": None if total_cell(base).suppressed else base, "unit": "%"}

    ack = [c for c in rows if c.acknowledged_at or c.acknowledge_due_at <= now]
    fb = [c for c in rows if c.feedback_given_at or c.feedback_due_at <= now]
    days = [(c.closed_at - c.received_at).days for c in rows if c.closed_at]
    handled = [c.satisfaction_handled_well for c in rows if c.satisfaction_handled_well is not None]
    again = [c.satisfaction_would_report_again for c in rows
             if c.satisfaction_would_report_again is not None]
    return {
        "format": stats.FIGURES_FORMAT,
        "total_cases": None if total_cell(len(rows)).suppressed else len(rows),
        "advice_contacts": None if total_cell(len(advice)).suppressed else len(advice),
        "breakdowns": breakdowns,
        "measures": [
            pct("acknowledged_on_time", sum(1 for c in ack if c.acknowledged_at
                                            and c.acknowledged_at <= c.acknowledge_due_at),
                len(ack)),
            pct("feedback_on_time", sum(1 for c in fb if c.feedback_given_at
                                        and c.feedback_given_at <= c.feedback_due_at), len(fb)),
            {"slug": "days_to_close",
             "value": float(statistics.median(days)) if len(days) >= k else None,
             "base": None if total_cell(len(days)).suppressed else len(days), "unit": "days"},
            pct("handled_well", sum(handled), len(handled)),
            pct("report_again", sum(again), len(again)),
        ],
    }


def _fill(organisation, seed: int, size: int) -> None:
    rng = random.Random(seed)
    units = [make_unit(organisation, f"Team {name}") for name in ("Oost", "West", "Noord", "Zuid")]
    categories = [c.value for c in Category]
    start = datetime(YEAR - 1, 12, 20, tzinfo=UTC)
    cases = []
    for n in range(size):
        received = start + timedelta(days=rng.uniform(0, 400))
        ack_due = received + timedelta(days=7)
        acked = received + timedelta(days=rng.uniform(0, 12)) if rng.random() < 0.8 else None
        closed = received + timedelta(days=rng.uniform(1, 200)) if rng.random() < 0.6 else None
        cases.append(Case(
            organisation=organisation, reference=f"T-{seed}-{n}", state=State.RECEIVED,
            # A few categories, steps and units are rare: small cells must be suppressed.
            category=rng.choice(categories[:3] * 6 + categories),
            route_step=rng.choice(STEPS * 3 + ["external"]), outcome=rng.choice([*Outcome.values, ""]),
            unit=rng.choice(units * 4 + [None]) if rng.random() < 0.9 else units[0],
            received_at=received, acknowledge_due_at=ack_due, acknowledged_at=acked,
            feedback_due_at=received + timedelta(days=97),
            feedback_given_at=received + timedelta(days=rng.uniform(10, 120))
            if rng.random() < 0.5 else None,
            closed_at=closed,
            satisfaction_handled_well=rng.choice([None, None, 0, 1, 1]),
            satisfaction_would_report_again=rng.choice([None, 0, 1]),
        ))
    Case.objects.bulk_create(cases)
    # The primary category, and for about a third of the cases one or two more.
    rows = []
    for case in cases:
        also = rng.sample(categories, rng.choice([0, 0, 1, 2]))
        for category in dict.fromkeys([case.category, *also]):
            rows.append(CaseCategory(case=case, category=category))
    CaseCategory.objects.bulk_create(rows)
    saved = list(Case.objects.filter(organisation=organisation, reference__startswith=f"T-{seed}-"))
    RetaliationCheckin.objects.bulk_create([
        RetaliationCheckin(case=case, months_after=3, due_at=start,
                           sent_at=start + timedelta(days=rng.uniform(0, 400))
                           if rng.random() < 0.8 else None,
                           answer=rng.choice(["", "no", "no", "no", "yes"]))
        for case in saved if rng.random() < 0.5])
    lessons = Lesson.objects.bulk_create([
        Lesson(organisation=organisation, text="Een les zonder namen.",
               theme=rng.choice(categories[:2] * 5 + [""] + categories),
               created_at=start + timedelta(days=rng.uniform(0, 400)))
        for _ in range(size // 4)])
    LessonAction.objects.bulk_create([
        LessonAction(organisation=organisation, lesson=lesson, title="Actie",
                     status=rng.choice(["open", "doing", "done", "done"]))
        for lesson in lessons for _ in range(rng.randint(0, 2))])
    AdviceContact.objects.bulk_create([
        AdviceContact(organisation=organisation, contact_date=(start + timedelta(
            days=rng.uniform(0, 400))).date(), category=rng.choice(categories[:4]))
        for _ in range(size // 3)])


@pytest.mark.parametrize(("seed", "size"), [(1, 0), (2, 3), (3, 12), (4, 40), (5, 160), (6, 400)])
def test_database_figures_equal_the_row_by_row_oracle(organisation, seed, size):
    _fill(organisation, seed, size)
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="",
                                         year=YEAR)
    assert stats.figures_as_json(report) == _oracle(organisation.pk, YEAR)


def test_the_oracle_and_the_database_both_suppress(organisation):
    """The comparison above would prove little if nothing was ever suppressed or shown."""
    _fill(organisation, 7, 60)
    figures = stats.figures_as_json(stats.compute_yearly_report(
        organisation_id=organisation.pk, organisation_name="", year=YEAR))
    counts = [row["count"] for b in figures["breakdowns"] for row in b["rows"]]
    assert None in counts and any(c not in (None, 0) for c in counts)


def test_computing_a_year_costs_the_same_queries_for_few_and_many_cases(organisation):
    _fill(organisation, 8, 10)
    with CaptureQueriesContext(connection) as few:
        stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="",
                                    year=YEAR)
    _fill(organisation, 9, 300)
    with CaptureQueriesContext(connection) as many:
        stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="",
                                    year=YEAR)
    # 6, and one grouped count each for grounds, check-ins, lessons and their actions.
    assert len(few.captured_queries) == len(many.captured_queries) <= 10
