"""Thin views: validate → permission → service → render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods

from vangnet.core.navigation import nav_items_for
from vangnet.core.public import public_links_for
from vangnet.core.views import landing
from vangnet.organisations.public import OrganisationRequest

from . import selectors, services
from .decorators import organisation_view
from .forms import (
    AcceptInvitationForm,
    BrandingForm,
    ImportForm,
    InvitationForm,
    PersonForm,
    UnitForm,
)
from .imports import error_message
from .models import ImportJob
from .permissions import can_manage_organisation
from .theme import theme_css_for


def start(request: HttpRequest) -> HttpResponse:
    """The site's front page. Logged in with one organisation: go there; several: choose one;
    not logged in: the landing page."""
    if not request.user.is_authenticated:
        return landing(request)
    memberships = list(selectors.memberships_of_user(user=request.user))
    if len(memberships) == 1:
        return redirect("organisations:home", memberships[0].organisation.slug)
    return render(request, "core/choose_organisation.html", {"memberships": memberships})


def _require_manager(request: OrganisationRequest) -> None:
    if not can_manage_organisation(request.actor):
        raise PermissionDenied


def _import_url(request: OrganisationRequest) -> str:
    return reverse("organisations:import", args=[request.organisation.slug])


@organisation_view
def home(request: OrganisationRequest) -> HttpResponse:
    """The home page for this person's roles: what they can do here."""
    items = nav_items_for(request.actor)
    sections: dict[str, list] = {}
    for item in items:
        if item.section and item.description:
            sections.setdefault(item.section, []).append(item)
    return render(request, "organisations/home.html", {"sections": sections})


def public_home(request: OrganisationRequest, org_slug: str) -> HttpResponse:
    """What anyone may see of an organisation: where to go for help. No login needed."""
    organisation = selectors.organisation_get_public(slug=org_slug)
    request.organisation = organisation
    return render(request, "organisations/public_home.html",
                  {"links": public_links_for(organisation)})


