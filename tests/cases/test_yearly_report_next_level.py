"""The yearly report's next level (issue 13): last year beside this year, discrimination grounds,
retaliation check-ins, lessons and their actions, and the advisors' narrative — with suppression
everywhere, frozen like the figures, and pages that cost the same at any size."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from support.people import enable_totp, make_member, make_unit
from vangnet.cases import services, stats
from vangnet.cases.models import (
    Case,
    CaseCategory,
    Lesson,
    LessonAction,
    RetaliationCheckin,
    YearlyFigures,
)
from vangnet.core.anonymity import Cell, change_if_shown
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role

from .conftest import actor_of

pytestmark = pytest.mark.django_db
YEAR = stats.latest_published_year()
LAST = YEAR - 1


def _case(organisation: Any, year: int, *, category: str = "pesten", unit: Any = None,
          **extra: Any) -> Case:
    received = timezone.make_aware(datetime(year, 5, 1, 12))
    case = Case.objects.create(
        organisation=organisation, reference=f"Y-{Case.objects.count() + 1}", category=category,
        unit=unit, received_at=received, acknowledge_due_at=received + timedelta(days=7),
        feedback_due_at=received + timedelta(days=97), **extra)
    # The statistics count every category of a case from its rows (docs/adr/0100).
    CaseCategory.objects.create(case=case, category=category)
    return case


def _cases(organisation: Any, year: int, count: int, **kwargs: Any) -> list[Case]:
    return [_case(organisation, year, **kwargs) for _ in range(count)]


def _client(client: Any, member: Any) -> Any:
    enable_totp(member.user)
    client.force_login(member.user)
    return client


def _page(client: Any, organisation: Any, year: int = YEAR) -> str:
    response = client.get(f"/o/{organisation.slug}/dossiers/jaarverslag/?jaar={year}")
    assert response.status_code == 200
    return response.content.decode()


def _csv(client: Any, organisation: Any, year: int = YEAR) -> list[list[str]]:
    response = client.get(f"/o/{organisation.slug}/dossiers/jaarverslag.csv?jaar={year}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))


BY_CATEGORY = ("Dossiers per onderwerp (een dossier over meerdere onderwerpen telt bij elk ervan "
               "mee; het totaal telt elk genoemd onderwerp)")


def _row(rows: list[list[str]], section: str, item: str) -> list[str]:
    return next(r for r in rows if r[0] == section and r[1] == item)


# --- comparison with last year ----------------------------------------------------------------


def test_a_change_only_between_two_shown_figures() -> None:
    assert change_if_shown(Cell.shown(12), Cell.shown(9)) == 3
    assert change_if_shown(Cell.hidden(5), Cell.shown(9)) is None  # would reveal the hidden 4
    assert change_if_shown(Cell.shown(9), Cell.hidden(5)) is None
    assert change_if_shown(Cell.shown(9), None) is None


def test_last_year_beside_this_year_without_subtraction(client: Any, organisation: Any,
                                                         coordinator: Any) -> None:
    big, small = make_unit(organisation, "Team Groot"), make_unit(organisation, "Team Klein")
    _cases(organisation, LAST, 9, category="pesten", unit=big)
    _cases(organisation, LAST, 6, category="werkdruk", unit=small)
    _cases(organisation, YEAR, 14, category="pesten", unit=big)
    _cases(organisation, YEAR, 3, category="werkdruk", unit=small)  # hidden this year
    _cases(organisation, YEAR, 6, category="intimidatie")  # hidden too, so 3 cannot be derived
    rows = _csv(_client(client, coordinator), organisation)
    assert rows[0][3:] == [str(LAST), "verandering"]
    assert _row(rows, "Totaal", "Ontvangen meldingen")[2:] == ["23", "15", "+8"]
    assert _row(rows, BY_CATEGORY, "Pesten")[2:] == ["14", "9", "+5"]
    # Werkdruk: 6 last year, hidden this year. No change is given: "−3" would say 3.
    assert _row(rows, BY_CATEGORY, "Werkdruk")[2:] == ["< 5", "6", ""]
    assert _row(rows, BY_CATEGORY, "Intimidatie")[2:] == ["< 5", "0", ""]
    # "Other units" holds other units each year: never compared.
    other = next(r for r in rows if r[1] == "Overige afdelingen en onbekend samen")
    assert other[3:] == ["", ""]
    page = _page(client, organisation)
    assert f"Vergeleken met {LAST}" in page and ">+5<" in page
    assert not re.search(r">[+−-]?3<", page) and ">+6<" not in page  # no hidden count leaks


def test_no_comparison_with_a_year_before_anything_was_registered(
    client: Any, organisation: Any, coordinator: Any,
) -> None:
    _cases(organisation, YEAR, 6)
    rows = _csv(_client(client, coordinator), organisation)
    assert rows[0] == ["onderdeel", "regel", "waarde"]
    assert "Vergeleken met" not in _page(client, organisation)


# --- grounds, check-ins, lessons and actions -------------------------------------------------


def _in_year(case: Case, year: int) -> None:
    received = timezone.make_aware(datetime(year, 3, 1, 12))
    Case.objects.filter(pk=case.pk).update(received_at=received)


def test_discrimination_grounds_are_counted_and_hidden_with_their_category(
    organisation: Any, submit: Any,
) -> None:
    for ground in ("leeftijd",) * 5 + ("afkomst",):
        _r, _c, case = submit(category="discriminatie", discrimination_ground=ground)
        _in_year(case, YEAR)
    _cases(organisation, YEAR, 9, category="pesten")
    figures = stats.figures_as_json(stats.compute_yearly_report(
        organisation_id=organisation.pk, organisation_name="", year=YEAR))
    grounds = next(b for b in figures["breakdowns"] if b["slug"] == "ground")
    counts = {r["key"]: r["count"] for r in grounds["rows"]}
    assert grounds["total"] == 6 and counts["afkomst"] is None and counts["leeftijd"] is None
    assert counts["religie"] == 0
    # Two fewer: discrimination (4) is hidden in the category table, so every ground is too,
    # the total included (it would be the hidden 4).
    Case.objects.filter(category="discriminatie").order_by("pk")[:1].get().delete()
    Case.objects.filter(category="discriminatie").order_by("pk")[:1].get().delete()
    figures = stats.figures_as_json(stats.compute_yearly_report(
        organisation_id=organisation.pk, organisation_name="", year=YEAR))
    grounds = next(b for b in figures["breakdowns"] if b["slug"] == "ground")
    assert grounds["total"] is None and {r["count"] for r in grounds["rows"]} == {None}


def test_check_ins_lessons_and_actions_of_the_year(organisation: Any, coordinator: Any) -> None:
    cases = _cases(organisation, YEAR, 12)
    sent = timezone.make_aware(datetime(YEAR, 9, 1, 12))
    for n, case in enumerate(cases):
        RetaliationCheckin.objects.create(case=case, months_after=3, due_at=sent, sent_at=sent,
                                          answer="no" if n < 7 else ("yes" if n < 8 else ""))
    made = timezone.make_aware(datetime(YEAR, 10, 1, 12))
    for n in range(6):
        lesson = Lesson.objects.create(organisation=organisation, text="Betere uitleg van de route.",
                                       theme="pesten", created_at=made)
        LessonAction.objects.create(organisation=organisation, lesson=lesson, title="Uitleg",
                                    status="done" if n else "open")
    Lesson.objects.create(organisation=organisation, text="Een les van vorig jaar, niet nu.",
                          theme="pesten", created_at=made.replace(year=LAST))
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="",
                                         year=YEAR)
    shown = {b.slug: {r.key: r.cell.display for r in b.rows} for b in report.breakdowns}
    assert shown["checkin"] == {"no": "7", "yes": "< 5", stats.UNKNOWN: "< 5"}
    assert shown["lesson_theme"]["pesten"] == "6"
    assert shown["action_status"] == {"open": "< 5", "doing": "0", "done": "< 5"}


# --- the advisors' narrative ---------------------------------------------------------------------


def test_the_narrative_is_a_draft_for_advisors_then_published_and_frozen(
    client: Any, organisation: Any, advisor: Any, coordinator: Any,
) -> None:
    _cases(organisation, YEAR, 6)
    me = actor_of(advisor)
    services.yearly_narrative_save(actor=me, year=YEAR, observations="Meer meldingen over pesten.",
                                   recommendations="", publish=False)
    assert "Meer meldingen over pesten" not in _page(_client(client, coordinator), organisation)
    assert not any(r[0] == "Toelichting" for r in _csv(client, organisation))
    services.yearly_narrative_save(actor=me, year=YEAR, observations="Meer meldingen over pesten.",
                                   recommendations="=Train de leidinggevenden.", publish=True)
    page = _page(client, organisation)
    assert "Meer meldingen over pesten" in page and "Train de leidinggevenden" in page
    rows = _csv(client, organisation)
    assert ["Toelichting", "Aanbevelingen", "'=Train de leidinggevenden."] in rows  # text in CSV
    with pytest.raises(ValidationError):  # published: it stays as it is
        services.yearly_narrative_save(actor=me, year=YEAR, observations="Anders.",
                                       recommendations="", publish=True)
    frozen = YearlyFigures.objects.get(organisation=organisation, year=YEAR)
    assert frozen.observations == "Meer meldingen over pesten."
    entries = AuditEntry.objects.filter(action="cases.yearly_narrative")
    assert [e.data for e in entries] == [{"year": YEAR, "published": False},
                                        {"year": YEAR, "published": True}]
    assert "pesten" not in str([e.data for e in entries])


def test_only_advisors_write_the_narrative_and_never_for_an_open_year(
    client: Any, organisation: Any, advisor: Any, coordinator: Any,
) -> None:
    council = make_member(organisation, Role.WORKS_COUNCIL, name="Olga OR")
    for member in (coordinator, council):
        with pytest.raises(PermissionDenied):
            services.yearly_narrative_save(actor=actor_of(member), year=YEAR, observations="x",
                                           recommendations="", publish=True)
        url = f"/o/{organisation.slug}/dossiers/jaarverslag/toelichting/?jaar={YEAR}"
        assert _client(client, member).get(url).status_code == 403
    with pytest.raises(ValidationError):
        services.yearly_narrative_save(actor=actor_of(advisor), year=timezone.localdate().year,
                                       observations="Te vroeg.", recommendations="", publish=False)


def test_the_narrative_page(client: Any, organisation: Any, advisor: Any) -> None:
    _cases(organisation, YEAR, 6)
    _client(client, advisor)
    url = f"/o/{organisation.slug}/dossiers/jaarverslag/toelichting/?jaar={YEAR}"
    assert 'data-testid="write-narrative"' in _page(client, organisation)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"observations": "", "recommendations": "", "publish": "1"})
    assert refused.status_code == 200 and "voordat je publiceert" in refused.content.decode()
    done = client.post(url, {"observations": "Rustig jaar.", "recommendations": "",
                             "publish": "1"})
    assert done.status_code == 302
    assert client.get(url).status_code == 302  # published: back to the report
    assert "Rustig jaar." in _page(client, organisation)


# --- flat pages and readable charts ---------------------------------------------------------------


def test_the_page_costs_the_same_for_few_and_many_cases(client: Any, organisation: Any,
                                                       coordinator: Any) -> None:
    _client(client, coordinator)
    _cases(organisation, LAST, 6)
    _cases(organisation, YEAR, 6)
    _page(client, organisation)  # freezes both years
    _page(client, organisation, YEAR - 2)
    with CaptureQueriesContext(connection) as few:
        _page(client, organisation, YEAR - 2)
    Case.objects.all().delete()
    YearlyFigures.objects.all().delete()
    _cases(organisation, LAST, 60, category="werkdruk")
    _cases(organisation, YEAR, 90)
    _page(client, organisation)
    with CaptureQueriesContext(connection) as many:
        _page(client, organisation)
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_chart_labels_are_at_least_9_pt_in_the_pdf(organisation: Any) -> None:
    _cases(organisation, YEAR, 8, category="pesten")
    _cases(organisation, YEAR, 7, category="werkdruk")
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="",
                                         year=YEAR)
    template = Path(stats.__file__).parent / "templates/cases/yearly_report_pdf.html"
    width_cm = float(re.search(r"\.vn-chart svg \{ width: ([\d.]+)cm", template.read_text())
                     .group(1))
    charts = [svg for svg in (stats.chart_svg(b) for b in report.breakdowns) if svg]
    assert charts
    for svg in charts:
        view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        smallest = min(float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg))
        # 1 CSS px is 0.75 pt; the chart is drawn `view_width` px wide and printed width_cm.
        printed_pt = smallest * (width_cm / 2.54 * 96) / view_width * 0.75
        assert printed_pt >= 9, printed_pt
