"""Several categories per report (issue 13, ADR 0100): the reporter ticks more than one, the
handler adjusts them, the list filters on any of them, and the statistics count a report under
each of its categories — with the small numbers suppressed as before."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from support.people import make_unit
from vangnet.cases import services, stats
from vangnet.cases.models import Case, CaseCategory, CaseEvent
from vangnet.cases.signal_sources import CasesSource
from vangnet.core.models import AuditEntry
from vangnet.core.signal_sources import Quarter
from vangnet.reporting.categories import Category
from vangnet.reporting.models import Report

from .conftest import actor_of
from .test_case_list_filters import _list, _refs
from .test_views import _login

pytestmark = pytest.mark.django_db


def _categories(case: Case) -> list[str]:
    return list(CaseCategory.objects.filter(case=case).order_by("id")
                .values_list("category", flat=True))


def test_safety_risk_or_near_miss_is_a_category() -> None:
    with translation.override("en"):
        assert str(Category("veiligheid").label) == "Safety risk or near miss"
    with translation.override("nl"):
        assert str(Category("veiligheid").label) == "Veiligheidsrisico of bijna-ongeval"


def test_the_reporters_form_takes_several_categories(client, organisation, advisor) -> None:
    url = reverse("reporting:report_new", args=[organisation.slug])
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="category" value="veiligheid"' in page
    response = client.post(url, {
        "category": ["discriminatie", "seksuele_intimidatie"], "discrimination_ground": "geslacht",
        "mode": "anonymous", "narrative": "Opmerkingen over mijn lichaam, alleen bij vrouwen.",
        "recipient": str(advisor.pk)})
    assert response.status_code == 303, response.content.decode()[:500]
    report = Report.objects.get()
    # The primary is the first ticked in the list's order; the ground is kept with the set.
    assert report.category == "seksuele_intimidatie"
    assert report.categories == ["seksuele_intimidatie", "discriminatie"]
    assert report.discrimination_ground == "geslacht"
    case = Case.objects.get(report=report)
    assert case.category == "seksuele_intimidatie"
    assert _categories(case) == ["seksuele_intimidatie", "discriminatie"]


def test_a_report_without_a_category_or_with_an_unknown_one_is_refused(client, organisation,
                                                                        advisor) -> None:
    url = reverse("reporting:report_new", args=[organisation.slug])
    for data in ({}, {"category": ["pesten", "onzin"]}):
        response = client.post(url, {"mode": "anonymous", "narrative": "Er gebeurde iets.",
                                     **data})
        assert response.status_code == 200
        assert 'href="#id_category_0"' in response.content.decode()  # named in the summary
    assert not Report.objects.exists()


def test_the_service_refuses_unknown_other_categories(organisation, submit) -> None:
    with pytest.raises(ValidationError):
        submit(category="pesten", other_categories=["onzin"])
    _report, _code, case = submit(category="pesten", other_categories=["pesten", "werkdruk"])
    assert _categories(case) == ["pesten", "werkdruk"]  # no repeats, primary first


def test_the_handler_adjusts_the_categories(client, organisation, advisor, hr, submit) -> None:
    _report, _code, case = submit(category="pesten")
    services.case_categories_set(actor=actor_of(advisor), case=case,
                                 categories=["pesten", "discriminatie", "veiligheid"],
                                 primary="discriminatie")
    case.refresh_from_db()
    assert case.category == "discriminatie"
    assert _categories(case)[0] == "pesten" and set(_categories(case)) == {
        "pesten", "discriminatie", "veiligheid"}
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CATEGORIES)
    assert event.actor_id == advisor.pk
    entry = AuditEntry.objects.filter(action="cases.categories").get()
    assert entry.data["categories"] == ["discriminatie", "pesten", "veiligheid"]
    # Dropping the primary makes the first remaining one (in the list's order) primary.
    services.case_categories_set(actor=actor_of(advisor), case=case,
                                 categories=["veiligheid", "werkdruk"])
    case.refresh_from_db()
    assert case.category == "werkdruk" and set(_categories(case)) == {"veiligheid", "werkdruk"}
    # Nothing changed: no entry.
    before = AuditEntry.objects.count()
    services.case_categories_set(actor=actor_of(advisor), case=case,
                                 categories=["werkdruk", "veiligheid"])
    assert AuditEntry.objects.count() == before
    for bad in ([], ["onzin"]):
        with pytest.raises(ValidationError):
            services.case_categories_set(actor=actor_of(advisor), case=case, categories=bad)
    with pytest.raises(ValidationError):
        services.case_categories_set(actor=actor_of(advisor), case=case,
                                     categories=["pesten"], primary="werkdruk")
    # Someone who does not lead the case may not.
    with pytest.raises((PermissionDenied, Exception)):
        services.case_categories_set(actor=actor_of(hr), case=case, categories=["pesten"])
    assert set(_categories(case)) == {"veiligheid", "werkdruk"}


def test_the_case_page_shows_and_changes_the_categories(client, organisation, advisor,
                                                         submit) -> None:
    _report, _code, case = submit(category="pesten", other_categories=["discriminatie"])
    _login(client, advisor)
    detail = reverse("cases:detail", args=[organisation.slug, case.pk])
    body = client.get(detail).content.decode()
    assert "Pesten, Discriminatie" in body and 'data-testid="categories-form"' in body
    url = reverse("cases:categories", args=[organisation.slug, case.pk])
    response = client.post(url, {"categories": ["veiligheid", "pesten"], "primary": "veiligheid"})
    assert response.status_code == 302 and response["Location"].endswith("#categories")
    case.refresh_from_db()
    assert case.category == "veiligheid"
    assert "Veiligheidsrisico of bijna-ongeval, Pesten" in client.get(detail).content.decode()
    # Bad input: the form again with a Dutch message, nothing changed, never a 500.
    for data in ({}, {"categories": ["onzin"]}, {"categories": ["pesten"], "primary": "werkdruk"}):
        page = client.post(url, data)
        assert page.status_code == 200 and "utrecht-form-field-error-message" in \
            page.content.decode()
    assert set(_categories(case)) == {"veiligheid", "pesten"}


def test_the_list_filters_on_any_category_and_shows_them_all(client, organisation, advisor,
                                                              submit) -> None:
    _r1, _c1, both = submit(category="seksuele_intimidatie", other_categories=["discriminatie"])
    _r2, _c2, only = submit(category="discriminatie")
    _r3, _c3, other = submit(category="pesten")
    _login(client, advisor)
    assert set(_refs(_list(client, organisation, categorie="discriminatie"))) == {
        both.reference, only.reference}
    assert _refs(_list(client, organisation, categorie="seksuele_intimidatie")) == [
        both.reference]
    page = _list(client, organisation)
    assert "Seksuele intimidatie of ongewenste seksuele aandacht, Discriminatie" in page
    assert other.reference in _refs(page)


def _case_on(organisation, day, categories, unit=None):
    at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))
    case = Case.objects.create(
        organisation=organisation, reference=f"T-{Case.objects.count() + 1}",
        category=categories[0], unit=unit, received_at=at, acknowledge_due_at=at,
        feedback_due_at=at)
    CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in categories])
    return case


def test_yearly_figures_count_a_case_under_each_category(organisation) -> None:
    year = stats.latest_published_year()
    day = date(year, 3, 1)
    for _ in range(6):
        _case_on(organisation, day, ["seksuele_intimidatie", "discriminatie"])
    for _ in range(5):
        _case_on(organisation, day, ["discriminatie"])
    _case_on(organisation, day, ["pesten"])  # alone: a small number
    for _ in range(4):
        _case_on(organisation, day, ["werkdruk"])  # small too; with "pesten" they describe 5
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="",
                                         year=year)
    assert report.total_cases.count == 16
    table = next(b for b in report.breakdowns if b.slug == "category")
    cells = {row.key: row.cell for row in table.rows}
    assert cells["discriminatie"].count == 11
    assert cells["seksuele_intimidatie"].count == 6
    # The total of this table is the number of categories named (22), more than the 16 cases,
    # and the page says so in the title.
    assert table.total.count == 22
    assert "meerdere onderwerpen" in table.title
    # Suppression as ever: the small cells are hidden, nothing else; a lone small cell would
    # also hide the next-smallest (core.anonymity's own tests prove that rule).
    assert {key for key, cell in cells.items() if cell.suppressed} == {"pesten", "werkdruk"}
    # The CSV carries the same (suppressed) figures.
    rows = stats.csv_rows(report)
    assert [table.title, str(Category("pesten").label), "< 5"] in rows


def test_the_signal_source_counts_every_category_and_advice_units(organisation) -> None:
    team = make_unit(organisation, "Team Techniek")
    quarter = Quarter.of(date(2026, 5, 1))
    for _ in range(5):
        _case_on(organisation, date(2026, 5, 1), ["veiligheid", "intimidatie"], unit=team)
    _case_on(organisation, date(2026, 5, 2), ["intimidatie"], unit=team)
    figures = {(f.measure, f.unit_id): f for f in CasesSource().figures(
        organisation_id=organisation.pk, quarters=[quarter])}
    assert figures[("cases.reports_by_category.intimidatie", None)].value == 6
    assert figures[("cases.reports_by_category.veiligheid", None)].value == 5
    # The figure describes the quarter's six reports, not its eleven category names.
    assert figures[("cases.reports_by_category.veiligheid", None)].people == 6
    assert figures[("cases.reports", team.pk)].value == 6


def test_the_migration_makes_the_old_category_the_first_of_the_set(organisation, submit) -> None:
    _report, _code, case = submit(category="werkdruk")
    CaseCategory.objects.all().delete()
    Report.objects.update(categories=[])
    cases_migration = importlib.import_module(
        "vangnet.cases.migrations.0007_categories_aftercare_advice_units")
    reporting_migration = importlib.import_module(
        "vangnet.reporting.migrations.0009_report_several_categories")
    cases_migration.primary_as_first_row(django_apps, None)
    reporting_migration.primary_as_set(django_apps, None)
    assert _categories(case) == ["werkdruk"]
    assert Report.objects.get().categories == ["werkdruk"]
