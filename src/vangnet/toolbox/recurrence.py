"""Dates of a routine. Pure functions, so they are easy to test and shared by pages, ICS and mail."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

WEEKLY = "weekly"
BIWEEKLY = "biweekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
_DAYS = {WEEKLY: 7, BIWEEKLY: 14}
_MONTHS = {MONTHLY: 1, QUARTERLY: 3}


def _add_months(start: date, months: int) -> date:
    """Same day of the month, clipped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def occurrence_dates(*, starts_on: date, frequency: str) -> Iterator[date]:
    """Every date of the routine from its first date on (an endless generator)."""
    step = 0
    while True:
        if frequency in _DAYS:
            yield starts_on + timedelta(days=_DAYS[frequency] * step)
        elif frequency in _MONTHS:
            # Always count from the first date, so 31 Jan → 29 Feb → 31 Mar (no drift).
            yield _add_months(starts_on, _MONTHS[frequency] * step)
        else:
            raise ValueError(f"unknown frequency {frequency!r}")
        step += 1


def dates_between(*, starts_on: date, frequency: str, first: date, last: date,
                  limit: int = 500) -> list[date]:
    """The routine's dates in [first, last], at most `limit` of them."""
    found: list[date] = []
    for day in occurrence_dates(starts_on=starts_on, frequency=frequency):
        if day > last or len(found) >= limit:
            break
        if day >= first:
            found.append(day)
    return found


def next_date(*, starts_on: date, frequency: str, today: date) -> date:
    """The first date on or after `today`."""
    for day in occurrence_dates(starts_on=starts_on, frequency=frequency):
        if day >= today:
            return day
    raise AssertionError("unreachable")  # pragma: no cover
