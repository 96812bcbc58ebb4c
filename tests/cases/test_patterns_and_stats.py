"""Pattern signals and the yearly report: small numbers never expose anyone."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from support.people import make_member, make_unit
from vangnet.cases import services, stats
from vangnet.cases.models import (
    AdviceContact,
    Case,
    CaseCategory,
    PatternKey,
    PatternSignal,
    PersonMark,
)
from vangnet.cases.patterns import reporting_unit
from vangnet.organisations.roles import Role

from .conftest import actor_of


def _fill_unit(organisation, unit, n):
    for _ in range(n):
        make_member(organisation, Role.EMPLOYEE, unit=unit)


@pytest.mark.django_db
def test_two_cases_in_one_big_unit_raise_a_unit_signal(organisation, submit):
    unit = make_unit(organisation, "Team Groot")
    _fill_unit(organisation, unit, 6)
    submit(unit=unit)
    assert not PatternSignal.objects.exists()
    submit(unit=unit)
    signal = PatternSignal.objects.get()
    assert signal.kind == "unit" and signal.unit_id == unit.pk and signal.case_count == 2
    from vangnet.cases.patterns import signal_count_cell

    assert signal_count_cell(signal).display == "< 5"


@pytest.mark.django_db(transaction=True)
def test_advisors_hear_of_a_signal_only_when_its_band_changes(organisation, submit, advisor):
    """Issue #10 (stats): an e-mail or a dismissed signal coming back on every new report would
    count the reports one by one, which the banded page hides. Only a new signal and a count
    that crosses into another band of k tell the advisors something."""
    from django.core import mail

    unit = make_unit(organisation, "Team Groot")
    _fill_unit(organisation, unit, 12)

    def pattern_mails() -> int:
        return sum(m.subject.endswith(("A new pattern signal", "Een nieuw patroonsignaal"))
                   for m in mail.outbox)

    submit(unit=unit)
    mail.outbox.clear()
    submit(unit=unit)  # two cases: the signal is raised ("< 5")
    assert pattern_mails() == 1
    signal = PatternSignal.objects.get()
    raised_at = signal.last_raised_at
    signal.dismissed_at = signal.last_raised_at
    signal.save(update_fields=["dismissed_at"])
    for _ in range(2):  # three and four cases: still "< 5"
        submit(unit=unit)
    signal.refresh_from_db()
    assert pattern_mails() == 1
    assert signal.case_count == 4 and signal.dismissed_at is not None
    assert signal.last_raised_at == raised_at
    submit(unit=unit)  # five: "5–9"
    signal.refresh_from_db()
    assert pattern_mails() == 2 and signal.dismissed_at is None


@pytest.mark.django_db
def test_a_small_team_is_shown_as_the_unit_above_it(organisation, submit):
    department = make_unit(organisation, "Afdeling")
    small = make_unit(organisation, "Klein team", parent=department)
    other = make_unit(organisation, "Ander team", parent=department)
    _fill_unit(organisation, small, 2)
    _fill_unit(organisation, other, 4)
    assert reporting_unit(small.pk, organisation.pk) == department.pk
    submit(unit=small)
    submit(unit=small)
    signal = PatternSignal.objects.get()
    assert signal.unit_id == department.pk  # never names the two-person team


@pytest.mark.django_db
def test_person_marks_are_keyed_hashes_only_advisors_can_make(organisation, submit, advisor):
    accused = make_member(organisation, Role.EMPLOYEE, name="Karel Klager")
    second = make_member(organisation, Role.ADVISOR, name="Tweede VP")
    from .conftest import give_keys

    second.private_key = give_keys(second)
    _r1, _c1, first_case = submit()
    _r2, _c2, second_case = submit()
    services.person_mark(actor=actor_of(advisor), case=first_case, person=accused,
                         private_key=advisor.private_key)
    assert not PatternSignal.objects.filter(kind="person").exists()
    services.person_mark(actor=actor_of(advisor), case=second_case, person=accused,
                         private_key=advisor.private_key)
    signal = PatternSignal.objects.get(kind="person")
    marks = list(PersonMark.objects.values_list("person_hash", flat=True))
    assert len(set(marks)) == 1
    # The server cannot recompute the mark: it is not a plain hash of the membership id, and the
    # pattern key is stored only sealed for advisors.
    import hashlib

    assert marks[0] != hashlib.sha256(f"membership:{accused.pk}".encode()).hexdigest()
    assert PatternKey.objects.filter(membership=second).exists()
    assert "Karel" not in str(signal.subject_key)
    # The second advisor opens the same key and gets the same mark.
    key = services.pattern_key_open(actor=actor_of(second), private_key=second.private_key)
    assert services.person_hash(key, accused.pk) == marks[0]


def _case(organisation, *, category="pesten", unit=None, outcome="", received_at=None,
          **extra):
    now = received_at or timezone.now()
    case = Case.objects.create(
        organisation=organisation, reference=f"T-{Case.objects.count() + 1}", category=category,
        unit=unit, outcome=outcome, received_at=now, acknowledge_due_at=now + timedelta(days=7),
        feedback_due_at=now + timedelta(days=97), **extra)
    CaseCategory.objects.create(case=case, category=category)
    return case


@pytest.mark.django_db
def test_yearly_report_suppresses_small_and_derivable_figures(organisation):
    big = make_unit(organisation, "Groot")
    small = make_unit(organisation, "Klein")
    for _ in range(6):
        _case(organisation, category="pesten", unit=big)
    for _ in range(5):
        _case(organisation, category="intimidatie", unit=big)
    _case(organisation, category="discriminatie", unit=small)
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="X",
                                         year=timezone.now().year)
    assert report.total_cases.count == 12
    by_category = {b.slug: b for b in report.breakdowns}["category"]
    cells = {row.key: row.cell for row in by_category.rows}
    assert cells["discriminatie"].display == "< 5"
    # One hidden cell next to a shown total would give it away: a second one is hidden too.
    hidden = [key for key, cell in cells.items() if cell.suppressed]
    assert len(hidden) >= 2
    shown_sum = sum(cell.count for cell in cells.values() if not cell.suppressed)
    assert 12 - shown_sum >= 5  # what is hidden together is never a small number
    by_unit = {b.slug: b for b in report.breakdowns}["unit"]
    labels = [row.label for row in by_unit.rows]
    assert "Groot" in labels and "Klein" not in labels
    # Percentages need at least five cases behind them.
    measures = {m.slug: m for m in report.measures}
    assert measures["days_to_close"].value is None


@pytest.mark.django_db
def test_yearly_report_with_few_cases_shows_nothing_small(organisation):
    for _ in range(3):
        _case(organisation)
    AdviceContact.objects.create(organisation=organisation, contact_date=timezone.localdate(),
                                 category="pesten")
    report = stats.compute_yearly_report(organisation_id=organisation.pk, organisation_name="X",
                                         year=timezone.now().year)
    assert report.total_cases.display == "< 5"
    assert report.advice_contacts.display == "< 5"
    for breakdown in report.breakdowns:
        assert all(row.cell.suppressed or row.cell.count == 0 for row in breakdown.rows) or \
            all(row.cell.suppressed for row in breakdown.rows)
        assert all(row.cell.display in {"< 5", "0"} for row in breakdown.rows)
    rows = stats.csv_rows(report)
    assert all(value != "3" for _section, _item, value in rows)


@pytest.mark.django_db
def test_yearly_report_pages_csv_and_pdf(client, organisation, coordinator, employee, advisor):
    from support.people import enable_totp

    year = stats.latest_published_year()
    in_that_year = timezone.make_aware(datetime(year, 6, 1, 12))
    for _ in range(7):
        _case(organisation, category="werkdruk", received_at=in_that_year)
    enable_totp(coordinator.user)
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/dossiers/jaarverslag"
    page = client.get(base + "/")  # the latest published year by default
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    csv_response = client.get(base + ".csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode()), delimiter=";"))
    assert any(row[-1] == "7" for row in rows)
    pdf = client.get(base + ".pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(employee.user)
    assert client.get(base + "/").status_code == 404
    assert client.get(base + ".csv").status_code == 404


@pytest.mark.django_db
def test_advice_only_contacts_count_without_names(organisation, advisor, employee):
    from django.core.exceptions import PermissionDenied, ValidationError

    contact = services.advice_contact_record(actor=actor_of(advisor),
                                             contact_date=timezone.localdate(),
                                             category="pesten", channel="phone")
    assert contact.organisation_id == organisation.pk
    field_names = {f.name for f in AdviceContact._meta.get_fields()}
    assert not field_names & {"name", "person", "text", "narrative"}
    with pytest.raises(PermissionDenied):
        services.advice_contact_record(actor=actor_of(employee), contact_date=timezone.localdate(),
                                       category="pesten", channel="phone")
    with pytest.raises(ValidationError):
        services.advice_contact_record(actor=actor_of(advisor),
                                       contact_date=timezone.localdate() + timedelta(days=2),
                                       category="pesten", channel="phone")


@pytest.mark.django_db
def test_lessons_feed_the_list_and_become_actions(submit, advisor, coordinator, employee):
    from django.core.exceptions import PermissionDenied

    from vangnet.cases import selectors

    _report, _code, case = submit()
    lesson = services.lesson_record(actor=actor_of(advisor), case=case,
                                    text="Nieuwe collega's kennen de vertrouwenspersoon niet.")
    assert list(selectors.lessons_for(actor=actor_of(coordinator))) == [lesson]
    assert list(selectors.lessons_for(actor=actor_of(employee))) == []
    action = services.lesson_action_create(actor=actor_of(coordinator), lesson=lesson,
                                           title="Vertrouwenspersoon voorstellen bij onboarding")
    assert action.lesson_id == lesson.pk
    # The quickscan's action plan is installed: the action lives there too, linked back.
    from vangnet.quickscan.models import Action

    linked = Action.objects.get(pk=action.quickscan_action_id)
    assert linked.title == action.title and linked.organisation_id == lesson.organisation_id
    with pytest.raises(PermissionDenied):
        services.lesson_action_create(actor=actor_of(advisor), lesson=lesson, title="x")
