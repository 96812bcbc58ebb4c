"""A calendar invite (RFC 5545) for one session: no participant, no other person in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .models import Session


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r", "").replace("\n", "\\n"))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_ics(session: Session, *, host: str, url: str) -> str:
    end = session.starts_at + timedelta(minutes=session.offer.duration_minutes)
    location = session.video_link or session.place
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Vangnet//Workshops//NL", "METHOD:PUBLISH",
        "BEGIN:VEVENT", f"UID:workshop-session-{session.pk}@{host}",
        f"DTSTAMP:{_stamp(datetime.now(UTC))}", f"DTSTART:{_stamp(session.starts_at)}",
        f"DTEND:{_stamp(end)}", f"SUMMARY:{_escape(session.offer.title)}",
        f"LOCATION:{_escape(location)}", f"URL:{_escape(url)}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
