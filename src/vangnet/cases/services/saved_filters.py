"""A handler's own saved filters of the case list (issue 13). Personal: nobody else reads them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vangnet.core.service import service_write
from vangnet.organisations.public import Actor

from .. import permissions
from ..models import SavedCaseFilter

# The list's own parameters; anything else in a saved query is dropped.
SAVED_FILTER_PARAMS = ("toon", "status", "categorie", "afdeling", "behandelaar", "sorteer")
MAX_SAVED_FILTERS = 20


def saved_filter_create(*, actor: Actor, name: str, params: dict[str, str]) -> SavedCaseFilter:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    kept = {key: str(value)[:40] for key, value in params.items()
            if key in SAVED_FILTER_PARAMS and value}
    mine = SavedCaseFilter.objects.filter(membership_id=actor.membership_id)
    if mine.filter(name=name).exists():
        raise ValidationError({"name": _("You already have a filter with this name.")})
    if mine.count() >= MAX_SAVED_FILTERS:
        raise ValidationError({"name": _("You can keep at most %(n)s filters. Remove one first.")
                               % {"n": MAX_SAVED_FILTERS}})
    with service_write(action="cases.saved_filter_create", actor=actor,
                       allowed=permissions.can_list_cases(actor),
                       organisation_id=actor.organisation_id) as change:
        saved = SavedCaseFilter.objects.create(membership_id=actor.membership_id, name=name,
                                               params=kept)
        change.target, change.data = saved, {"params": sorted(kept)}
    return saved


def saved_filter_delete(*, actor: Actor, pk: int) -> None:
    saved = SavedCaseFilter.objects.filter(membership_id=actor.membership_id, pk=pk).first()
    if saved is None:
        return
    with service_write(action="cases.saved_filter_delete", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        change.target, change.data = saved, {"saved_filter": saved.pk}
        saved.delete()
