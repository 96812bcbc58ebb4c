"""The coordinator's choice of where the organisation's signed audit checkpoints go (ADR 0054).

A thin, permission-checked layer over `core.anchoring`: core knows no roles, so the rule "only
the coordinator chooses" lives here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from vangnet.core import anchoring
from vangnet.core.audit import checkpoint_make
from vangnet.core.models import AuditAnchor

from .permissions import Actor, can_manage_organisation


def audit_anchor_get_for(*, actor: Actor) -> AuditAnchor | None:
    if not can_manage_organisation(actor):
        raise PermissionDenied
    return anchoring.anchor_for(organisation_id=actor.organisation_id)


def audit_anchor_save(*, actor: Actor, user: Any, email: str) -> AuditAnchor:
    """Choose the address and send the first checkpoint there right away (so a typo shows)."""
    if not can_manage_organisation(actor):
        raise PermissionDenied
    anchor = anchoring.anchor_set(organisation_id=actor.organisation_id, email=email, actor=user)
    anchoring.send_checkpoint(anchor)
    return anchor


def audit_checkpoint_for(*, actor: Actor) -> dict[str, object]:
    if not can_manage_organisation(actor):
        raise PermissionDenied
    return checkpoint_make(actor.organisation_id)
