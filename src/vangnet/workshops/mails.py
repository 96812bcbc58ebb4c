"""Mail kinds of workshops (ADR 0051): built in the worker from ids."""

from __future__ import annotations

from django.urls import reverse

from vangnet.core.mail import Mail, mail_kind

from .models import Registration, Session


def _session(session_id: int) -> Session | None:
    return Session.objects.select_related("offer__pool__organisation").filter(pk=session_id).first()


@mail_kind("workshops/email/reminder")
def reminder(*, session_id: int) -> Mail | None:
    session = _session(session_id)
    if session is None or session.status != Session.Status.PLANNED:
        return None
    slug = session.offer.pool.organisation.slug
    return Mail({"session": session, "url": reverse("workshops:session", args=[slug, session.pk])})


@mail_kind("workshops/email/low")
def low(*, session_id: int) -> Mail | None:
    session = _session(session_id)
    if session is None or session.status != Session.Status.PLANNED:
        return None
    slug = session.offer.pool.organisation.slug
    return Mail({"session": session,
                 "url": reverse("workshops:pool", args=[slug, session.offer.pool_id])})


@mail_kind("workshops/email/moved_up")
def moved_up(*, registration_id: int) -> Mail | None:
    registration = Registration.objects.select_related(
        "session__offer", "organisation").filter(
        pk=registration_id, status=Registration.Status.REGISTERED).first()
    if registration is None:
        return None
    return Mail({"session": registration.session,
                 "url": reverse("workshops:session", args=[registration.organisation.slug,
                                                           registration.session_id])})
