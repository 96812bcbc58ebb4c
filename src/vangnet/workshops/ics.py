"""A calendar invite (RFC 5545) for one session: no participant, no other person in it.

One UID per session for its whole life (`workshop-session-<id>@<site host>`), in the download and
in every mail, so a calendar that holds the event replaces it: a move sends the same UID with a
higher SEQUENCE and the new time; a cancellation sends METHOD:CANCEL with STATUS:CANCELLED."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings

from .models import Session


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r", "").replace("\n", "\\n"))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_uid(session: Session) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "vangnet"
    return f"workshop-session-{session.pk}@{host}"


def session_ics(session: Session, *, url: str) -> str:
    end = session.starts_at + timedelta(minutes=session.offer.duration_minutes)
    location = session.video_link or session.place
    cancelled = session.status == Session.Status.CANCELLED
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Vangnet//Workshops//NL",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT", f"UID:{session_uid(session)}", f"SEQUENCE:{session.sequence}",
        f"DTSTAMP:{_stamp(datetime.now(UTC))}", f"DTSTART:{_stamp(session.starts_at)}",
        f"DTEND:{_stamp(end)}", f"SUMMARY:{_escape(session.offer.title)}",
        f"LOCATION:{_escape(location)}", f"URL:{_escape(url)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
