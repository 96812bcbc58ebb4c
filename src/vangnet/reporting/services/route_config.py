"""The organisation's reporting route as the coordinator configures it (ADR 0035).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import (
    Actor,
)

from ..keys import has_keypair
from ..models import (
    ReportingRoute,
    RouteContact,
    RouteStep,
    StepKind,
)
from ..permissions import (
    can_configure_route,
    can_receive_reports,
)
from ..route import EXTERNAL_BODIES, default_step_text, step_label

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from vangnet.organisations.models import Membership, Unit


MAX_ROUTE_CONTACTS = 10
MAX_STEP_DESCRIPTION = 2000


@dataclass(frozen=True)
class StepSetting:
    """One step as the coordinator sets it. An empty title or description means: the default."""

    kind: str
    position: int
    is_enabled: bool = True
    title: str = ""
    description: str = ""
    external_bodies: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactSetting:
    """A place outside the organisation on the external step."""

    name: str
    description: str = ""
    phone: str = ""
    url: str = ""


def _clean_steps(steps: Sequence[StepSetting]) -> list[StepSetting]:
    kinds = [step.kind for step in steps]
    if any(kind not in StepKind.values for kind in kinds) or len(set(kinds)) != len(kinds):
        raise ValidationError({"steps": _("Each step can be on the route once.")})
    if not any(step.is_enabled for step in steps):
        raise ValidationError({"steps": _("Show at least one step, or nobody knows where to go.")})
    cleaned = []
    # Stable: steps with the same number keep the order they were given in.
    for position, step in enumerate(sorted(steps, key=lambda s: s.position)):
        title, description = step.title.strip(), step.description.strip()
        if len(title) > 150:
            raise ValidationError({f"step-{step.kind}": _("A title can be at most 150 characters.")})
        if len(description) > MAX_STEP_DESCRIPTION:
            raise ValidationError({f"step-{step.kind}": _(
                "A description can be at most 2,000 characters.")})
        # An unchanged standard text is stored empty: it keeps following the standard (and its
        # translation into the reader's language).
        if title == step_label(step.kind):
            title = ""
        if description == default_step_text(step.kind):
            description = ""
        bodies: tuple[str, ...] = ()
        if step.kind == StepKind.EXTERNAL:
            if any(code not in EXTERNAL_BODIES for code in step.external_bodies):
                raise ValidationError({f"step-{step.kind}": _("Choose from the organisations shown.")})
            bodies = tuple(dict.fromkeys(step.external_bodies))
        cleaned.append(StepSetting(kind=step.kind, position=position, is_enabled=step.is_enabled,
                                   title=title, description=description, external_bodies=bodies))
    return cleaned


def _clean_contacts(contacts: Sequence[ContactSetting]) -> list[ContactSetting]:
    if len(contacts) > MAX_ROUTE_CONTACTS:
        raise ValidationError({"contacts": _("You can add at most 10 contacts.")})
    cleaned = []
    for contact in contacts:
        name, url = contact.name.strip(), contact.url.strip()
        if not name:
            raise ValidationError({"contacts": _("Every contact needs a name.")})
        if url:
            try:
                URLValidator(schemes=["https", "http"])(url)
            except ValidationError as error:
                raise ValidationError(
                    {"contacts": _("Fill in a web address that starts with https://.")}
                ) from error
        description, phone = contact.description.strip(), contact.phone.strip()
        if len(name) > 150 or len(description) > 500 or len(phone) > 40 or len(url) > 300:
            raise ValidationError({"contacts": _(
                "A contact's name, text, phone number or web address is too long.")})
        cleaned.append(ContactSetting(name=name, description=description, phone=phone, url=url))
    return cleaned


def _check_default_recipient(*, organisation_id: int, membership: Membership | None) -> None:
    if membership is None:
        return
    if (membership.organisation_id != organisation_id or not membership.is_active
            or not can_receive_reports(membership.role_set)):
        raise ValidationError({"default_recipient": _("Choose one of the people shown.")})
    if not has_keypair(membership.user_id):
        raise ValidationError({"default_recipient": _(
            "This person cannot receive reports yet: they first unlock their reports once.")})


def route_save(
    *,
    actor: Actor,
    unit: Unit | None,
    introduction: str,
    default_recipient: Membership | None,
    steps: Sequence[StepSetting],
    contacts: Sequence[ContactSetting] = (),
    complaints_procedure_text: str = "",
    complaints_procedure_file: UploadedFile | None = None,
    remove_complaints_procedure_file: bool = False,
) -> ReportingRoute:
    """Write the route of the organisation (unit None) or a unit's own route, all at once:
    texts, the default recipient, the steps in order, and contacts outside the organisation."""
    require(can_configure_route(actor)
            and (unit is None or unit.organisation_id == actor.organisation_id))
    _check_default_recipient(organisation_id=actor.organisation_id, membership=default_recipient)
    cleaned_steps = _clean_steps(steps)
    cleaned_contacts = _clean_contacts(contacts)
    with service_write(action="reporting.route_update", actor=actor) as change:
        route, created = ReportingRoute.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id, unit=unit)
        old_file = route.complaints_procedure_file.name if route.complaints_procedure_file else ""
        route.introduction = introduction.strip()
        route.complaints_procedure_text = complaints_procedure_text.strip()
        route.default_recipient = default_recipient
        if complaints_procedure_file:
            route.complaints_procedure_file.save(
                # A random name: the public link does not reveal the uploader's file name.
                f"klachtenregeling-{secrets.token_hex(8)}.pdf", complaints_procedure_file, save=False)
        elif remove_complaints_procedure_file:
            route.complaints_procedure_file = None
        route.save()
        new_file = route.complaints_procedure_file.name if route.complaints_procedure_file else ""
        if old_file and old_file != new_file:
            storage = route.complaints_procedure_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
        route.steps.all().delete()
        RouteStep.objects.bulk_create([
            RouteStep(route=route, position=s.position, kind=s.kind, title=s.title,
                      description=s.description, is_enabled=s.is_enabled,
                      external_bodies=list(s.external_bodies))
            for s in cleaned_steps
        ])
        route.contacts.all().delete()
        RouteContact.objects.bulk_create([
            RouteContact(route=route, position=position, name=c.name, description=c.description,
                         phone=c.phone, url=c.url)
            for position, c in enumerate(cleaned_contacts)
        ])
        change.target, change.data = route, {
            "unit_id": unit.pk if unit else None, "created": created,
            "steps": [s.kind for s in cleaned_steps if s.is_enabled],
            "contacts": len(cleaned_contacts),
            "default_recipient": default_recipient.pk if default_recipient else None,
        }
    return route


def route_remove_unit_route(*, actor: Actor, unit: Unit) -> bool:
    """A unit stops having its own route and follows the route above it again."""
    require(can_configure_route(actor) and unit.organisation_id == actor.organisation_id)
    with service_write(action="reporting.route_remove", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        route = ReportingRoute.objects.filter(organisation_id=actor.organisation_id, unit=unit).first()
        if route is None:
            change.nothing_changed()
            return False
        file_name = route.complaints_procedure_file.name if route.complaints_procedure_file else ""
        storage = route.complaints_procedure_file.storage
        change.target, change.data = route, {"unit_id": unit.pk}
        route.delete()
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))
    return True
