"""Mail kinds of the code of conduct (ADR 0051): built in the worker from ids."""

from __future__ import annotations

from django.urls import reverse

from vangnet.core.mail import Mail, mail_kind
from vangnet.organisations.public import member_get, organisation_get_public

from .models import AcknowledgementReminder, BuddyCheckIn, YearlyReview


@mail_kind("conduct/email/acknowledge_reminder")
def acknowledge_reminder(*, reminder_id: int) -> Mail | None:
    reminder = AcknowledgementReminder.objects.filter(pk=reminder_id).first()
    if reminder is None:
        return None
    member = member_get(organisation_id=reminder.organisation_id, membership_id=reminder.membership_id)
    if member is None:
        return None
    return Mail({"organisation": member.organisation,
                 "url": reverse("conduct:code", args=[member.organisation.slug])})


@mail_kind("conduct/email/checkin_reminder")
def checkin_reminder(*, checkin_id: int) -> Mail | None:
    checkin = BuddyCheckIn.objects.select_related("path").filter(pk=checkin_id).first()
    if checkin is None or checkin.done_at is not None:
        return None
    newcomer = member_get(organisation_id=checkin.path.organisation_id,
                          membership_id=checkin.path.membership_id)
    if newcomer is None:
        return None
    return Mail({"week": checkin.week, "newcomer": newcomer.user.get_short_name(),
                 "url": reverse("conduct:welcome_path",
                                args=[newcomer.organisation.slug, checkin.path_id])})


@mail_kind("conduct/email/review_reminder")
def review_reminder(*, review_id: int) -> Mail | None:
    review = YearlyReview.objects.filter(pk=review_id, completed_at__isnull=True).first()
    if review is None:
        return None
    organisation = organisation_get_public(slug=_slug(review.organisation_id))
    return Mail({"organisation": organisation,
                 "url": reverse("conduct:review", args=[organisation.slug, review.pk])})


def _slug(organisation_id: int) -> str:
    return YearlyReview.objects.filter(organisation_id=organisation_id).values_list(
        "organisation__slug", flat=True).first() or ""
