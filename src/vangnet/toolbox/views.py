"""Thin views of the toolbox: validate → permission → service → render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.organisations.public import (
    OrganisationRequest,
    actor_for,
    organisation_get_public,
    organisation_view,
    unit_ancestor_ids,
)

from . import permissions, selectors, services
from .content import DISCUSS_WERKVORM, SESSION_SAFETY_WERKVORM, content
from .forms import (
    DilemmaFilterForm,
    OwnWerkvormForm,
    RoutineDoneForm,
    RoutineForm,
    SessionForm,
    WerkvormFilterForm,
)
from .ics import routines_calendar
from .models import Routine, Werkvorm
from .pdf import render_pdf
from .presets import PRESETS, preset_for

MAX_DECK = 40


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _actor(request: OrganisationRequest) -> Any:
    return request.actor


def _slug(request: OrganisationRequest) -> str:
    return request.organisation.slug


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _labels(language: str) -> dict[str, Any]:
    bundle = content()
    return {"theme_names": bundle.theme_names(language),
            "pillar_titles": bundle.pillar_titles(language),
            "discuss_werkvorm": DISCUSS_WERKVORM, "session_werkvorm": SESSION_SAFETY_WERKVORM}


@organisation_view
def index(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    return render(request, "toolbox/index.html", {
        "can_plan": selectors.plannable_units(actor=actor).exists(),
        "can_manage": permissions.can_manage_catalogue(actor),
    })


# --- werkvormen -----------------------------------------------------------------------------------


@organisation_view
def werkvorm_list(request: OrganisationRequest) -> HttpResponse:
    actor, language = _actor(request), _language()
    form = WerkvormFilterForm(request.GET or None, language=language)
    show_hidden = request.GET.get("verborgen") == "1" and permissions.can_manage_catalogue(actor)
    filters = form.filters() if request.GET else selectors.WerkvormFilters()
    werkvormen = list(selectors.werkvormen_filtered(actor=actor, filters=filters, language=language,
                                                    include_hidden=show_hidden))
    return render(request, "toolbox/werkvorm_list.html", {
        "form": form, "werkvormen": werkvormen, "filtered": bool(request.GET),
        "can_manage": permissions.can_manage_catalogue(actor), "show_hidden": show_hidden,
        **_labels(language),
    })


@organisation_view
def werkvorm_detail(request: OrganisationRequest, slug: str) -> HttpResponse:
    actor, language = _actor(request), _language()
    werkvorm = selectors.werkvorm_get_for_actor(actor=actor, slug=slug)
    related = selectors.werkvormen_by_slugs(actor.organisation_id, werkvorm.related)
    dilemmas = [d for d in content().dilemmas if werkvorm.slug in d.werkvormen]
    return render(request, "toolbox/werkvorm_detail.html", {
        "werkvorm": werkvorm, "body": werkvorm.body(language), "related": related,
        "dilemmas": [(d.slug, d.text(language).title) for d in dilemmas],
        "can_manage": permissions.can_manage_catalogue(actor),
        "can_plan": selectors.plannable_units(actor=actor).exists(),
        **_labels(language),
    })


@organisation_view
def werkvorm_pdf(request: OrganisationRequest, slug: str) -> HttpResponse:
    werkvorm = selectors.werkvorm_get_for_actor(actor=_actor(request), slug=slug)
    return _pdf_response(_cards_pdf(request, [werkvorm]), f"{werkvorm.slug}.pdf")


@organisation_view
def deck_pdf(request: OrganisationRequest) -> HttpResponse:
    """A deck of cards: the chosen werkvormen (`?slug=...&slug=...`), at most MAX_DECK."""
    slugs = [s for s in request.GET.getlist("slug") if s][:MAX_DECK]
    werkvormen = selectors.werkvormen_by_slugs(_actor(request).organisation_id, slugs)
    if not werkvormen:
        messages.warning(request, _("Choose one or more werkvormen for your card deck."))
        return redirect("toolbox:werkvorm_list", _slug(request))
    return _pdf_response(_cards_pdf(request, werkvormen), "werkvormen.pdf")


def _cards_pdf(request: OrganisationRequest, werkvormen: list[Werkvorm]) -> bytes:
    language = _language()
    cards = [{"werkvorm": w, "body": w.body(language), "title": w.title(language),
              "purpose": w.purpose(language)} for w in werkvormen]
    return render_pdf("toolbox/pdf/cards.html", {
        "cards": cards, "organisation": request.organisation,
        **_labels(language),
    })


@organisation_view
@require_http_methods(["GET", "POST"])
def werkvorm_edit(request: OrganisationRequest, slug: str | None = None) -> HttpResponse:
    actor, language = _actor(request), _language()
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied
    werkvorm = selectors.werkvorm_get_for_actor(actor=actor, slug=slug) if slug else None
    if werkvorm is not None and werkvorm.organisation_id != actor.organisation_id:
        raise PermissionDenied  # built-ins come from the content files
    initial = OwnWerkvormForm.initial_for(werkvorm, language) if werkvorm else None
    form = OwnWerkvormForm(request.POST or None, initial=initial, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            if werkvorm is None:
                werkvorm = services.werkvorm_create(actor=actor, data=form.to_input())
                messages.success(request, _("The werkvorm has been added."))
            else:
                services.werkvorm_update(actor=actor, werkvorm=werkvorm, data=form.to_input())
                messages.success(request, _("The werkvorm has been saved."))
            return redirect("toolbox:werkvorm_detail", _slug(request), werkvorm.slug)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "toolbox/werkvorm_form.html", {"form": form, "werkvorm": werkvorm})


@organisation_view
@require_POST
def werkvorm_hide(request: OrganisationRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied
    werkvorm = selectors.werkvorm_get_for_actor(actor=actor, slug=slug)
    hide = request.POST.get("hidden") == "1"
    services.werkvorm_set_hidden(actor=actor, werkvorm=werkvorm, hidden=hide)
    messages.success(request, _("The werkvorm is now hidden for your organisation.") if hide
                     else _("The werkvorm is visible again."))
    return redirect("toolbox:werkvorm_detail", _slug(request), werkvorm.slug)


# --- dilemmas, glossary, FAQ ----------------------------------------------------------------------


@organisation_view
def dilemma_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    form = DilemmaFilterForm(request.GET or None, language=language)
    data = form.cleaned_data if form.is_valid() else {}
    dilemmas = [d for d in content().dilemmas
                if (not data.get("pillar") or int(data["pillar"]) in d.pillars)
                and (not data.get("theme") or data["theme"] in d.themes)
                and (not data.get("setting") or d.setting == data["setting"])]
    dilemmas.sort(key=lambda d: d.text(language).title)
    return render(request, "toolbox/dilemma_list.html", {
        "form": form, "dilemmas": [(d, d.text(language)) for d in dilemmas], **_labels(language)})


@organisation_view
def dilemma_detail(request: OrganisationRequest, slug: str) -> HttpResponse:
    language = _language()
    dilemma = content().dilemma(slug)
    if dilemma is None:
        raise Http404
    werkvormen = selectors.werkvormen_by_slugs(_actor(request).organisation_id, dilemma.werkvormen)
    return render(request, "toolbox/dilemma_detail.html", {
        "dilemma": dilemma, "text": dilemma.text(language), "werkvormen": werkvormen,
        **_labels(language)})


def _glossary_context(language: str) -> dict[str, Any]:
    terms = sorted(content().glossary, key=lambda t: t.text(language).term.lower())
    titles = {t.slug: t.text(language).term for t in terms}
    return {"terms": [(t, t.text(language), [(s, titles[s]) for s in t.see_also]) for t in terms]}


def _faq_context(language: str) -> dict[str, Any]:
    items = content().faq
    return {"employee_items": [(i, i.text(language)) for i in items if i.audience == "employee"],
            "manager_items": [(i, i.text(language)) for i in items if i.audience == "manager"]}


@organisation_view
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "toolbox/glossary.html", _glossary_context(_language()))


@organisation_view
def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "toolbox/faq.html", _faq_context(_language()))


def public_glossary(request: OrganisationRequest, org_slug: str) -> HttpResponse:
    request.organisation = organisation_get_public(slug=org_slug)
    context = _glossary_context(_language())
    context["glossary_url"] = reverse("toolbox:public_glossary", args=[org_slug])
    context["public"] = True
    return render(request, "toolbox/glossary.html", context)


def public_faq(request: OrganisationRequest, org_slug: str) -> HttpResponse:
    request.organisation = organisation_get_public(slug=org_slug)
    context = _faq_context(_language())
    context["glossary_url"] = reverse("toolbox:public_glossary", args=[org_slug])
    context["public"] = True
    return render(request, "toolbox/faq.html", context)


# --- team sessions --------------------------------------------------------------------------------


def _session_werkvormen(actor: Any) -> Any:
    return (selectors.werkvormen_for_actor(actor=actor)
            .filter(duration_minutes__lte=services.SESSION_MAX_MINUTES)
            .order_by("duration_minutes", "title_nl", "pk"))


@organisation_view
def session_list(request: OrganisationRequest) -> HttpResponse:
    actor, language = _actor(request), _language()
    sessions = list(selectors.sessions_for_actor(actor=actor)[:100])
    presets = []
    pillar_titles = content().pillar_titles(language)
    for preset in PRESETS:
        werkvormen = selectors.werkvormen_by_slugs(actor.organisation_id, preset.slugs)
        if len(werkvormen) == len(preset.slugs):
            presets.append({"pillar": preset.pillar, "title": pillar_titles.get(preset.pillar, ""),
                            "werkvormen": werkvormen,
                            "minutes": sum(w.duration_minutes for w in werkvormen)})
    return render(request, "toolbox/session_list.html", {
        "sessions": sessions, "presets": presets,
        "can_plan": selectors.plannable_units(actor=actor).exists()})


@organisation_view
@require_http_methods(["GET", "POST"])
def session_builder(request: OrganisationRequest) -> HttpResponse:
    actor, language = _actor(request), _language()
    units = selectors.plannable_units(actor=actor)
    if not units.exists():
        raise PermissionDenied
    werkvormen = _session_werkvormen(actor)
    initial: dict[str, Any] = {"title": _("Team session")}
    preset = preset_for(int(request.GET["pillar"])) if request.GET.get("pillar", "").isdigit() else None
    if preset is not None:
        initial["werkvormen"] = selectors.werkvormen_by_slugs(actor.organisation_id, preset.slugs)
        initial["title"] = _("Team session: %(pillar)s") % {
            "pillar": content().pillar_titles(language).get(preset.pillar, "")}
    form = SessionForm(request.POST or None, initial=initial, units=units, werkvormen=werkvormen,
                       language=language)
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "pdf":
        # Print straight away, without saving: the same agenda and script as a saved session.
        werkvormen = form.ordered_werkvormen()
        agenda = _agenda_rows([(w, w.duration_minutes, i) for i, w in enumerate(werkvormen, 1)],
                              form.cleaned_data["planned_for"], language)
        preview = {"title": form.cleaned_data["title"], "unit": form.cleaned_data["unit"],
                   "planned_for": form.cleaned_data["planned_for"]}
        data = render_pdf("toolbox/pdf/session.html", {
            "session": preview, "agenda": agenda, "total": sum(r["minutes"] for r in agenda),
            "organisation": request.organisation})
        return _pdf_response(data, f"sessie-{slugify(preview['title']) or 'concept'}.pdf")
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=actor, unit=form.cleaned_data["unit"], title=form.cleaned_data["title"],
                werkvormen=form.ordered_werkvormen(), planned_for=form.cleaned_data["planned_for"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session has been saved for the team."))
            return redirect("toolbox:session_detail", _slug(request), session.pk)
    return render(request, "toolbox/session_builder.html", {"form": form})


def _agenda_rows(parts: list[tuple[Werkvorm, int, int]], planned_for: Any,
                 language: str) -> list[dict[str, Any]]:
    """Agenda rows (werkvorm, minutes, position) with start minute, and clock time if dated."""
    rows, offset = [], 0
    start = timezone.localtime(planned_for) if planned_for else None
    for werkvorm, minutes, position in parts:
        rows.append({
            "werkvorm": werkvorm, "title": werkvorm.title(language),
            "purpose": werkvorm.purpose(language), "body": werkvorm.body(language),
            "minutes": minutes, "offset": offset, "position": position,
            "clock": (start + timedelta(minutes=offset)) if start else None,
        })
        offset += minutes
    return rows


def _agenda(session: Any, language: str) -> list[dict[str, Any]]:
    parts = [(item.werkvorm, item.minutes, item.position)
             for item in session.items.select_related("werkvorm")]
    return _agenda_rows(parts, session.planned_for, language)


@organisation_view
def session_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    session = selectors.session_get_for_actor(actor=actor, pk=pk)
    agenda = _agenda(session, _language())
    return render(request, "toolbox/session_detail.html", {
        "session": session, "agenda": agenda, "total": sum(r["minutes"] for r in agenda),
        "can_plan": selectors.can_plan_for(actor=actor, unit=session.unit)})


@organisation_view
def session_pdf(request: OrganisationRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_actor(actor=_actor(request), pk=pk)
    agenda = _agenda(session, _language())
    data = render_pdf("toolbox/pdf/session.html", {
        "session": session, "agenda": agenda, "total": sum(r["minutes"] for r in agenda),
        "organisation": request.organisation})
    return _pdf_response(data, f"sessie-{slugify(session.title) or session.pk}.pdf")


@organisation_view
@require_POST
def session_item_move(request: OrganisationRequest, pk: int, position: int) -> HttpResponse:
    actor = _actor(request)
    session = selectors.session_get_for_actor(actor=actor, pk=pk)
    try:
        services.session_item_move(actor=actor, session=session, position=position,
                                   up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("toolbox:session_detail", args=[_slug(request), session.pk]) + "#agenda")


@organisation_view
@require_POST
def session_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_actor(actor=_actor(request), pk=pk)
    services.session_delete(actor=_actor(request), session=session)
    messages.success(request, _("The session has been removed."))
    return redirect("toolbox:session_list", _slug(request))


# --- routines -------------------------------------------------------------------------------------


@organisation_view
def routine_list(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    routines = list(selectors.routines_for_actor(actor=actor))
    today = timezone.localdate()
    # Calendar addresses only for teams that have routines (a coordinator sees every unit).
    units = sorted({r.unit for r in routines if r.is_active}, key=lambda unit: unit.name)
    return render(request, "toolbox/routine_list.html", {
        "upcoming": selectors.upcoming_routines(routines=routines, today=today),
        "stopped": [r for r in routines if not r.is_active],
        "units": units, "can_plan": selectors.plannable_units(actor=actor).exists(),
        "feed_url": request.session.pop("toolbox_feed_url", None),
        "feed_unit": request.session.pop("toolbox_feed_unit", None)})


@organisation_view
@require_http_methods(["GET", "POST"])
def routine_create(request: OrganisationRequest) -> HttpResponse:
    actor, language = _actor(request), _language()
    units = selectors.plannable_units(actor=actor)
    if not units.exists():
        raise PermissionDenied
    initial: dict[str, Any] = {"starts_on": services.default_start(), "time_of_day": "09:00",
                               "frequency": "weekly", "remind_days_before": 1}
    werkvormen = selectors.werkvormen_for_actor(actor=actor)
    if request.GET.get("werkvorm"):
        initial["werkvorm"] = werkvormen.filter(slug=request.GET["werkvorm"]).first()
    # Other pages link here with a proposal (conduct: "discuss the code every quarter").
    if request.GET.get("frequency") in Routine.Frequency.values:
        initial["frequency"] = request.GET["frequency"]
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = units.filter(pk=int(request.GET["unit"])).first()
    form = RoutineForm(request.POST or None, initial=initial, units=units, werkvormen=werkvormen,
                       language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.routine_create(
                actor=actor, unit=data["unit"], werkvorm=data["werkvorm"], title=data["title"],
                frequency=data["frequency"], starts_on=data["starts_on"],
                time_of_day=data["time_of_day"], remind_days_before=data["remind_days_before"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The routine has been planned for the team."))
            return redirect("toolbox:routine_list", _slug(request))
    return render(request, "toolbox/routine_form.html", {"form": form})


@organisation_view
@require_http_methods(["GET", "POST"])
def routine_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    routine = selectors.routine_get_for_actor(actor=actor, pk=pk)
    today = timezone.localdate()
    last_due = services.last_due_date(routine, today)
    form = RoutineDoneForm(request.POST or None, initial={"on": last_due})
    if request.method == "POST" and form.is_valid():
        try:
            services.routine_mark_done(actor=actor, routine=routine, on=form.cleaned_data["on"],
                                       note=form.cleaned_data["note"], today=today)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Marked as done. Well done!"))
            return redirect("toolbox:routine_detail", _slug(request), routine.pk)
    upcoming = selectors.upcoming_routines(routines=[routine], today=today)
    return render(request, "toolbox/routine_detail.html", {
        "routine": routine, "form": form, "last_due": last_due,
        "next_on": upcoming[0].next_on if upcoming else None,
        "history": selectors.recent_occurrences(routine=routine),
        "can_plan": selectors.can_plan_for(actor=actor, unit=routine.unit)})


@organisation_view
@require_POST
def routine_toggle(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    routine = selectors.routine_get_for_actor(actor=actor, pk=pk)
    services.routine_set_active(actor=actor, routine=routine, active=not routine.is_active)
    messages.success(request, _("The routine runs again.") if routine.is_active
                     else _("The routine has been stopped."))
    return redirect("toolbox:routine_detail", _slug(request), routine.pk)


@organisation_view
@require_POST
def feed_create(request: OrganisationRequest, unit_pk: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.visible_routine_units(actor=actor).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    token = services.calendar_feed_create(actor=actor, unit=unit)
    # The address is shown once (only its hash is stored): carry it to the next page in the session.
    request.session["toolbox_feed_url"] = request.build_absolute_uri(
        reverse("toolbox:calendar_feed", args=[_slug(request), token]))
    request.session["toolbox_feed_unit"] = unit.name
    return redirect("toolbox:routine_list", _slug(request))


@organisation_view
@require_POST
def feed_revoke(request: OrganisationRequest, unit_pk: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.visible_routine_units(actor=actor).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    services.calendar_feed_revoke(actor=actor, unit=unit)
    messages.success(request, _("The old calendar address no longer works."))
    return redirect("toolbox:routine_list", _slug(request))


def calendar_feed(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The team's routines as ICS. No login: the secret address is the key (hash compared)."""
    feed = selectors.feed_for_token_hash(token_hash=services.token_hash(token))
    if feed is None or feed.unit.organisation.slug != org_slug:
        raise Http404
    # Still allowed to see this team's routines? (moved team, lost the manager role ...)
    actor = actor_for(feed.membership)
    line = unit_ancestor_ids(unit_id=feed.unit_id, organisation_id=feed.unit.organisation_id)
    if not permissions.can_view_unit_routines(
        actor, unit_id=feed.unit_id, unit_line_ids=line,
        managed_unit_ids=selectors.managed_unit_ids(actor=actor),
    ):
        raise Http404
    routines = selectors.routines_for_unit(unit=feed.unit)
    url = request.build_absolute_uri(reverse("toolbox:routine_list", args=[org_slug]))
    body = routines_calendar(name=f"{feed.unit.name} · Vangnet", routines=routines, url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="teamroutines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
