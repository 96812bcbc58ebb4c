"""The team calendar as iCalendar (RFC 5545), built with the `icalendar` package.

Each date is its own event (no RRULE): monthly routines clip to the month's last day, which
RRULE cannot say plainly, and a done date can be left out without EXDATE bookkeeping.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Routine
from .recurrence import dates_between

PAST_DAYS = 31
FUTURE_DAYS = 366


def routines_calendar(*, name: str, routines: Iterable[Routine], url: str,
                      today: date | None = None) -> bytes:
    today = today or timezone.localdate()
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Vangnet//Teamroutines//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for routine in routines:
        if not routine.is_active:
            continue
        for day in dates_between(starts_on=routine.starts_on, frequency=routine.frequency,
                                 first=today - timedelta(days=PAST_DAYS),
                                 last=today + timedelta(days=FUTURE_DAYS)):
            start = datetime.combine(day, routine.time_of_day, tzinfo=zone)
            event = Event()
            event.add("uid", f"routine-{routine.pk}-{day.isoformat()}@vangnet")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=routine.duration_minutes))
            event.add("summary", routine.title)
            event.add("description", f"{routine.werkvorm.title_nl}\n{url}")
            event.add("url", url)
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
