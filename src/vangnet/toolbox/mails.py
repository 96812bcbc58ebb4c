"""Mail kinds of the toolbox (ADR 0051): routine reminders built from the occurrence id."""

from __future__ import annotations

from django.urls import reverse

from vangnet.core.mail import Mail, mail_kind

from .models import RoutineOccurrence


@mail_kind("toolbox/email/routine_reminder")
def routine_reminder(*, occurrence_id: int) -> Mail | None:
    occurrence = (RoutineOccurrence.objects
                  .select_related("routine__unit", "routine__organisation")
                  .filter(pk=occurrence_id).first())
    if occurrence is None:
        return None
    routine = occurrence.routine
    return Mail({"routine": routine, "date": occurrence.date, "time": routine.time_of_day,
                 "unit": routine.unit,
                 "url": reverse("toolbox:routine_list", args=[routine.organisation.slug])})
