"""Thin views: validate → permission → service → render (ADR 0081).

Coordinator and manager pages use `organisation_view`. The respondent's page is public: the link
is the key; it stores no IP address or user agent and sets no cookie but Django's CSRF cookie.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vangnet.organisations.public import (
    Actor,
    OrganisationRequest,
    PublicOrganisationRequest,
    organisation_get_public,
    organisation_view,
)

from . import report, selectors, services
from .content import Instrument, instrument
from .forms import ActionForm, AnswersForm, PlanForm, SettingsForm, field_name
from .models import PulseRound
from .permissions import (
    can_change_settings,
    can_close,
    can_plan_any,
    can_record_actions,
    can_view_pulse,
)

AGREEMENT = {
    "agrees": gettext_noop("The team largely agrees: the team score says something about the team."),
    "partly": gettext_noop("The team partly agrees: read the team score together with the spread."),
    "differs": gettext_noop("Answers differ too much to speak of one team score: talk about the spread."),
    "unknown": gettext_noop("Too few answers to say whether the team agrees."),
}


def _agreement_texts() -> dict[str, str]:
    return {key: _(text) for key, text in AGREEMENT.items()}


@organisation_view
def index(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    viewer = can_view_pulse(actor)
    shared = not viewer and selectors.own_unit_shared(actor=actor)
    if not viewer and not shared:
        raise Http404
    return render(request, "pulse/index.html", {
        "plans": selectors.plans_for_actor(actor=actor).prefetch_related("units")
        if viewer else [],
        "rounds": selectors.rounds_for_actor(actor=actor, shared=shared or None)[:50],
        "can_plan": viewer and (can_plan_any(actor)
                                or bool(selectors.managed_subtree(actor=actor))),
        "can_change_settings": can_change_settings(actor),
        "own_team_only": shared,
        "instrument": instrument(),
    })


@organisation_view
@require_http_methods(["GET", "POST"])
def plan_create(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    units = selectors.plan_unit_choices(actor=actor)
    if not units:
        raise Http404
    form = PlanForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_create(actor=actor, title=data["title"], unit_ids=data["units"],
                                 cadence=data["cadence"], first_start=data["first_start"],
                                 open_days=data["open_days"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The pulse is planned. Vangnet e-mails every member of "
                                        "the chosen departments and teams their own link."))
            return redirect("pulse:index", request.organisation.slug)
    return render(request, "pulse/plan_form.html", {"form": form},
                  status=400 if form.errors else 200)


def _results_context(actor: Actor, round_: PulseRound, *, with_trends: bool) -> dict[str, Any]:
    """What the results page and its PDF show this reader (the same figures)."""
    view = selectors.wave_view(actor=actor, round_=round_)
    questionnaire = instrument()
    werkvormen = selectors.werkvormen_map(
        organisation_id=actor.organisation_id,
        wanted={item.code: item.werkvormen for item in questionnaire.items})
    scale_werkvormen = selectors.werkvormen_map(
        organisation_id=actor.organisation_id,
        wanted={scale.code: scale.werkvormen for scale in questionnaire.scales})
    may_act = [u for u in view.units if can_record_actions(
        actor, unit_id=u["unit_id"], managed_subtree=selectors.managed_subtree(actor=actor))]
    context: dict[str, Any] = {
        "round": round_, "view": view, "instrument": questionnaire,
        "agreement": _agreement_texts(), "werkvormen": werkvormen,
        "scale_werkvormen": scale_werkvormen,
        "action_form": ActionForm(units=[(u["unit_id"], u["name"]) for u in may_act])
        if may_act else None,
    }
    if with_trends:
        trends = selectors.unit_trends(actor=actor, unit_ids=[u["unit_id"] for u in view.units])
        context["trends"] = [
            _trend_entry(unit["unit_id"], unit["name"], trends.get(unit["unit_id"], []),
                         questionnaire, chart_id=f"pulse{round_.pk}-trend-{unit['unit_id']}")
            for unit in view.units]
    return context


def _trend_entry(unit_id: int, name: str, points: list[selectors.TrendPoint],
                 questionnaire: Instrument, *, chart_id: str) -> dict[str, Any]:
    waves = report.trend_waves(points, questionnaire)
    return {"unit_id": unit_id, "name": name, "waves": waves,
            "chart": report.trend_chart(waves, questionnaire, chart_id=chart_id, unit_name=name)}


@organisation_view
def wave_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk)
    if round_.is_open:
        return render(request, "pulse/wave_open.html", {
            "round": round_, "counts": selectors.response_counts(round_=round_),
            "can_close": can_close(actor)})
    return render(request, "pulse/wave_results.html",
                  _results_context(actor, round_, with_trends=False))


def _closed_round(request: OrganisationRequest, pk: int) -> PulseRound:
    round_ = selectors.round_get_for_actor(actor=request.actor, pk=pk)
    if round_.is_open:
        raise Http404
    return round_


@organisation_view
@never_cache
def wave_pdf(request: OrganisationRequest, pk: int) -> HttpResponse:
    round_ = _closed_round(request, pk)
    context = _results_context(request.actor, round_, with_trends=True)
    context["organisation"] = request.organisation
    context["chart_width_mm"] = report.CHART_WIDTH_MM
    response = HttpResponse(report.wave_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pulse-{pk}.pdf"'
    return response


@organisation_view
@never_cache
def wave_csv(request: OrganisationRequest, pk: int) -> HttpResponse:
    round_ = _closed_round(request, pk)
    view = selectors.wave_view(actor=request.actor, round_=round_)
    response = HttpResponse(report.wave_csv(view=view, instrument=instrument()),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pulse-{pk}.csv"'
    return response


@organisation_view
@require_http_methods(["GET", "POST"])
def wave_close(request: OrganisationRequest, pk: int) -> HttpResponse:
    """A confirmation before closing: closing cannot be undone."""
    actor = request.actor
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk)
    if not can_close(actor) or not round_.is_open:
        raise Http404
    if request.method == "POST":
        services.round_close(actor=actor, round_=round_)
        messages.success(request, _("The wave is closed. The results are ready."))
        return redirect("pulse:wave_detail", request.organisation.slug, round_.pk)
    return render(request, "pulse/wave_close.html", {
        "round": round_, "counts": selectors.response_counts(round_=round_)})


@organisation_view
@require_http_methods(["POST"])
def action_record(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk)
    view = selectors.wave_view(actor=actor, round_=round_)
    subtree = selectors.managed_subtree(actor=actor)
    form = ActionForm(request.POST, units=[
        (u["unit_id"], u["name"]) for u in view.units
        if can_record_actions(actor, unit_id=u["unit_id"], managed_subtree=subtree)])
    if form.is_valid():
        try:
            services.action_record(actor=actor, round_=round_, unit_id=form.cleaned_data["unit"],
                                   text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agreement is recorded. The next wave shows it next "
                                        "to the score."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
    return redirect("pulse:wave_detail", request.organisation.slug, round_.pk)


@organisation_view
def unit_trend(request: OrganisationRequest, unit_id: int) -> HttpResponse:
    points = selectors.unit_trend(actor=request.actor, unit_id=unit_id)
    questionnaire = instrument()
    name = selectors.unit_name(actor=request.actor, unit_id=unit_id)
    entry = _trend_entry(unit_id, name, points, questionnaire, chart_id=f"pulse-trend-{unit_id}")
    return render(request, "pulse/unit_trend.html", {"trend": entry, "instrument": questionnaire,
                                                     "unit_id": unit_id})


@organisation_view
@require_http_methods(["GET", "POST"])
def settings_edit(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    if not can_change_settings(actor):
        raise Http404
    current = selectors.settings_get(organisation_id=actor.organisation_id)
    # An unchecked box sends nothing: an empty POST is still a submitted form.
    form = SettingsForm(request.POST if request.method == "POST" else None,
                        initial={"employees_see_results": current.employees_see_results})
    if request.method == "POST" and form.is_valid():
        services.settings_update(actor=actor,
                                 employees_see_results=form.cleaned_data["employees_see_results"])
        messages.success(request, _("The pulse settings are saved."))
        return redirect("pulse:index", request.organisation.slug)
    return render(request, "pulse/settings.html", {"form": form},
                  status=400 if form.errors else 200)


# --- the respondent (public, no login) -------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: PublicOrganisationRequest, org_slug: str, token: str) -> HttpResponse:
    organisation = organisation_get_public(slug=org_slug)
    request.organisation = organisation
    link = selectors.link_get_open_for(organisation=organisation, raw=token)
    if link is None:
        return render(request, "pulse/respond_invalid.html", status=404)
    response = services.draft_for_link(link=link)
    questionnaire = instrument()
    initial = {field_name(code): value for code, value in response.answers.items()}
    form = AnswersForm(request.POST or None, instrument=questionnaire, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.answers_save(response=response, answers=form.answers())
            services.response_submit(response=response)
            return render(request, "pulse/respond_done.html")
        # Keep what was filled in, valid or not: nothing is lost.
        partial = {code: request.POST.get(field_name(code), "")
                   for code in [*questionnaire.codes, questionnaire.open.code]}
        services.answers_save(response=response,
                              answers={c: v for c, v in partial.items() if v})
    return render(request, "pulse/respond.html", {
        "form": form, "round": response.round, "instrument": questionnaire,
    }, status=400 if form.errors else 200)
