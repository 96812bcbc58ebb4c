"""The survey engine's reads (ADR 0080): finding an open link or shared link by its raw token."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from .models import SurveyRound
from .tables import SurveyTables
from .tokens import hash_token


def _manager(model: type[models.Model]) -> Any:
    # The foreign keys live on the instrument's concrete models (see `surveys.models`).
    return model._default_manager


def link_get_open(tables: SurveyTables, *, organisation_id: int, raw: str,
                  **round_filters: Any) -> Any:
    """A personal link that can still be used: unspent, in an open round of this organisation,
    and (when bound) of a member who is still active there. None otherwise."""
    if not raw:
        return None
    extra = {f"group__round__{key}": value for key, value in round_filters.items()}
    return (_manager(tables.link).select_related("group__round")
            .filter(Q(membership__isnull=True) | Q(membership__is_active=True),
                    token_hash=hash_token(raw), spent=False,
                    group__round__organisation_id=organisation_id,
                    group__round__status=SurveyRound.Status.OPEN, **extra).first())


def shared_group_get_open(tables: SurveyTables, *, organisation_id: int, raw: str,
                          **round_filters: Any) -> Any:
    """The group behind a shared link of an open round of this organisation, or None."""
    if not raw:
        return None
    extra = {f"round__{key}": value for key, value in round_filters.items()}
    return (_manager(tables.group).select_related("round")
            .filter(shared_token_hash=hash_token(raw), round__organisation_id=organisation_id,
                    round__status=SurveyRound.Status.OPEN, **extra).first())
