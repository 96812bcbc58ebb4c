"""Mail kinds of reporting (ADR 0051): notices to recipients, built from the report id only.

They say that something happened and where to look, never what: the worker reads nothing of the
report but its organisation.
"""

from __future__ import annotations

from vangnet.core.mail import Mail, mail_kind

from .models import Report


@mail_kind("reporting/email/new_report", "reporting/email/reporter_replied",
           "reporting/email/shared_with_you")
def report_notice(*, report_id: int) -> Mail | None:
    report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return None
    return Mail({"org_slug": report.organisation.slug, "report_id": report.pk})
