from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import Job, VangnetAppConfig
from vangnet.core.events import Event
from vangnet.core.signal_sources import SignalSource


class CasesConfig(VangnetAppConfig):
    name = "vangnet.cases"
    label = "cases"
    verbose_name = _("Cases")
    default = True
    urls = "urls"
    navigation = "navigation"
    demo = "demo"
    mails = "mails"

    def event_handlers(self) -> list[tuple[type[Event], Callable[[Any], None]]]:
        from vangnet.reporting.public import (
            CallbackRequested,
            HandlerWrote,
            QuestionAnswered,
            ReportSubmitted,
        )

        from . import services

        # Every report opens a case; the reporter's answers to cases' questions come back here.
        # A call-back request ("talk first") counts as an advice contact.
        return [(ReportSubmitted, services.on_report_submitted),
                (QuestionAnswered, services.on_question_answered),
                # A reply from any page counts as the acknowledgement of receipt (issue 13).
                (HandlerWrote, services.on_handler_wrote),
                (CallbackRequested, services.on_callback_requested)]

    def periodic_jobs(self) -> list[Job]:
        from . import tasks

        return [
            # One job for everything due (reminders, aftercare, check-ins); one for retention.
            Job("cases.due_work", timedelta(hours=1), tasks.cases_hourly),
            Job("cases.retention", timedelta(days=1), tasks.cases_retention),
            # Freezes last year's figures on their publication day, whoever asks first.
            Job("cases.yearly_figures", timedelta(days=1), tasks.cases_yearly_figures),
        ]

    def ready(self) -> None:
        super().ready()
        from . import integration, links

        # The report page links to its case without reporting importing cases (ADR 0104).
        integration.register_report_link(links.case_link_for_report)

    def signal_sources(self) -> list[SignalSource]:
        from .signal_sources import CasesSource

        return [CasesSource()]
