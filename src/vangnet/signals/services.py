"""Every write of signals, through `core.service.service_write` (permission, one transaction,
audit entry with the actor; ids only)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import service_write
from vangnet.organisations.public import Actor, member_get
from vangnet.quickscan.public import action_create, can_manage_actions

from . import permissions
from .alerts import Alert
from .hr import parse
from .models import AlertAction, HRFigure, HRImport
from .selectors import unit_keys
from .tasks import hr_import_run_task


def hr_import_create(*, actor: Actor, file_name: str, csv_text: str) -> HRImport:
    """Store the file and queue the import; the progress page follows the job."""
    with service_write(allowed=permissions.can_manage_hr_figures(actor), action="signals.hr_import",
                       actor=actor, organisation_id=actor.organisation_id) as change:
        job = HRImport.objects.create(organisation_id=actor.organisation_id,
                                      created_by_id=actor.user_id, file_name=file_name[:200],
                                      csv_text=csv_text)
        change.target = job
        transaction.on_commit(lambda: hr_import_run_task.enqueue(job_id=job.pk))
    return job


def hr_import_run(job: HRImport) -> HRImport:
    """Check every row (progress saved as it goes), then write all rows or none."""
    if job.finished:
        return job
    job.status = HRImport.Status.RUNNING
    job.save(update_fields=["status"])
    units = unit_keys(organisation_id=job.organisation_id)
    parsed = parse(job.csv_text, units=units)
    job.total_rows = len(parsed.rows) + len(parsed.errors)
    job.processed_rows = job.total_rows
    if parsed.errors or not parsed.rows:
        job.errors = parsed.errors or [{"line": 1, "message": _("The file has no rows.")}]
        job.status = HRImport.Status.FAILED
        job.csv_text = ""
        job.save()
        return job
    with service_write(action="signals.hr_import.done", actor=job.created_by,
                       organisation_id=job.organisation_id, target=job) as change:
        for row in parsed.rows:
            HRFigure.objects.update_or_create(
                unit_id=row.unit_id, year=row.quarter.year, quarter=row.quarter.number,
                defaults={"organisation_id": job.organisation_id, "headcount": row.headcount,
                          "absence_percent": row.absence_percent,
                          "sick_reports": row.sick_reports, "leavers": row.leavers,
                          "exit_themes": row.exit_themes})
        job.imported = len(parsed.rows)
        job.status = HRImport.Status.DONE
        job.errors = []
        job.csv_text = ""
        job.save()
        change.data = {"rows": job.imported}
    return job


def alert_to_action(*, actor: Actor, alert: Alert, title: str, owner_id: int | None,
                    due_date: date | None, description: str = "") -> AlertAction:
    """The alert becomes an action of the shared action plan (the quickscan's), with owner and
    due date; the link lets the dashboard show what changed in the next measurements."""
    allowed = permissions.can_turn_alert_into_action(actor) and can_manage_actions(actor)
    owner = None
    if owner_id is not None:
        owner = member_get(organisation_id=actor.organisation_id, membership_id=owner_id)
        if owner is None:
            raise ValidationError({"owner": _("Choose someone from this organisation.")})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    if AlertAction.objects.filter(organisation_id=actor.organisation_id,
                                  alert_key=alert.key).exists():
        raise ValidationError(_("This alert is an action already."))
    if not allowed:
        raise PermissionDenied
    with service_write(allowed=allowed, action="signals.alert_action", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        action = action_create(actor=actor, title=title, description=description, owner=owner,
                               due_date=due_date)
        link = AlertAction.objects.create(
            organisation_id=actor.organisation_id, alert_key=alert.key, unit_id=alert.unit_id,
            year=alert.quarter.year, quarter=alert.quarter.number, action_id=action.pk,
            measures=list(alert.measures))
        change.target = link
    return link
