"""The legal terms of a case and how far along they are. Pure functions: no database.

- Confirm receipt within 7 days (an organisation may choose fewer).
- Feedback within 3 months of the confirmation, or of the end of the confirmation term when no
  confirmation was sent in time (an organisation may choose fewer months). A late confirmation
  never moves the feedback term past what the law allows (docs/adr/0041).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import LEGAL_MAX_ACKNOWLEDGE_DAYS, LEGAL_MAX_FEEDBACK_MONTHS

REMINDER_THRESHOLDS = (50, 75, 90)
OVERDUE = 100


@dataclass(frozen=True)
class Terms:
    acknowledge_days: int = LEGAL_MAX_ACKNOWLEDGE_DAYS
    feedback_months: int = LEGAL_MAX_FEEDBACK_MONTHS


def validate_terms(*, acknowledge_days: int, feedback_months: int) -> None:
    """Raise a Dutch ValidationError when a term is longer than the law allows (or empty)."""
    errors = {}
    if not 1 <= acknowledge_days <= LEGAL_MAX_ACKNOWLEDGE_DAYS:
        errors["acknowledge_within_days"] = _(
            "Receipt must be confirmed within 1 to %(max)s days: the law allows no more."
        ) % {"max": LEGAL_MAX_ACKNOWLEDGE_DAYS}
    if not 1 <= feedback_months <= LEGAL_MAX_FEEDBACK_MONTHS:
        errors["feedback_within_months"] = _(
            "Feedback must be given within 1 to %(max)s months: the law allows no more."
        ) % {"max": LEGAL_MAX_FEEDBACK_MONTHS}
    if errors:
        raise ValidationError(errors)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def acknowledge_due(received_at: datetime, terms: Terms) -> datetime:
    return received_at + timedelta(days=min(terms.acknowledge_days, LEGAL_MAX_ACKNOWLEDGE_DAYS))


def feedback_due(received_at: datetime, acknowledged_at: datetime | None, terms: Terms) -> datetime:
    ack_due = acknowledge_due(received_at, terms)
    start = acknowledged_at if acknowledged_at is not None and acknowledged_at <= ack_due else ack_due
    return add_months(start, min(terms.feedback_months, LEGAL_MAX_FEEDBACK_MONTHS))


def fraction_elapsed(start: datetime, due: datetime, now: datetime) -> float:
    total = (due - start).total_seconds()
    if total <= 0:
        return 1.0
    return (now - start).total_seconds() / total


def threshold_reached(start: datetime, due: datetime, now: datetime) -> int | None:
    """The highest reminder threshold passed (50/75/90), OVERDUE past the due moment, or None."""
    if now >= due:
        return OVERDUE
    percent = fraction_elapsed(start, due, now) * 100
    passed = [t for t in REMINDER_THRESHOLDS if percent >= t]
    return passed[-1] if passed else None


def next_threshold_at(start: datetime, due: datetime, now: datetime) -> datetime | None:
    """The first moment after `now` at which `threshold_reached` will give a higher value (the
    next of 50/75/90 % or the due moment itself); None once the term is overdue. One second is
    added so that the moment lies safely past the threshold despite rounding."""
    if now >= due:
        return None
    span = due - start
    for percent in (*REMINDER_THRESHOLDS, OVERDUE):
        moment = start + span * percent / 100 + timedelta(seconds=1)
        if moment > now:
            return min(moment, due) if percent == OVERDUE else moment
    return due


@dataclass(frozen=True)
class DueStatus:
    """How a term stands, for the case list: 'ok', 'soon' (≥ 75 %), 'overdue' or 'met'/'late'."""

    state: str
    due_at: datetime
    days_left: int


def due_status(*, start: datetime, due: datetime, done_at: datetime | None,
               now: datetime) -> DueStatus:
    if done_at is not None:
        return DueStatus("met" if done_at <= due else "late", due, 0)
    days_left = (due - now).days
    if now >= due:
        return DueStatus("overdue", due, days_left)
    if fraction_elapsed(start, due, now) >= 0.75:
        return DueStatus("soon", due, days_left)
    return DueStatus("ok", due, days_left)
