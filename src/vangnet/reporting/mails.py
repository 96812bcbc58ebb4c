"""Mail kinds of reporting (ADR 0051): notices to recipients, built from the report id only.

They say that something happened and where to look, never what: the worker reads nothing of the
report but its organisation.
"""

from __future__ import annotations

from vangnet.core.mail import Mail, mail_kind

from .models import RecipientUnavailability, RecoveryRequest, Report


@mail_kind("reporting/email/new_report", "reporting/email/reporter_replied",
           "reporting/email/shared_with_you", "reporting/email/key_invitation")
def report_notice(*, report_id: int) -> Mail | None:
    report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return None
    return Mail({"org_slug": report.organisation.slug, "report_id": report.pk})


# Continuity notices (ADR 0031): the event travels as its index in RECOVERY_EVENTS.
RECOVERY_NOTICE_MAIL = "reporting/email/recovery_notice"
RECOVERY_EVENTS = ("approve", "requested", "approved", "refused", "done")


@mail_kind(RECOVERY_NOTICE_MAIL)
def recovery_notice(*, request_id: int, event: int) -> Mail | None:
    request = (RecoveryRequest.objects.select_related("organisation")
               .filter(pk=request_id).first())
    if request is None or not 0 <= event < len(RECOVERY_EVENTS):
        return None
    return Mail({"org_slug": request.organisation.slug, "event": RECOVERY_EVENTS[event],
                 "request_id": request.pk, "count": request.report_count})


@mail_kind("reporting/email/declared_unavailable")
def declared_unavailable(*, declaration_id: int) -> Mail | None:
    declaration = (RecipientUnavailability.objects.select_related("organisation")
                   .filter(pk=declaration_id).first())
    if declaration is None:
        return None
    return Mail({"org_slug": declaration.organisation.slug})
