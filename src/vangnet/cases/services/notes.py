"""Handlers' private notes, encrypted under a key derived from the report key.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import crypto
from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import integration, permissions
from ..models import (
    Case,
    CaseEvent,
    CaseNote,
)
from ..selectors import access_for
from .common import _event


def note_add(*, actor: Actor, case: Case, text: str, private_key: bytes,
             kind: str = CaseNote.Kind.NOTE) -> CaseNote:
    require(permissions.can_write_note(actor, access_for(case)))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if case.report is None:
        raise ValidationError(_("The contents of this case have been destroyed."))
    key = integration.note_key(integration.report_key(
        report=case.report, membership_id=actor.membership_id, private_key=private_key))
    with service_write(action="cases.note_add", actor=actor, target=case) as change:
        note = CaseNote.objects.create(
            case=case, kind=kind, author_id=actor.membership_id,
            ciphertext=crypto.secret_encrypt(key, text.encode()), created_at=timezone.now(),
        )
        if kind == CaseNote.Kind.NOTE:
            _event(case, CaseEvent.Kind.NOTE, actor=actor)
        change.data = {"note": note.pk, "kind": kind}
    return note
