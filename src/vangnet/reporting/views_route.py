"""The coordinator's route settings: texts, steps in order, outside contacts, per unit.

Thin: the forms validate what a person typed, `services.route_save` checks and writes it all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.organisations.public import (
    OrganisationRequest,
    organisation_view,
    person_get_for_actor,
    unit_get_for_actor,
    unit_tree,
)

from . import selectors, services
from .forms import RouteContactFormSet, RouteForm, RouteStepForm
from .models import ReportingRoute, RouteStep, StepKind
from .permissions import can_configure_route
from .route import (
    DEFAULT_STEPS,
    EXTERNAL_BODIES,
    default_step_text,
    recipient_choices,
    step_label,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation, Unit


@dataclass
class RouteEditor:
    """Everything the settings page binds and shows, for one route (organisation or unit)."""

    form: RouteForm
    steps: list[RouteStepForm]
    contacts: Any  # RouteContactFormSet

    def is_valid(self) -> bool:
        results = [self.form.is_valid(), self.contacts.is_valid()]
        results += [step.is_valid() for step in self.steps]
        return all(results)

    @property
    def other_errors(self) -> bool:
        """Errors outside the general form (that form announces its own)."""
        return bool(any(step.errors for step in self.steps) or self.contacts.total_error_count())

    def add_service_errors(self, error: ValidationError) -> None:
        by_prefix = {step.prefix: step for step in self.steps}
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error.messages)
            return
        for key, texts in error.message_dict.items():
            if key in by_prefix:
                by_prefix[key].add_error(None, texts)
            else:
                self.form.add_error(key if key in self.form.fields else None, texts)

    def step_settings(self) -> list[services.StepSetting]:
        return [
            services.StepSetting(
                kind=step.kind, position=step.cleaned_data["position"],
                is_enabled=step.cleaned_data["is_enabled"], title=step.cleaned_data["title"],
                description=step.cleaned_data["description"],
                external_bodies=tuple(step.cleaned_data.get("external_bodies") or ()),
            )
            for step in self.steps
        ]

    def contact_settings(self) -> list[services.ContactSetting]:
        return [
            services.ContactSetting(name=data["name"], description=data["description"],
                                    phone=data["phone"], url=data["url"])
            for data in self.contacts.cleaned_data
            if data.get("name") and not data.get("DELETE")
        ]


def _ordered_steps(source: ReportingRoute | None) -> list[RouteStep]:
    """The steps in force, in their order; kinds not on the route follow, hidden."""
    stored = list(source.steps.all()) if source is not None else []
    if not stored:
        stored = [RouteStep(kind=kind, is_enabled=True, external_bodies=list(EXTERNAL_BODIES))
                  for kind, _text in DEFAULT_STEPS]
    present = {step.kind for step in stored}
    stored += [RouteStep(kind=kind, is_enabled=False, external_bodies=list(EXTERNAL_BODIES))
               for kind, _text in DEFAULT_STEPS if kind not in present]
    return stored


def _editor(request: HttpRequest, organisation: Organisation, source: ReportingRoute | None) -> RouteEditor:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    initial: dict[str, Any] = {}
    if source is not None:
        initial = {"introduction": source.introduction,
                   "complaints_procedure_text": source.complaints_procedure_text,
                   "default_recipient": str(source.default_recipient_id or "")}
    form = RouteForm(data, files, initial=initial)
    fields: Any = form.fields
    if source is None or not source.complaints_procedure_file:
        del fields["remove_complaints_procedure_file"]
    fields["default_recipient"].choices = [("", _("The first available advisor"))] + [
        (str(p.membership.pk), p.membership.user.full_name or p.membership.user.email)
        for p in recipient_choices(organisation=organisation) if p.available
    ]
    body_choices = [(code, body.name) for code, body in EXTERNAL_BODIES.items()]
    steps = [
        RouteStepForm(
            data, kind=step.kind, label=step_label(step.kind),
            body_choices=body_choices if step.kind == StepKind.EXTERNAL else [],
            initial={"position": place, "is_enabled": step.is_enabled,
                     "title": step.title or step_label(step.kind),
                     "description": step.description or default_step_text(step.kind),
                     "external_bodies": step.external_bodies},
        )
        for place, step in enumerate(_ordered_steps(source), start=1)
    ]
    contacts_initial = [
        {"name": c.name, "description": c.description, "phone": c.phone, "url": c.url}
        for c in (source.contacts.all() if source is not None else [])
    ]
    contacts = RouteContactFormSet(data, prefix="contact", initial=contacts_initial)
    return RouteEditor(form=form, steps=steps, contacts=contacts)


def _selected_unit(request: OrganisationRequest) -> Unit | None:
    """The unit of `?eenheid=`; the whole organisation for anything else (also a unit elsewhere)."""
    unit_id = request.GET.get("eenheid", "")
    if not (unit_id.isdigit() and len(unit_id) < 12):
        return None
    try:
        return unit_get_for_actor(actor=request.actor, pk=int(unit_id))
    except Http404:
        return None


def _editor_url(organisation: Organisation, unit: Unit | None) -> str:
    url = reverse("reporting:route_edit", args=[organisation.slug])
    return f"{url}?eenheid={unit.pk}" if unit is not None else url


def _save(request: OrganisationRequest, editor: RouteEditor, unit: Unit | None,
          settings: selectors.RouteSettings) -> bool:
    """Call the service with what the forms hold. Returns False (errors added) when refused."""
    own, source = settings.own, settings.in_force
    data = editor.form.cleaned_data
    actor = request.actor
    recipient_id = data.get("default_recipient")  # one of the offered choices (the form checks)
    recipient = person_get_for_actor(actor=actor, pk=int(recipient_id)) if recipient_id else None
    upload = data.get("complaints_procedure_file")
    remove = data.get("remove_complaints_procedure_file", False)
    if own is None and source is not None and source.complaints_procedure_file and not upload and not remove:
        # A unit's first own route starts as a copy of the one in force, document included.
        with source.complaints_procedure_file.open("rb") as handle:
            upload = ContentFile(handle.read())
    try:
        services.route_save(
            actor=actor, unit=unit,
            introduction=data["introduction"], default_recipient=recipient,
            steps=editor.step_settings(), contacts=editor.contact_settings(),
            complaints_procedure_text=data["complaints_procedure_text"],
            complaints_procedure_file=upload or None, remove_complaints_procedure_file=remove,
        )
    except ValidationError as error:
        editor.add_service_errors(error)
        return False
    return True


@organisation_view
@require_http_methods(["GET", "POST"])
def route_edit(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    if not can_configure_route(actor):
        raise PermissionDenied
    organisation = request.organisation
    unit = _selected_unit(request)
    settings = selectors.route_settings_for(actor=actor, unit=unit)
    editor = _editor(request, organisation, settings.in_force)
    if request.method == "POST" and editor.is_valid() and _save(request, editor, unit, settings):
        messages.success(request, _("The reporting route has been saved."))
        return redirect(_editor_url(organisation, unit))
    return render(request, "reporting/route_form.html", {
        "editor": editor, "unit": unit, "own": settings.own, "source": settings.in_force,
        "units": unit_tree(actor=actor), "with_own_route": settings.units_with_own_route,
        "public_url": reverse("reporting:route", args=[organisation.slug])
        + (f"?eenheid={unit.pk}" if unit is not None else ""),
    })


@organisation_view
@require_POST
def route_remove_unit(request: OrganisationRequest, unit_pk: int) -> HttpResponse:
    actor = request.actor
    if not can_configure_route(actor):
        raise PermissionDenied
    organisation = request.organisation
    unit = unit_get_for_actor(actor=actor, pk=unit_pk)
    if request.POST.get("confirm") == "yes" and services.route_remove_unit_route(actor=actor, unit=unit):
        messages.success(request, _("%(unit)s follows the route above it again.") % {"unit": unit.name})
    return redirect(_editor_url(organisation, unit))
