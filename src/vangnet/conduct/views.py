"""Thin views of the code of conduct: validate → permission → service → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.organisations.public import (
    OrganisationRequest,
    Role,
    organisation_get_public,
    organisation_view,
)
from vangnet.reporting.public import confidential_advisors
from vangnet.toolbox.public import (
    can_plan_for,
    render_pdf,
    routines_of_team,
    session_get_for_actor,
)

from . import permissions, selectors, services
from .content import DISCUSSION_WERKVORMEN, model_code, section_titles
from .forms import (
    AgreementsForm,
    BuddyForm,
    CompareForm,
    ConsentForm,
    DiscussionForm,
    ReviewForm,
    SettingsForm,
    VersionForm,
    checklist_labels,
)
from .models import CodeVersion, YearlyReview
from .review_inputs import review_inputs


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _actor(request: OrganisationRequest) -> Any:
    return request.actor


def _slug(request: OrganisationRequest) -> str:
    return request.organisation.slug


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- the code -----------------------------------------------------------------------------------


@organisation_view
def code(request: OrganisationRequest) -> HttpResponse:
    """The organisation's published code: every member, one click from home and the route."""
    actor = _actor(request)
    version = selectors.published_for_actor(actor=actor)
    return render(request, "conduct/code.html", {
        "version": version,
        "sections": selectors.sections_of(version, _language()) if version else [],
        "acknowledged": selectors.acknowledged(actor=actor, version=version) if version else False,
        "can_edit": permissions.can_edit_code(actor),
    })


