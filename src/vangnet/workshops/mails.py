"""Mail kinds of workshops (ADR 0051): built in the worker from ids."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from vangnet.core.mail import Mail, Renderer, mail_kind

from .ics import session_ics
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


def _with_ics(template: str) -> Renderer:
    """Render subject and body, and attach the session's calendar invite (a cancellation when
    the session is cancelled): same UID, the session's current SEQUENCE (ics.py)."""

    def render(address: str, context: dict[str, Any]) -> EmailMessage:
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
        message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[address])
        session = context["session"]
        method = "CANCEL" if session.status == Session.Status.CANCELLED else "PUBLISH"
        message.attach(f"workshop-{session.pk}.ics",
                       session_ics(session, url=f"{context['SITE_URL']}{context['url']}"),
                       f"text/calendar; charset=utf-8; method={method}")
        return message

    return render


def _changed(session_id: int, status: str) -> Mail | None:
    session = _session(session_id)
    if session is None or session.status != status:
        return None
    slug = session.offer.pool.organisation.slug
    return Mail({"session": session, "url": reverse("workshops:session", args=[slug, session.pk])})


@mail_kind("workshops/email/session_moved", render=_with_ics("workshops/email/session_moved"))
def session_moved(*, session_id: int) -> Mail | None:
    return _changed(session_id, Session.Status.PLANNED)


@mail_kind("workshops/email/session_moved_waiting")
def session_moved_waiting(*, session_id: int) -> Mail | None:
    return _changed(session_id, Session.Status.PLANNED)


@mail_kind("workshops/email/session_cancelled",
           render=_with_ics("workshops/email/session_cancelled"))
def session_cancelled(*, session_id: int) -> Mail | None:
    return _changed(session_id, Session.Status.CANCELLED)
