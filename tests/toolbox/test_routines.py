"""Team routines: planning, what is next, done with a note, ICS feed and reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from vangnet.core.scheduling import registered_jobs
from vangnet.toolbox import selectors, services
from vangnet.toolbox.models import CalendarFeed, Routine, RoutineOccurrence

from .conftest import actor

pytestmark = pytest.mark.django_db


def url(name: str, org: Any, *args: Any) -> str:
    return reverse(f"toolbox:{name}", args=[org.slug, *args])


def make_routine(team: Any, *, starts_on: date | None = None, frequency: str = "weekly",
                 remind: int = 1) -> Routine:
    werkvorm = selectors.werkvormen_by_slugs(team.organisation.pk, ["wekelijkse-check-in"])[0]
    return services.routine_create(
        actor=actor(team.manager), unit=team.unit, werkvorm=werkvorm, title="Check-in",
        frequency=frequency, starts_on=starts_on or timezone.localdate(), time_of_day=time(9, 0),
        remind_days_before=remind)


def test_manager_plans_a_routine_and_the_team_sees_what_is_next(team: Any, client_for: Any) -> None:
    client = client_for(team.manager)
    werkvorm_id = selectors.werkvormen_by_slugs(team.organisation.pk, ["wekelijkse-check-in"])[0].pk
    start = timezone.localdate() + timedelta(days=3)
    response = client.post(url("routine_create", team.organisation), {
        "unit": team.unit.pk, "werkvorm": werkvorm_id, "title": "", "frequency": "weekly",
        "starts_on": start.isoformat(), "time_of_day": "09:30", "remind_days_before": "1"})
    assert response.status_code == 302
    routine = Routine.objects.get()
    assert routine.title == "Wekelijkse check-in" and routine.duration_minutes == 15
    page = client_for(team.employee).get(url("routine_list", team.organisation)).content.decode()
    assert "Wekelijkse check-in" in page and "09:30" in page
    assert "Check-in" not in client_for(team.other_employee).get(
        url("routine_list", team.organisation)).content.decode()
    assert client_for(team.other_employee).get(
        url("routine_detail", team.organisation, routine.pk)).status_code == 404


def test_employees_and_other_managers_cannot_plan(team: Any, client_for: Any) -> None:
    assert client_for(team.employee).get(url("routine_create", team.organisation)).status_code == 403
    werkvorm = selectors.werkvormen_by_slugs(team.organisation.pk, ["wekelijkse-check-in"])[0]
    with pytest.raises(PermissionDenied):
        services.routine_create(actor=actor(team.other_manager), unit=team.unit, werkvorm=werkvorm,
                                title="x", frequency="weekly", starts_on=date(2026, 1, 1),
                                time_of_day=time(9))
    routine = make_routine(team)
    assert client_for(team.employee).post(url("routine_toggle", team.organisation, routine.pk)).status_code == 403
    client_for(team.manager).post(url("routine_toggle", team.organisation, routine.pk))
    routine.refresh_from_db()
    assert not routine.is_active


def test_mark_done_with_optional_short_note(team: Any, client_for: Any) -> None:
    today = timezone.localdate()
    routine = make_routine(team, starts_on=today - timedelta(days=7))
    client = client_for(team.employee)
    response = client.post(url("routine_detail", team.organisation, routine.pk),
                           {"on": today.isoformat(), "note": "Fijne ronde, iedereen deed mee."})
    assert response.status_code == 302
    occurrence = RoutineOccurrence.objects.get(routine=routine, date=today)
    assert occurrence.done_at and occurrence.note == "Fijne ronde, iedereen deed mee."
    assert client.post(url("routine_detail", team.organisation, routine.pk),
                       {"on": (today - timedelta(days=7)).isoformat(), "note": ""}).status_code == 302
    # Not a date of the routine, a future date, a long note: clear errors, nothing lost.
    wrong = client.post(url("routine_detail", team.organisation, routine.pk),
                        {"on": (today - timedelta(days=3)).isoformat(), "note": "Hallo"})
    assert wrong.status_code == 200 and "Hallo" in wrong.content.decode()
    with pytest.raises(ValidationError):
        services.routine_mark_done(actor=actor(team.employee), routine=routine,
                                   on=today + timedelta(days=7))
    with pytest.raises(ValidationError):
        services.routine_mark_done(actor=actor(team.employee), routine=routine, on=today,
                                   note="x" * 281)
    with pytest.raises(PermissionDenied):
        services.routine_mark_done(actor=actor(team.other_employee), routine=routine, on=today)


def test_ics_feed_without_login_parses_and_can_be_regenerated(team: Any, client_for: Any,
                                                               client: Any) -> None:
    today = timezone.localdate()
    routine = make_routine(team, starts_on=today, frequency="weekly")
    member = client_for(team.employee)
    member.post(url("feed_create", team.organisation, team.unit.pk))
    page = member.get(url("routine_list", team.organisation)).content.decode()
    marker = "/toolbox/agenda/"
    feed_url = page[page.index("http://testserver/o/"):page.index(".ics", page.index(marker)) + 4]
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get().token_hash == services.token_hash(token)
    assert token not in CalendarFeed.objects.get().token_hash
    # Shown once: the next page no longer carries the address.
    assert marker not in member.get(url("routine_list", team.organisation)).content.decode()

    member.logout()
    response = client.get(feed_url.removeprefix("http://testserver"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) >= 50
    first = min(events, key=lambda e: e.decoded("dtstart"))
    start = first.decoded("dtstart")
    assert start == datetime.combine(today, time(9), tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert first.decoded("dtend") - start == timedelta(minutes=routine.duration_minutes)
    assert str(first["summary"]) == "Check-in"
    assert calendar.walk("VTIMEZONE")

    # Regenerating makes the old address stop working.
    client_for(team.employee).post(url("feed_create", team.organisation, team.unit.pk))
    client.logout()
    assert client.get(feed_url.removeprefix("http://testserver")).status_code == 404
    assert client.get(url("calendar_feed", team.organisation, "verzonnen")).status_code == 404


def test_feed_stops_when_the_holder_leaves_the_team(team: Any, client: Any) -> None:
    make_routine(team)
    token = services.calendar_feed_create(actor=actor(team.employee), unit=team.unit)
    path = url("calendar_feed", team.organisation, token)
    assert client.get(path).status_code == 200
    team.employee.unit = team.other_unit
    team.employee.save()
    assert client.get(path).status_code == 404
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=actor(team.other_employee), unit=team.unit)


def test_feed_token_of_one_organisation_does_not_open_another(team: Any, other_organisation: Any,
                                                              client: Any) -> None:
    make_routine(team)
    token = services.calendar_feed_create(actor=actor(team.employee), unit=team.unit)
    assert client.get(url("calendar_feed", other_organisation, token)).status_code == 404


def test_reminders_are_sent_once_per_occurrence(team: Any) -> None:
    today = timezone.localdate()
    routine = make_routine(team, starts_on=today + timedelta(days=1), remind=1)
    mail.outbox.clear()
    assert services.send_due_reminders() == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([team.manager.user.email, team.employee.user.email])
    assert "Check-in" in mail.outbox[0].subject
    assert services.send_due_reminders() == 0
    assert services.send_due_reminders(now=timezone.now() + timedelta(hours=3)) == 0
    assert len(mail.outbox) == 2
    assert RoutineOccurrence.objects.get(routine=routine).reminder_sent_at is not None


def test_no_reminder_too_early_or_when_done(team: Any) -> None:
    today = timezone.localdate()
    make_routine(team, starts_on=today + timedelta(days=5), remind=1)
    mail.outbox.clear()
    assert services.send_due_reminders() == 0
    done = make_routine(team, starts_on=today, remind=0)
    services.routine_mark_done(actor=actor(team.employee), routine=done, on=today)
    assert services.send_due_reminders() == 0 and not mail.outbox


def test_reminder_job_is_registered_and_runs(team: Any) -> None:
    from vangnet.core.scheduling import enqueue_due_jobs

    assert "toolbox.routine_reminders" in {job.name for job in registered_jobs()}
    make_routine(team, starts_on=timezone.localdate(), remind=0)
    mail.outbox.clear()
    assert "toolbox.routine_reminders" in enqueue_due_jobs()
    assert len(mail.outbox) == 2  # ImmediateBackend runs the task (and the mail task) at once


def test_routine_list_query_count_is_constant(team: Any, client_for: Any,
                                              django_assert_max_num_queries: Any) -> None:
    make_routine(team)
    client = client_for(team.employee)
    client.get(url("routine_list", team.organisation))
    with django_assert_max_num_queries(20) as few:
        client.get(url("routine_list", team.organisation))
    baseline = len(few.captured_queries)
    for _ in range(10):
        make_routine(team)
    with django_assert_max_num_queries(baseline):
        client.get(url("routine_list", team.organisation))
