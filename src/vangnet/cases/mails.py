"""Mail kinds of cases (ADR 0051): reminders and notices built from ids inside the worker.

Each says that something is due and where to look: the case reference, never its contents.
"""

from __future__ import annotations

from vangnet.core.mail import Mail, mail_kind
from vangnet.organisations.public import organisation_slug_of

from .models import Case, DeadlineReminder


@mail_kind("cases/email/aftercare", "cases/email/retaliation")
def case_notice(*, case_id: int) -> Mail | None:
    case = Case.objects.select_related("organisation").filter(pk=case_id).first()
    if case is None:
        return None
    return Mail({"reference": case.reference, "org_slug": case.organisation.slug})


@mail_kind("cases/email/deadline")
def deadline_reminder(*, reminder_id: int) -> Mail | None:
    reminder = (DeadlineReminder.objects.select_related("case__organisation")
                .filter(pk=reminder_id).first())
    if reminder is None:
        return None
    case = reminder.case
    due_at = (case.acknowledge_due_at if reminder.term == DeadlineReminder.Term.ACKNOWLEDGE
              else case.feedback_due_at)
    return Mail({"reference": case.reference, "org_slug": case.organisation.slug,
                 "term": reminder.term, "threshold": reminder.threshold, "due_at": due_at})


@mail_kind("cases/email/pattern")
def pattern_signal(*, organisation_id: int) -> Mail | None:
    slug = organisation_slug_of(organisation_id=organisation_id)
    return Mail({"org_slug": slug}) if slug else None
