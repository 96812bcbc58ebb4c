"""Render and queue e-mails from templates, in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import send_email


def queue_templated_email(
    *, template: str, to: list[str], context: dict[str, Any], language: str | None = None
) -> None:
    """Queue `<template>_subject.txt` and `<template>_body.txt` as one e-mail.

    The body must never contain report or case content: it only says that something happened
    and where to look.
    """
    context = {"SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    send_email.enqueue(subject=" ".join(subject.split()), body=body, to=to)
