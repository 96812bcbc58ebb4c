"""Retention: destroying what is due (notes, the report through reporting), keeping the figures.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from vangnet.core.service import service_write

from .. import deadlines, integration
from ..models import (
    AdviceContact,
    Case,
    CaseEvent,
    CaseSettings,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation


def retention_purge(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Destroy what is due; keep the anonymous figures. Safe to run by several workers at once."""
    now = now or timezone.now()
    counts = {"cases": 0, "notes": 0, "reports": 0, "advice_contacts": 0}
    skip_locked = connection.features.has_select_for_update_skip_locked
    with service_write(action="cases.retention_purge", actor=None, actor_label="system") as change:
        due = (Case.objects.select_for_update(skip_locked=skip_locked, of=("self",))
               .filter(retain_until__lte=now, contents_destroyed_at__isnull=True)
               .select_related("report")
               .order_by("retain_until")[:limit])
        for case in due:
            had_report = case.report_id is not None
            counts["notes"] += _purge_case(case, now)
            counts["cases"] += 1
            counts["reports"] += int(had_report)
        _purge_advice_contacts(now, counts)
        change.data = counts
        if not any(counts.values()):
            change.nothing_changed()
    return counts


def _purge_advice_contacts(now: datetime, counts: dict[str, int]) -> None:
    for organisation_id, months in CaseSettings.objects.values_list(
            "organisation_id", "retain_advice_contacts_months"):
        cutoff = deadlines.add_months(now, -months).date()
        deleted, _detail = AdviceContact.objects.filter(
            organisation_id=organisation_id, contact_date__lt=cutoff).delete()
        counts["advice_contacts"] += deleted
    default_cutoff = deadlines.add_months(now, -60).date()
    deleted, _detail = AdviceContact.objects.filter(contact_date__lt=default_cutoff).exclude(
        organisation_id__in=CaseSettings.objects.values("organisation_id")).delete()
    counts["advice_contacts"] += deleted


def _purge_case(case: Case, now: datetime) -> int:
    with service_write(action="cases.contents_destroyed", actor=None, actor_label="system",
                       target=case) as change:
        had_report = case.report_id is not None
        notes = _destroy_contents(case, now)
        change.data = {"notes": notes, "report": had_report}
    return notes


def _destroy_contents(case: Case, now: datetime) -> int:
    notes, _detail = case.notes.all().delete()
    case.person_marks.all().delete()
    case.consents.all().delete()
    case.aftercare_plans.all().delete()
    case.reminders.all().delete()
    case.checkins.all().delete()
    case.lessons.update(case=None)
    case.events.all().delete()
    report_id = case.report_id
    if report_id is not None:
        integration.destroy_report(report_id=report_id)
    Case.objects.filter(pk=case.pk).update(report=None, contents_destroyed_at=now,
                                           attention_reason="")
    case.report = None
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CONTENTS_DESTROYED, created_at=now)
    return notes


def ensure_case_settings(organisation: Organisation) -> CaseSettings:
    found, _created = CaseSettings.objects.get_or_create(organisation=organisation)
    return found
