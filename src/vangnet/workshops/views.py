"""Thin views of workshops: validate → permission → service → render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.organisations.public import (
    OrganisationRequest,
    Role,
    managed_unit_ids_of,
    members_with_role,
    organisation_view,
    units_in,
)
from vangnet.toolbox.public import werkvormen_by_slugs, werkvormen_for_organisation

from . import permissions, selectors, services
from .forms import (
    DuoForm,
    EvaluationForm,
    FacilitatorForm,
    FacilitatorProfileForm,
    JoinForm,
    MoveForm,
    OfferForm,
    PoolForm,
    ReferForm,
    ReflectionForm,
    RequestForm,
    SessionForm,
)
from .ics import session_ics as build_ics
from .models import Facilitator, Registration, Session


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form: object, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)  # type: ignore[attr-defined]
    else:
        for message in error.messages:
            form.add_error(None, message)  # type: ignore[attr-defined]


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


# --- members ------------------------------------------------------------------------------------


@organisation_view
def home(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    return render(request, "workshops/home.html", {
        "sessions": list(selectors.upcoming_sessions_for_actor(actor=actor)[:50]),
        "mine": selectors.registrations_of_actor(actor=actor),
        "led": list(selectors.sessions_led_by(actor=actor)[:50]),
        "can_request": actor.has(Role.MANAGER, Role.COORDINATOR)
        and selectors.pools_for_actor(actor=actor).exists(),
        "is_coordinator": actor.has(Role.COORDINATOR),
    })


@organisation_view
def session(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.session_get_for_actor(actor=actor, pk=pk)
    duo = selectors.duo_membership_ids(current)
    is_duo = permissions.is_duo(actor, duo_membership_ids=duo)
    registration = selectors.registration_of(actor=actor, session=current)
    return render(request, "workshops/session.html", {
        "session": current, "offer": current.offer, "registration": registration,
        "position": (selectors.waiting_position(registration)
                     if registration and registration.status == Registration.Status.WAITING else None),
        "is_duo": is_duo,
        "participants": selectors.participants_for_actor(actor=actor, session=current) if is_duo else [],
        "werkvormen": werkvormen_by_slugs(current.offer.pool.organisation_id,
                                          current.offer.werkvorm_slugs),
        "language": _language(),
        "evaluation_form": EvaluationForm() if registration and not registration.evaluated
        and current.status == Session.Status.HELD else None,
        "reflection_form": (ReflectionForm() if is_duo and current.status == Session.Status.HELD
                            else None),
        "can_manage": permissions.can_manage_pool(
            actor, pool_organisation_id=current.offer.pool.organisation_id),
    })


@organisation_view
def session_ics(request: OrganisationRequest, pk: int) -> HttpResponse:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    url = request.build_absolute_uri(reverse("workshops:session", args=[request.organisation.slug, pk]))
    response = HttpResponse(build_ics(current, url=url),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{pk}.ics"'
    return response


@organisation_view
@require_POST
def register(request: OrganisationRequest, pk: int) -> HttpResponse:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    try:
        registration = services.register(actor=request.actor, session=current)
    except ValidationError as error:
        _errors(request, error)
    except PermissionDenied as error:
        raise Http404 from error
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(request, _("You are registered. Add the session to your calendar."))
        else:
            messages.success(request, _("The session is full: you are on the waiting list. "
                                        "You will get an e-mail when a place becomes free."))
    return redirect("workshops:session", request.organisation.slug, pk)


@organisation_view
@require_POST
def cancel(request: OrganisationRequest, pk: int) -> HttpResponse:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    registration = selectors.registration_of(actor=request.actor, session=current)
    if registration is not None:
        services.cancel(actor=request.actor, registration=registration)
        messages.success(request, _("You have cancelled your registration."))
    return redirect("workshops:session", request.organisation.slug, pk)


@organisation_view
def refer(request: OrganisationRequest, pk: int) -> HttpResponse:
    """The discreet referral page of the duo: who can help, and the way to report."""
    actor = request.actor
    current = selectors.session_get_for_actor(actor=actor, pk=pk)
    if not permissions.can_refer(actor, duo_membership_ids=selectors.duo_membership_ids(current)):
        raise Http404
    advisors = list(members_with_role(organisation_id=request.organisation.pk, role=Role.ADVISOR))
    context = {"session": current, "advisors": advisors,
               "route_url": request.build_absolute_uri(
                   reverse("reporting:route", args=[request.organisation.slug]))}
    form = ReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        body = render_to_string("workshops/email/referral_body.txt", context) if email else ""
        services.refer(actor=actor, session=current, email_to=email, body=body,
                       subject=_("Where you can go for help") if email else "")
        messages.success(request, _("Thank you. Only the fact that a referral was made is kept.")
                         if not email else _("The page has been sent. The address is not kept."))
        return redirect("workshops:session", request.organisation.slug, pk)
    context["form"] = form
    return render(request, "workshops/refer.html", context)


@organisation_view
@require_POST
def evaluate(request: OrganisationRequest, pk: int) -> HttpResponse:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer each of the three questions with 1 to 5."))
        return redirect("workshops:session", request.organisation.slug, pk)
    try:
        services.evaluate(actor=request.actor, session=current, **form.cleaned_data)
        messages.success(request, _("Thank you for your evaluation. It is anonymous."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("workshops:session", request.organisation.slug, pk)


@organisation_view
@require_POST
def reflect(request: OrganisationRequest, pk: int) -> HttpResponse:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.reflect(actor=request.actor, session=current, **form.cleaned_data)
            messages.success(request, _("Your reflection has been saved."))
        except PermissionDenied as error:
            raise Http404 from error
    else:
        messages.error(request, _("Write what went well."))
    return redirect("workshops:session", request.organisation.slug, pk)


@organisation_view
@require_POST
def mark_held(request: OrganisationRequest, pk: int) -> HttpResponse:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    try:
        services.session_mark_held(actor=request.actor, session=current)
        messages.success(request, _("The session is marked as held. Participants can now evaluate it."))
    except ValidationError as error:
        _errors(request, error)
    except PermissionDenied as error:
        raise Http404 from error
    return redirect("workshops:session", request.organisation.slug, pk)


@organisation_view
def request_new(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    pool = selectors.pools_for_actor(actor=actor).first()
    if pool is None or not actor.has(Role.MANAGER, Role.COORDINATOR):
        raise Http404
    managed = managed_unit_ids_of(membership_id=actor.membership_id)
    units = units_in(organisation_id=actor.organisation_id).order_by("name")
    if not actor.has(Role.COORDINATOR):
        units = units.filter(pk__in=managed)
    form = RequestForm(request.POST or None, units=[(u.pk, u.name) for u in units])
    if request.method == "POST" and form.is_valid():
        try:
            services.request_create(actor=actor, pool=pool, unit_id=form.cleaned_data["unit"],
                                    audience=form.cleaned_data["audience"], wish=form.cleaned_data["wish"])
        except PermissionDenied as error:
            raise Http404 from error
        messages.success(request, _("Your request has been sent to the coordinator."))
        return redirect("workshops:home", request.organisation.slug)
    return render(request, "workshops/request_new.html", {"form": form})


# --- the coordinator ------------------------------------------------------------------------------


@organisation_view
def pools(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    if not actor.has(Role.COORDINATOR):
        raise Http404
    form = PoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pool = services.pool_create(actor=actor, name=form.cleaned_data["name"])
        return redirect("workshops:pool", request.organisation.slug, pool.pk)
    return render(request, "workshops/pools.html", {
        "pools": list(selectors.pools_managed(actor=actor)), "form": form})


def _pool_context(request: OrganisationRequest, pk: int) -> dict[str, object]:
    actor = request.actor
    pool = selectors.pool_get_for_actor(actor=actor, pk=pk, manage=True)
    organisation_ids = selectors.pool_organisation_ids(pool)
    query = request.GET.get("persoon", "")
    candidates = selectors.facilitator_candidates(pool=pool)
    shown = selectors.candidates_matching(candidates, query)
    return {
        "pool": pool, "overview": selectors.pool_overview(actor=actor, pool=pool),
        "inactive": list(selectors.inactive_facilitators_of(actor=actor, pool=pool)),
        "offers": list(selectors.offers_of(pool=pool)),
        "sessions": list(selectors.sessions_of_pool(actor=actor, pool=pool)),
        "requests": list(selectors.open_requests(actor=actor, pool=pool)),
        "joined": sorted(o for o in organisation_ids if o != pool.organisation_id),
        "facilitator_form": FacilitatorForm(candidates=candidates, shown=shown),
        "candidates": candidates, "shown": shown, "person_query": query,
        "more": len(shown) >= selectors.PICKER_LIMIT,
        "join_form": JoinForm(),
    }


@organisation_view
def pool(request: OrganisationRequest, pk: int) -> HttpResponse:
    return render(request, "workshops/pool.html", _pool_context(request, pk))


@organisation_view
@require_POST
def facilitator_add(request: OrganisationRequest, pk: int) -> HttpResponse:
    context = _pool_context(request, pk)
    form = FacilitatorForm(request.POST, candidates=context["candidates"],  # type: ignore[arg-type]
                           shown=context["shown"])  # type: ignore[arg-type]
    if form.is_valid():
        data = form.cleaned_data
        person = data.pop("membership")
        try:
            services.facilitator_add(actor=request.actor, pool=context["pool"],  # type: ignore[arg-type]
                                     membership_id=person.pk, organisation_id=person.organisation_id,
                                     **data)
            messages.success(request, _("The facilitator has been added to the pool."))
            return redirect("workshops:pool", request.organisation.slug, pk)
        except ValidationError as error:
            _form_errors(form, error)
    context["facilitator_form"] = form
    return render(request, "workshops/pool.html", context, status=400)


@organisation_view
def facilitator(request: OrganisationRequest, pk: int) -> HttpResponse:
    """A facilitator's profile: edit it, or deactivate (and reactivate) the facilitator."""
    actor = request.actor
    current = selectors.facilitator_get_for_actor(actor=actor, pk=pk)
    initial = {name: getattr(current, name) for name in services.PROFILE_FIELDS}
    form = FacilitatorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.facilitator_update(actor=actor, facilitator=current, **form.cleaned_data)
        messages.success(request, _("The profile has been saved."))
        return redirect("workshops:pool", request.organisation.slug, current.pool_id)
    return render(request, "workshops/facilitator.html", {
        "facilitator": current, "form": form,
        "planned": list(selectors.planned_sessions_with(facilitator=current))},
        status=400 if form.errors else 200)


