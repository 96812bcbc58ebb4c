"""Background tasks shared by every app.

The arguments and the result of every task are stored in the task table, which the database
administrator can read: they hold ids, names and ciphertext only, never a rendered mail or a link
(ADR 0051).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import mail

logger = logging.getLogger(__name__)


@task()
def send_mail_kind(*, kind: str, user_ids: list[int], ids: dict[str, int], language: str = "") -> int:
    """Build and send a mail of a declared kind from ids (see core.mail). Returns how many."""
    return mail.deliver_mail_kind(kind=kind, user_ids=user_ids, ids=ids, language=language)


@task()
def send_sealed_email(*, sealed: str) -> int:
    """Send a mail that was queued encrypted under the server's mail-queue key."""
    return mail.deliver_sealed_email(sealed=sealed)


def delete_finished_task_results(*, now: datetime | None = None) -> int:
    """Delete finished task rows older than VANGNET_TASK_RESULTS_KEEP_DAYS. Returns how many.

    Only rows of the database backend exist to delete; queued and running rows are kept.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.VANGNET_TASK_RESULTS_KEEP_DAYS)
    deleted, _per_model = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    logger.info("Deleted %d finished task rows older than %s.", deleted, cutoff.date())
    return deleted


@task()
def task_results_cleanup() -> int:
    """Periodic job (daily): finished task rows never pile up (docs/operations.md)."""
    return delete_finished_task_results()