@organisation_view
@require_POST
def acknowledge(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    version = selectors.published_for_actor(actor=actor)
    if version is None:
        raise Http404
    services.acknowledge(actor=actor, version=version)
    messages.success(request, _("Thank you. You have acknowledged the code of conduct."))
    target = "conduct:welcome" if request.POST.get("next") == "welcome" else "conduct:code"
    return redirect(target, _slug(request))


@organisation_view
def code_pdf(request: OrganisationRequest) -> HttpResponse:
    version = selectors.published_for_actor(actor=_actor(request))
    if version is None:
        raise Http404
    data = render_pdf("conduct/pdf/code.html", {
        "version": version, "sections": selectors.sections_of(version, _language()),
        "organisation": request.organisation})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="gedragscode-{version.label}.pdf"'
    return response


def _document_response(version: CodeVersion) -> HttpResponse:
    """The uploaded PDF (at most 10 MB, checked on upload) as a download, never shown inline."""
    if not version.document:
        raise Http404
    with version.document.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gedragscode-{version.label}.pdf"'
    return response


@organisation_view
def document(request: OrganisationRequest) -> HttpResponse:
    """The uploaded PDF of the published code, for members."""
    version = selectors.published_for_actor(actor=_actor(request))
    if version is None:
        raise Http404
    return _document_response(version)


def public_document(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_get_public(slug=org_slug)
    return _document_response(selectors.public_version(organisation_id=organisation.pk))


@organisation_view
def version_document(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Any version's PDF, for those who may see the versions (coordinator, works council)."""
    return _document_response(selectors.version_get_for_actor(actor=_actor(request), pk=pk))


def public_code(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_get_public(slug=org_slug)
    version = selectors.public_version(organisation_id=organisation.pk)
    return render(request, "conduct/public_code.html", {
        "organisation": organisation, "version": version,
        "sections": selectors.sections_of(version, _language())})


# --- versions (coordinator; consent also by the works council) ---------------------------------


@organisation_view
def manage(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    versions = list(selectors.versions_for_actor(actor=actor))
    if not (permissions.can_edit_code(actor) or permissions.can_record_consent(actor)):
        raise Http404
    settings = selectors.settings_get(organisation_id=actor.organisation_id)
    return render(request, "conduct/manage.html", {
        "versions": versions, "settings": settings,
        "can_edit": permissions.can_edit_code(actor),
        "settings_form": SettingsForm(initial={
            "consent_required": settings.consent_required, "public_page": settings.public_page,
            "named_follow_up": settings.named_follow_up}),
        "compare_form": CompareForm(choices=[(v.pk, v.label) for v in versions],
                                    initial={"old": versions[1].pk if len(versions) > 1 else None,
                                             "new": versions[0].pk if versions else None}),
        "review": selectors.open_review(actor=actor),
    })


@organisation_view
@require_POST
def settings_save(request: OrganisationRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if form.is_valid():
        services.settings_update(actor=_actor(request), **form.cleaned_data)
        messages.success(request, _("The settings have been saved."))
    return redirect("conduct:manage", _slug(request))


@organisation_view
def version_new(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_edit_code(actor):
        raise PermissionDenied
    titles = section_titles(_language())
    latest = selectors.versions_for_actor(actor=actor).first()
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES, section_titles=titles)
        if latest is not None and latest.document:
            form.add_keep_document()
        if form.is_valid():
            try:
                version = services.version_create(
                    actor=actor, title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"], sections=form.sections(),
                    change_note=form.cleaned_data["change_note"],
                    major_change=form.cleaned_data["major_change"],
                    document=form.cleaned_data.get("document") or None,
                    keep_document=form.cleaned_data.get("keep_document", False))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Version %(label)s has been saved as a draft.")
                                 % {"label": version.label})
                return redirect("conduct:version", _slug(request), version.pk)
    else:
        initial: dict[str, Any] = {}
        if latest is not None:
            initial = {"title": latest.title, "summary": latest.summary,
                       **{f"section_{key}": text for key, text in latest.sections.items()}}
        form = VersionForm(initial=initial, section_titles=titles)
        if latest is not None and latest.document:
            form.add_keep_document()
    return render(request, "conduct/version_form.html", {"form": form, "latest": latest})


@organisation_view
@require_POST
def version_from_model(request: OrganisationRequest) -> HttpResponse:
    version = services.version_create_from_model(actor=_actor(request), language=_language())
    messages.success(request, _("A draft has been made from Vangnet's model code. Make it your own."))
    return redirect("conduct:version", _slug(request), version.pk)


@organisation_view
def version(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    found = selectors.version_get_for_actor(actor=actor, pk=pk)
    settings = selectors.settings_get(organisation_id=actor.organisation_id)
    return render(request, "conduct/version.html", {
        "version": found, "sections": selectors.sections_of(found, _language()),
        "settings": settings,
        "can_publish": permissions.can_publish(actor) and found.status == found.Status.DRAFT,
        "consent_missing": permissions.publish_blocked_by_consent(
            consent_required=settings.consent_required, consent_on=found.consent_on),
        "can_record_consent": permissions.can_record_consent(actor)
        and found.status == found.Status.DRAFT,
        "consent_form": ConsentForm(initial={"consent_on": timezone.localdate()}),
        "model": model_code(_language()),
    })


@organisation_view
@require_POST
def consent(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    found = selectors.version_get_for_actor(actor=actor, pk=pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(actor=actor, version=found, consent_on=form.cleaned_data["consent_on"])
            messages.success(request, _("The works council's consent has been recorded."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("conduct:version", _slug(request), found.pk)


@organisation_view
@require_POST
def publish(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    found = selectors.version_get_for_actor(actor=actor, pk=pk)
    try:
        services.version_publish(actor=actor, version=found)
    except ValidationError as error:
        _errors(request, error)
        return redirect("conduct:version", _slug(request), found.pk)
    messages.success(request, _("Version %(label)s is now the published code.") % {"label": found.label})
    return redirect("conduct:code", _slug(request))


@organisation_view
def compare(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    versions = list(selectors.versions_for_actor(actor=actor))
    if not versions:
        raise Http404
    form = CompareForm(request.GET or None, choices=[(v.pk, v.label) for v in versions])
    diff = None
    old = new = None
    if form.is_valid():
        by_pk = {v.pk: v for v in versions}
        old, new = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
        diff = selectors.compare(old, new, _language())
    return render(request, "conduct/compare.html", {"form": form, "diff": diff, "old": old,
                                                    "new": new})


@organisation_view
def figures(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    return render(request, "conduct/figures.html", {
        "figures": selectors.acknowledgement_figures(actor=actor, no_unit_label=_("No unit")),
        "discussed": selectors.discussed_per_unit(actor=actor)
        if permissions.can_edit_code(actor) else [],
    })


# --- teams --------------------------------------------------------------------------------------


@organisation_view
def teams(request: OrganisationRequest) -> HttpResponse:
    units = selectors.team_units_for_actor(actor=_actor(request))
    if len(units) == 1:
        return redirect("conduct:team", _slug(request), units[0].pk)
    return render(request, "conduct/teams.html", {"units": units})


@organisation_view
def team(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.team_get_for_actor(actor=actor, pk=pk)
    agreements = list(selectors.agreements_of(unit=unit))
    can_keep = selectors.can_keep(actor=actor, unit=unit)
    names = None
    settings = selectors.settings_get(organisation_id=actor.organisation_id)
    if settings.named_follow_up:
        try:
            names = selectors.not_acknowledged_in_team(actor=actor, unit=unit)
        except Http404:
            names = None
    return render(request, "conduct/team.html", {
        "unit": unit, "agreements": agreements, "stale_before": selectors.stale_before(),
        "discussions": selectors.discussions_of(unit=unit), "can_keep": can_keep,
        "agreements_form": AgreementsForm(initial={"made_on": timezone.localdate()}),
        "discussion_form": DiscussionForm(initial={"held_on": timezone.localdate()},
                                          agreements=[(a.pk, a.text) for a in agreements]),
        "not_acknowledged": names,
        # The rhythm: a quarterly routine of the toolbox keeps the code and agreements on the agenda.
        "routines": routines_of_team(actor=actor, unit=unit, werkvorm_slugs=DISCUSSION_WERKVORMEN,
                                     today=timezone.localdate()),
        "can_plan": can_plan_for(actor=actor, unit=unit),
        "plan_werkvorm": DISCUSSION_WERKVORMEN[0],
    })


@organisation_view
@require_POST
def agreements_add(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.team_get_for_actor(actor=actor, pk=pk)
    form = AgreementsForm(request.POST)
    if form.is_valid():
        try:
            services.agreements_add(actor=actor, unit=unit, texts=form.lines(),
                                    made_on=form.cleaned_data["made_on"])
            messages.success(request, _("The agreements have been saved."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Write at least one agreement and a date."))
    return redirect("conduct:team", _slug(request), unit.pk)


@organisation_view
@require_POST
def agreement_retire(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    agreement = selectors.agreement_get_for_actor(actor=actor, pk=pk)
    services.agreement_retire(actor=actor, agreement=agreement)
    messages.success(request, _("The agreement has been removed."))
    return redirect("conduct:team", _slug(request), agreement.unit_id)


@organisation_view
@require_POST
def discussion_add(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.team_get_for_actor(actor=actor, pk=pk)
    agreements = list(selectors.agreements_of(unit=unit))
    form = DiscussionForm(request.POST, agreements=[(a.pk, a.text) for a in agreements])
    if form.is_valid():
        try:
            services.discussion_record(
                actor=actor, unit=unit, held_on=form.cleaned_data["held_on"],
                about_code=form.cleaned_data["about_code"],
                agreement_ids=form.cleaned_data["agreements"], note=form.cleaned_data["note"])
            messages.success(request, _("The discussion has been recorded."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Check the date and the note."))
    return redirect("conduct:team", _slug(request), unit.pk)


@organisation_view
def session_agreements(request: OrganisationRequest, session_pk: int) -> HttpResponse:
    """The toolbox session builder's "agreements made" step (linked from the session page)."""
    actor = _actor(request)
    session = session_get_for_actor(actor=actor, pk=session_pk)
    unit = selectors.team_get_for_actor(actor=actor, pk=session.unit_id)
    if not selectors.can_keep(actor=actor, unit=unit):
        raise PermissionDenied
    form = AgreementsForm(request.POST or None, initial={
        "made_on": timezone.localdate(session.planned_for) if session.planned_for
        else timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreements_add(actor=actor, unit=unit, texts=form.lines(),
                                    made_on=form.cleaned_data["made_on"], session_id=session.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The agreements of this session have been saved."))
            return redirect("conduct:team", _slug(request), unit.pk)
    return render(request, "conduct/session_agreements.html", {
        "session": session, "unit": unit, "form": form})


# --- welcome path -------------------------------------------------------------------------------


@organisation_view
def welcome(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    path = selectors.welcome_for_actor(actor=actor)
    if path is None:
        raise Http404
    version = selectors.published_for_actor(actor=actor)
    return render(request, "conduct/welcome.html", {
        "path": path, "checkins": list(path.checkins.all()),
        "advisors": confidential_advisors(organisation=request.organisation),
        "version": version,
        "acknowledged": selectors.acknowledged(actor=actor, version=version) if version else False,
        "units": [u for u in selectors.team_units_for_actor(actor=actor) if u.pk == actor.unit_id],
    })


@organisation_view
@require_POST
def welcome_step(request: OrganisationRequest, step: str) -> HttpResponse:
    actor = _actor(request)
    path = selectors.welcome_for_actor(actor=actor)
    if path is None:
        raise Http404
    services.welcome_step_done(actor=actor, path=path, step=step)
    return redirect("conduct:welcome", _slug(request))


@organisation_view
def welcome_follow(request: OrganisationRequest) -> HttpResponse:
    return render(request, "conduct/welcome_follow.html", {
        "paths": selectors.welcome_paths_to_follow(actor=_actor(request))})


@organisation_view
def welcome_path(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    path = selectors.welcome_path_get_for_actor(actor=actor, pk=pk)
    newcomer = path.newcomer  # type: ignore[attr-defined]
    choices = [(m.pk, m.user.full_name or m.user.email)
               for m in selectors.buddy_choices(actor=actor, newcomer=newcomer)]
    form = BuddyForm(request.POST or None, choices=choices,
                     initial={"buddy": path.buddy_id})
    if request.method == "POST" and form.is_valid():
        buddy = next(m for m in selectors.buddy_choices(actor=actor, newcomer=newcomer)
                     if m.pk == form.cleaned_data["buddy"])
        services.welcome_set_buddy(actor=actor, path=path, buddy=buddy)
        messages.success(request, _("The buddy has been saved."))
        return redirect("conduct:welcome_path", _slug(request), path.pk)
    return render(request, "conduct/welcome_path.html", {
        "path": path, "newcomer": newcomer, "checkins": list(path.checkins.all()), "form": form,
        "can_set_buddy": path.buddy_id != actor.membership_id or actor.has(Role.COORDINATOR)})


@organisation_view
@require_POST
def checkin_done(request: OrganisationRequest, pk: int, week: int) -> HttpResponse:
    actor = _actor(request)
    path = selectors.welcome_path_get_for_actor(actor=actor, pk=pk)
    checkin = path.checkins.filter(week=week).first()
    if checkin is None:
        raise Http404
    services.checkin_done(actor=actor, checkin=checkin)
    messages.success(request, _("The check-in has been marked as done."))
    return redirect("conduct:welcome_path", _slug(request), path.pk)


# --- yearly review ------------------------------------------------------------------------------


@organisation_view
def review(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    found = selectors.review_get_for_actor(actor=actor, pk=pk)
    versions = [(v.pk, v.label) for v in selectors.versions_for_actor(actor=actor)]
    form = ReviewForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        chosen = None
        if form.cleaned_data["version"]:
            chosen = selectors.version_get_for_actor(actor=actor, pk=form.cleaned_data["version"])
        try:
            services.review_complete(actor=actor, review=found, outcome=form.cleaned_data["outcome"],
                                     checklist=form.cleaned_data["checklist"],
                                     note=form.cleaned_data["note"], version=chosen)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The yearly review has been recorded."))
            return redirect("conduct:manage", _slug(request))
    return render(request, "conduct/review.html", {
        "review": found, "form": form, "inputs": review_inputs(actor=actor),
        "checklist_labels": dict(checklist_labels()),
        "outcome_labels": dict(YearlyReview.Outcome.choices)})