@organisation_view
@require_POST
def facilitator_active(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.facilitator_get_for_actor(actor=actor, pk=pk)
    active = request.POST.get("active") == "1"
    services.facilitator_set_active(actor=actor, facilitator=current, active=active)
    if active:
        messages.success(request, _("The facilitator is active again and can be assigned."))
    else:
        messages.success(request, _("The facilitator has been deactivated and can no longer be "
                                    "assigned. Sessions already held keep them."))
    return redirect("workshops:facilitator", request.organisation.slug, pk)


@organisation_view
def session_cancel(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Cancel a session, after a confirmation page that says who will be told."""
    actor = request.actor
    current = _managed_session(request, pk)
    if request.method == "POST":
        try:
            services.session_cancel(actor=actor, session=current)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The session has been cancelled. The participants, the "
                                        "waiting list and the duo have been told."))
        return redirect("workshops:offer", request.organisation.slug, current.offer_id)
    return render(request, "workshops/session_cancel.html", {"session": current})


@organisation_view
def session_move(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Move a session: the form, then a confirmation that shows the old and the new moment."""
    actor = request.actor
    current = _managed_session(request, pk)
    initial = {"starts_at": timezone.localtime(current.starts_at), "place": current.place,
               "video_link": current.video_link}
    form = MoveForm(request.POST or None, initial=initial)
    confirm = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirmed")
        if confirmed:
            try:
                services.session_move(actor=actor, session=current, **data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The session has been moved. The participants and "
                                            "the duo have been sent the new time."))
                return redirect("workshops:offer", request.organisation.slug, current.offer_id)
        else:
            confirm = True
            form = MoveForm(initial={
                **data, "confirmed": True,
                "starts_at": timezone.localtime(data["starts_at"]).strftime("%Y-%m-%dT%H:%M")})
            for name in ("starts_at", "place", "video_link"):
                form.fields[name].widget = forms.HiddenInput()
            form.new = data  # type: ignore[attr-defined]
    return render(request, "workshops/session_move.html", {
        "session": current, "form": form, "confirm": confirm},
        status=400 if form.errors else 200)


def _managed_session(request: OrganisationRequest, pk: int) -> Session:
    current = selectors.session_get_for_actor(actor=request.actor, pk=pk)
    if not permissions.can_manage_pool(request.actor,
                                       pool_organisation_id=current.offer.pool.organisation_id):
        raise Http404
    return current


@organisation_view
@require_POST
def pool_join(request: OrganisationRequest, pk: int) -> HttpResponse:
    context = _pool_context(request, pk)
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            services.pool_join(actor=request.actor, pool=context["pool"],  # type: ignore[arg-type]
                               organisation_slug=form.cleaned_data["organisation_slug"])
            messages.success(request, _("The organisation has joined the pool."))
            return redirect("workshops:pool", request.organisation.slug, pk)
        except ValidationError as error:
            _form_errors(form, error)
        except Http404:
            form.add_error("organisation_slug", _("No organisation has this short name."))
    context["join_form"] = form
    return render(request, "workshops/pool.html", context, status=400)


@organisation_view
def offer_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.pool_get_for_actor(actor=actor, pk=pk, manage=True)
    language = _language()
    choices = [(w.slug, w.title(language)) for w in werkvormen_for_organisation(
        organisation_id=current.organisation_id)]
    form = OfferForm(request.POST or None, werkvormen=choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["werkvorm_slugs"] = data.pop("werkvormen")
        try:
            offer = services.offer_create(actor=actor, pool=current, **data)
            return redirect("workshops:offer", request.organisation.slug, offer.pk)
        except ValidationError as error:
            _form_errors(form, error)
    return render(request, "workshops/offer_new.html", {"pool": current, "form": form},
                  status=400 if form.errors else 200)


@organisation_view
def offer(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.offer_get_for_actor(actor=actor, pk=pk, manage=True)
    return render(request, "workshops/offer.html", {
        "offer": current, "sessions": list(selectors.sessions_of_pool(actor=actor, pool=current.pool).filter(
            offer=current)),
        "reflections": list(selectors.reflections_of_offer(actor=actor, offer=current)),
        "werkvormen": werkvormen_by_slugs(current.pool.organisation_id, current.werkvorm_slugs),
        "language": _language(), "session_form": SessionForm()})


@organisation_view
@require_POST
def session_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.offer_get_for_actor(actor=actor, pk=pk, manage=True)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            created = services.session_create(actor=actor, offer=current, **form.cleaned_data)
            return redirect("workshops:duo", request.organisation.slug, created.pk)
        except ValidationError as error:
            _form_errors(form, error)
    return render(request, "workshops/offer.html", {
        "offer": current, "sessions": list(selectors.sessions_of_pool(actor=actor, pool=current.pool).filter(
            offer=current)),
        "reflections": list(selectors.reflections_of_offer(actor=actor, offer=current)),
        "werkvormen": werkvormen_by_slugs(current.pool.organisation_id, current.werkvorm_slugs),
        "language": _language(), "session_form": form}, status=400)


def _facilitator_choices(current: Session) -> list[tuple[int, str]]:
    def label(f: Facilitator) -> str:
        profile = [_("line") if f.line_experience else "",
                   _("facilitation") if f.facilitation_experience else ""]
        name = f.membership.user.get_full_name() or f.membership.user.email
        return f"{name} ({', '.join(p for p in profile if p) or '—'})"
    return [(f.pk, label(f)) for f in selectors.facilitators_of(pool=current.offer.pool)]


@organisation_view
def duo(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.session_get_for_actor(actor=actor, pk=pk)
    if not permissions.can_manage_pool(actor, pool_organisation_id=current.offer.pool.organisation_id):
        raise Http404
    choices = _facilitator_choices(current)
    form = DuoForm(request.POST or None, facilitators=choices)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.duo_assign(actor=actor, session=current, facilitator_a_id=data["facilitator_a"],
                                         facilitator_b_id=data["facilitator_b"], confirmed=data["confirmed"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if not result.warnings or data["confirmed"]:
                messages.success(request, _("The duo has been assigned."))
                return redirect("workshops:offer", request.organisation.slug, current.offer_id)
            warnings = result.warnings
            form = DuoForm(initial={**data, "confirmed": True}, facilitators=choices)
    return render(request, "workshops/duo.html", {"session": current, "form": form, "warnings": warnings})


@organisation_view
def request_match(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    wish = selectors.request_get_for_actor(actor=actor, pk=pk)
    offers = list(selectors.offers_of(pool=wish.pool))
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = next((o for o in offers if str(o.pk) == request.POST.get("offer")), None)
        if chosen is None:
            form.add_error(None, _("Choose an offer."))
        else:
            try:
                created = services.request_match(actor=actor, request=wish, offer=chosen, **form.cleaned_data)
                return redirect("workshops:duo", request.organisation.slug, created.pk)
            except ValidationError as error:
                _form_errors(form, error)
    return render(request, "workshops/request_match.html", {"wish": wish, "offers": offers, "form": form})


@organisation_view
def figures(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    current = selectors.pool_get_for_actor(actor=actor, pk=pk, manage=True)
    return render(request, "workshops/figures.html", {
        "pool": current, "figures": selectors.pool_figures(actor=actor, pool=current)})
