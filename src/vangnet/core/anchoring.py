"""Anchoring the audit chains outside Vangnet (docs/adr/0054).

Every day each organisation that chose an address (`AuditAnchor`) gets its chain's signed
checkpoint by e-mail, as a JSON attachment to keep. The task carries no data: it computes the
checkpoints when it runs, so nothing sits in the task queue. Checkpoints are not secret (counts
and hashes only), and the e-mail says nothing about what happened in the organisation.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from .audit import audit_record, checkpoint_make
from .models import AuditAnchor


def checkpoint_json(checkpoint: dict[str, object]) -> str:
    return json.dumps(checkpoint, indent=2, sort_keys=True) + "\n"


def anchor_for(*, organisation_id: int) -> AuditAnchor | None:
    return AuditAnchor.objects.filter(organisation_id=organisation_id).first()


def anchor_set(*, organisation_id: int, email: str, actor: object = None) -> AuditAnchor:
    """Choose (or change) where an organisation's daily checkpoint goes. Audited, without the
    address itself (the audit log holds no e-mail addresses). When the address changes, the old
    address is told, so checkpoints cannot be diverted silently (for example by someone who took
    over a coordinator's account before rewriting the log)."""
    with transaction.atomic():
        previous = (AuditAnchor.objects.select_for_update().filter(organisation_id=organisation_id)
                    .values_list("email", flat=True).first())
        anchor, _created = AuditAnchor.objects.update_or_create(
            organisation_id=organisation_id, defaults={"email": email}
        )
        changed = previous is not None and previous.lower() != email.lower()
        audit_record(action="core.audit_anchor_set", actor=actor, organisation_id=organisation_id,
                     target=None, data={"anchor": anchor.pk, "changed": changed})
        if changed:
            old_address = str(previous)
            transaction.on_commit(lambda: _tell_old_address(old_address), robust=True)
    return anchor


def _tell_old_address(address: str) -> None:
    context = {"SITE_URL": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("core/email/audit_anchor_moved_subject.txt", context).strip()
        body = render_to_string("core/email/audit_anchor_moved_body.txt", context)
    EmailMessage(" ".join(subject.split()), body, None, [address]).send()


def send_checkpoint(anchor: AuditAnchor) -> None:
    checkpoint = checkpoint_make(anchor.organisation_id)
    context = {"checkpoint": checkpoint, "SITE_URL": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("core/email/audit_checkpoint_subject.txt", context).strip()
        body = render_to_string("core/email/audit_checkpoint_body.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, None, [anchor.email])
    stamp = str(checkpoint["created_at"])[:10]
    message.attach(f"vangnet-audit-checkpoint-{anchor.organisation_id}-{stamp}.json",
                   checkpoint_json(checkpoint), "application/json")
    message.send()
    AuditAnchor.objects.filter(pk=anchor.pk).update(last_sent_at=timezone.now())


@task()
def send_audit_checkpoints() -> int:
    """Mail every organisation's checkpoint to the address it chose; returns how many were sent."""
    sent = 0
    for anchor in AuditAnchor.objects.order_by("organisation_id"):
        send_checkpoint(anchor)
        sent += 1
    return sent