@cache_control(max_age=300, public=True)
def theme_css(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_public(slug=org_slug)
    return HttpResponse(theme_css_for(organisation), content_type="text/css; charset=utf-8")


@organisation_view
def unit_list(request: OrganisationRequest) -> HttpResponse:
    _require_manager(request)
    tree = selectors.unit_tree(actor=request.actor)
    return render(request, "organisations/unit_list.html",
                  {"tree": tree, "import_url": _import_url(request)})


@organisation_view
@require_http_methods(["GET", "POST"])
def unit_edit(request: OrganisationRequest, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    actor = request.actor
    unit = selectors.unit_get_for_actor(actor=actor, pk=pk) if pk else None
    initial = {}
    if unit is not None:
        initial = {"name": unit.name, "kind": unit.kind, "parent": unit.parent, "code": unit.code,
                   "managers": list(unit.managers.all())}
    form = UnitForm(request.POST or None, initial=initial, organisation_id=actor.organisation_id,
                    unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if unit is None:
                services.unit_create(actor=actor, **data)
                messages.success(request, _("The unit has been added."))
            else:
                services.unit_update(actor=actor, unit=unit, **data)
                messages.success(request, _("The unit has been saved."))
            return redirect("organisations:unit_list", request.organisation.slug)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "organisations/unit_form.html", {"form": form, "unit": unit})


@organisation_view
@require_http_methods(["POST"])
def unit_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    unit = selectors.unit_get_for_actor(actor=request.actor, pk=pk)
    try:
        services.unit_delete(actor=request.actor, unit=unit)
        messages.success(request, _("The unit has been removed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organisations:unit_list", request.organisation.slug)


@organisation_view
@never_cache
def person_list(request: OrganisationRequest) -> HttpResponse:
    _require_manager(request)
    people = selectors.people_for_actor(actor=request.actor)
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(user__full_name__icontains=query) | people.filter(
            user__email__icontains=query
        )
    return render(request, "organisations/person_list.html",
                  {"people": people[:500], "query": query, "total": people.count(),
                   "import_url": _import_url(request)})


@organisation_view
@require_http_methods(["GET", "POST"])
def person_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    actor = request.actor
    person = selectors.person_get_for_actor(actor=actor, pk=pk)
    initial = {"roles": sorted(person.role_set), "unit": person.unit, "job_title": person.job_title,
               "is_external": person.is_external, "is_active": person.is_active}
    form = PersonForm(request.POST or None, initial=initial, organisation_id=actor.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(actor=actor, membership=person, **form.cleaned_data)
            messages.success(request, _("The changes have been saved."))
            return redirect("organisations:person_list", request.organisation.slug)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "organisations/person_form.html", {"form": form, "person": person})


@organisation_view
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_list(request: OrganisationRequest) -> HttpResponse:
    _require_manager(request)
    actor = request.actor
    form = InvitationForm(request.POST or None, organisation_id=actor.organisation_id)
    if request.method == "POST" and form.is_valid():
        services.invitation_create(actor=actor, language=request.LANGUAGE_CODE, **form.cleaned_data)
        messages.success(request, _("The invitation has been sent to %(email)s.")
                         % {"email": form.cleaned_data["email"]})
        return redirect("organisations:invitation_list", request.organisation.slug)
    invitations = selectors.invitations_for_actor(actor=actor)[:200]
    return render(request, "organisations/invitation_list.html",
                  {"form": form, "invitations": invitations})


@organisation_view
@require_http_methods(["POST"])
def invitation_send_again(request: OrganisationRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    actor = request.actor
    invitation = selectors.invitation_get_for_actor(actor=actor, pk=pk)
    try:
        services.invitation_send_again(actor=actor, invitation=invitation,
                                       language=request.LANGUAGE_CODE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new invitation has been sent to %(email)s. The previous "
                                    "link no longer works.") % {"email": invitation.email})
    return redirect("organisations:invitation_list", request.organisation.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: OrganisationRequest, org_slug: str, token: str) -> HttpResponse:
    invitation = services.invitation_get_by_token(token=token)
    if invitation is None or invitation.organisation.slug != org_slug:
        return render(request, "organisations/invitation_invalid.html", status=404)
    request.organisation = invitation.organisation
    if request.user.is_authenticated:
        if request.method == "POST":
            services.invitation_accept(invitation=invitation, full_name="", password=None,
                                       user=request.user)
            messages.success(request, _("Welcome! You are now a member of %(name)s.")
                             % {"name": invitation.organisation.name})
            return redirect("organisations:home", org_slug)
        return render(request, "organisations/invitation_accept.html",
                      {"invitation": invitation, "form": None})
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(invitation=invitation,
                                       full_name=form.cleaned_data["full_name"],
                                       password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your account is ready. Log in with your e-mail address."))
            return redirect("account_login")
    return render(request, "organisations/invitation_accept.html",
                  {"invitation": invitation, "form": form})


@organisation_view
@require_http_methods(["GET", "POST"])
def branding(request: OrganisationRequest) -> HttpResponse:
    _require_manager(request)
    organisation = request.organisation
    form = BrandingForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update_branding(
            actor=request.actor, organisation=organisation,
            name=form.cleaned_data["name"], primary_colour=form.cleaned_data["primary_colour"],
            logo=form.cleaned_data["logo"] if "logo" in request.FILES else None,
            remove_logo=form.cleaned_data["remove_logo"],
        )
        messages.success(request, _("The look of your organisation has been saved."))
        return redirect("organisations:branding", organisation.slug)
    return render(request, "organisations/branding.html", {"form": form})


IMPORT_EXAMPLE = (
    "type,code,name,parent_code,email,roles,unit_code,job_title\n"
    "unit,DIR,Directie,,,,,\n"
    "unit,SD,Sociaal Domein,DIR,,,,\n"
    "unit,SD-JGD,Team Jeugd,SD,,,,\n"
    "person,,Sanne de Vries,,sanne@example.nl,medewerker,SD-JGD,Jeugdconsulent\n"
    "person,,Marco Jansen,,marco@example.nl,medewerker;leidinggevende,SD-JGD,Teamleider\n"
)


@organisation_view
@require_http_methods(["GET", "POST"])
def import_upload(request: OrganisationRequest) -> HttpResponse:
    """Upload a CSV file of units and people; the import itself runs in the background."""
    _require_manager(request)
    actor = request.actor
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["csv_file"]
        job = services.import_job_create(actor=actor, file_name=str(getattr(upload, "name", "")),
                                         csv_text=form.cleaned_data["csv_file"])
        return redirect("organisations:import_status", actor.organisation_slug, job.pk)
    jobs = selectors.import_jobs_for_actor(actor=actor)[:10]
    return render(request, "organisations/import.html", {"form": form, "jobs": jobs})


@organisation_view
def import_example(request: OrganisationRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(IMPORT_EXAMPLE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vangnet-import-voorbeeld.csv"'
    return response


@organisation_view
def import_status(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Progress of one import. htmx polls the partial every second; without JS, reload the page."""
    _require_manager(request)
    job = selectors.import_job_get_for_actor(actor=request.actor, pk=pk)
    context = {
        "job": job,
        "finished": job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
        "errors": [{"line": e.get("line"), "message": error_message(e)} for e in job.errors],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "organisations/partials/import_progress.html", context)
    return render(request, "organisations/import_status.html", context)


def sso_login(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Send the person to the login page of their organisation's identity provider."""
    organisation = selectors.organisation_get_public(slug=org_slug)
    app = organisation.sso_app
    if app is None or not organisation.sso_domains:
        raise Http404
    url = reverse("openid_connect_login", kwargs={"provider_id": app.provider_id or app.provider})
    query = urlencode({"process": "login",
                       "next": reverse("organisations:home", args=[organisation.slug])})
    return redirect(f"{url}?{query}")


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def agencies(request: OrganisationRequest) -> HttpResponse:
    """The coordinator connects an agency of external advisors: all of them at once (issue 13)."""
    _require_manager(request)
    if request.method == "POST":
        try:
            agency = selectors.agency_get(pk=int(request.POST.get("agency", "")))
        except ValueError:
            raise Http404 from None
        try:
            connected = services.agency_connect(actor=request.actor, agency=agency)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, ngettext(
                "%(agency)s is connected: %(count)d advisor now has the role of external "
                "confidential advisor here.",
                "%(agency)s is connected: %(count)d advisors now have the role of external "
                "confidential advisor here.", len(connected)) % {"agency": agency.name,
                                                                  "count": len(connected)})
        return redirect("organisations:agencies", request.organisation.slug)
    return render(request, "organisations/agencies.html",
                  {"agencies": selectors.agencies_for(actor=request.actor)})
