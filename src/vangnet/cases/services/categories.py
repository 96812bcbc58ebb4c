"""What a case is about: several categories, one of them primary (docs/adr/0100)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import permissions
from ..integration import Category, ordered_categories
from ..models import Case, CaseCategory, CaseEvent
from ..selectors import access_for, case_categories
from .common import _event


def case_categories_set(*, actor: Actor, case: Case, categories: Iterable[str],
                        primary: str = "") -> Case:
    """The handler adjusts what the case is about. The primary is `primary` when it is among the
    chosen ones, else the current primary when it stays, else the first chosen in the order of
    `Category`. Statistics count the case under each of its categories (a published year is
    frozen and does not change)."""
    require(permissions.can_manage_case(actor, access_for(case)))
    chosen = list(dict.fromkeys(categories))
    if not chosen or any(value not in Category.values for value in chosen):
        raise ValidationError({"categories": _("Choose at least one category.")})
    if primary and primary not in chosen:
        raise ValidationError({"primary": _("The main category must be one of the chosen ones.")})
    new_primary = primary or (case.category if case.category in chosen else "")
    wanted = ordered_categories(chosen, primary=new_primary)
    before = case_categories(case)
    if wanted == before:
        return case
    with service_write(action="cases.categories", actor=actor, target=case) as change:
        CaseCategory.objects.filter(case=case).exclude(category__in=wanted).delete()
        CaseCategory.objects.bulk_create(
            [CaseCategory(case=case, category=value) for value in wanted if value not in before])
        if case.category != wanted[0]:
            case.category = wanted[0]
            case.save(update_fields=["category", "updated_at"])
        _event(case, CaseEvent.Kind.CATEGORIES, actor=actor,
               summary=", ".join(str(Category(value).label) for value in wanted))
        change.data = {"categories": wanted, "before": before}
    return case
