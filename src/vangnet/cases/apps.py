from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "vangnet.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from vangnet.core.events import subscribe
        from vangnet.core.scheduling import register_periodic
        from vangnet.reporting.public import QuestionAnswered, ReportSubmitted

        from . import services, tasks

        subscribe(ReportSubmitted, services.on_report_submitted)
        subscribe(QuestionAnswered, services.on_question_answered)
        # One job for everything due (reminders, aftercare, check-ins); one for retention.
        register_periodic("cases.due_work", every=timedelta(hours=1), task=tasks.cases_hourly)
        register_periodic("cases.retention", every=timedelta(days=1), task=tasks.cases_retention)
        # Freezes last year's figures on their publication day, whoever asks first.
        register_periodic("cases.yearly_figures", every=timedelta(days=1),
                          task=tasks.cases_yearly_figures)
