"""Background tasks of reporting.

The reporter's notice is queued with the report id only: the e-mail address is decrypted inside
the task, at send time, so that it never sits in the task queue's table (which is in the database).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from vangnet.core import crypto

from .models import Report


@task()
def notify_reporter(*, report_id: int) -> int:
    report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None or not report.notify_ciphertext:
        return 0
    try:
        email = crypto.server_decrypt("notify", bytes(report.notify_ciphertext))[0].decode()
    except crypto.DecryptionError:
        return 0
    context = {"SITE_URL": settings.SITE_URL, "org_slug": report.organisation.slug,
               "return_url": reverse("reporting:return", args=[report.organisation.slug])}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reporting/email/reporter_new_message_subject.txt", context).strip()
        body = render_to_string("reporting/email/reporter_new_message_body.txt", context)
    return send_mail(" ".join(subject.split()), body, None, [email])
