"""Thin views: validate → permission → service → render.

Coordinator pages use `organisation_view`. Respondent pages are public: their link is the key,
they store no IP address or user agent, and set no cookie except the functional draft cookie of a
shared link (and Django's CSRF cookie, needed to post the form).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.core.anonymity import threshold
from vangnet.organisations.public import (
    OrganisationRequest,
    PublicOrganisationRequest,
    organisation_get_public,
    organisation_view,
)

from . import report, selectors, services
from .content import instrument
from .forms import (
    ActionForm,
    GroupNameForm,
    InviteForm,
    PillarAnswersForm,
    RiskAcceptanceForm,
    RoundForm,
    SoloForm,
    field_name,
)
from .models import Response, Round, RoundGroup
from .permissions import (
    can_manage_actions,
    can_manage_rounds,
    can_start_any_round,
    can_view_quickscan,
)
from .tokens import hash_token

DRAFT_COOKIE = "vn_qs_draft"
DONE_COOKIE = "vn_qs_done"
DRAFT_MAX_AGE = 60 * 60 * 24 * 30
DONE_MAX_AGE = 60 * 60 * 24 * 180


def _actor(request: OrganisationRequest):
    return request.actor


def _org_slug(request: OrganisationRequest) -> str:
    return request.organisation.slug


# --- coordinator -----------------------------------------------------------------------------


@organisation_view
def index(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not can_view_quickscan(actor):
        raise Http404
    rounds = selectors.rounds_for_actor(actor=actor)
    can_start = can_start_any_round(actor, managed_subtree=selectors.managed_subtree(actor=actor))
    return render(request, "quickscan/index.html", {
        "rounds": rounds, "can_manage": can_start,
        "round_form": _round_form(actor) if can_start else None,
        "solo_form": SoloForm() if can_manage_rounds(actor) else None,
        "can_name_groups": can_manage_rounds(actor),
        "intro": instrument().intro_text(threshold()),
    })


def _round_form(actor, data=None) -> RoundForm:
    """The coordinator chooses the whole organisation or any unit; a manager one of theirs."""
    return RoundForm(data, units=selectors.start_unit_choices(actor=actor),
                     whole_organisation=can_manage_rounds(actor),
                     groups=selectors.group_options(organisation_id=actor.organisation_id))


@organisation_view
@require_http_methods(["GET", "POST"])
def groups(request: OrganisationRequest) -> HttpResponse:
    """The organisation's respondent groups: its own names, and groups of its own (ADR 0117)."""
    actor = _actor(request)
    if not can_manage_rounds(actor):
        raise Http404
    bound: GroupNameForm | None = None
    if request.method == "POST":
        bound = GroupNameForm(request.POST, prefix=request.POST.get("form", "new")[:50])
        if bound.is_valid():
            slug, name = bound.cleaned_data["slug"], bound.cleaned_data["name"]
            try:
                if slug:
                    services.group_rename(actor=actor, slug=slug, name=name)
                else:
                    services.group_add(actor=actor, name=name)
            except ValidationError as error:
                bound.add_error(None, error)
            else:
                messages.success(request, _("The group has been saved. Rounds that asked this "
                                            "group show its new name."))
                return redirect("quickscan:groups", _org_slug(request))
    forms = []
    for slug, name in selectors.group_options(organisation_id=actor.organisation_id):
        prefix = f"g-{slug}"
        form = (bound if bound is not None and bound.prefix == prefix
                else GroupNameForm(prefix=prefix, initial={"slug": slug, "name": name}))
        forms.append((slug, name, prefix, form))
    new = bound if bound is not None and bound.prefix == "new" else GroupNameForm(prefix="new")
    return render(request, "quickscan/groups.html", {"forms": forms, "new_form": new},
                  status=400 if bound is not None else 200)


@organisation_view
@require_http_methods(["GET", "POST"])
def round_create(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not can_start_any_round(actor, managed_subtree=selectors.managed_subtree(actor=actor)):
        raise Http404
    form = _round_form(actor, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_start(actor=actor, title=form.cleaned_data["title"],
                                          group_slugs=form.cleaned_data["groups"],
                                          unit_id=form.cleaned_data.get("unit"))
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The round has started. Now choose who gets a link."))
            return redirect("quickscan:round_detail", _org_slug(request), round_.pk)
    return render(request, "quickscan/round_form.html", {"form": form})


@organisation_view
@require_POST
def solo_start(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not can_manage_rounds(actor):
        raise Http404
    form = SoloForm(request.POST)
    title = form.cleaned_data["title"] if form.is_valid() else _("My own quickscan")
    _round, raw = services.solo_start(actor=actor, title=title)
    return redirect("quickscan:respond_start", _org_slug(request), raw)


@organisation_view
def round_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk, manage=True)
    return _round_detail(request, round_)


def _round_detail(request: OrganisationRequest, round_, bound: InviteForm | None = None,
                  bound_group: RoundGroup | None = None) -> HttpResponse:
    counts = selectors.response_counts(round_=round_) if round_.is_open else []
    units = selectors.invite_unit_choices(actor=_actor(request), round_=round_)
    sections = [
        (count, bound if bound_group is not None and count.group.pk == bound_group.pk
         else InviteForm(prefix=f"g{count.group.pk}", units=units, for_unit=round_.for_unit))
        for count in counts
    ]
    return render(request, "quickscan/round_detail.html", {
        "round": round_, "counts": counts, "sections": sections,
        "total": sum(c.responses for c in counts),
        "total_invited": sum(c.invited for c in counts),
        "acceptance": selectors.shared_risk_acceptance(round_=round_),
        "can_accept_risk": can_manage_rounds(_actor(request)),
    }, status=400 if bound is not None else 200)


@organisation_view
@require_POST
def invite(request: OrganisationRequest, pk: int, group_pk: int) -> HttpResponse:
    """Choose who in this group gets a personal link; Vangnet e-mails each their own."""
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk, manage=True)
    group = selectors.group_get_for_actor(actor=actor, round_=round_, pk=group_pk)
    form = InviteForm(request.POST, prefix=f"g{group.pk}", for_unit=round_.for_unit,
                      units=selectors.invite_unit_choices(actor=actor, round_=round_))
    if not form.is_valid():
        return _round_detail(request, round_, form, group)
    try:
        result = services.invitees_add(
            actor=actor, group=group, everyone=form.cleaned_data["everyone"],
            unit_ids=form.cleaned_data.get("units") or [], roles=form.cleaned_data["roles"])
    except ValidationError as error:
        form.add_error(None, error)
        return _round_detail(request, round_, form, group)
    messages.success(request, _("%(added)s members get a personal link by e-mail. %(skipped)s "
                                "already had a link in this round and get no second one.")
                     % {"added": result.added, "skipped": result.already_invited})
    if result.joined_after_start:
        messages.warning(request, _("%(count)s members joined the organisation after this round "
                                    "started. They cannot take part in it.")
                         % {"count": result.joined_after_start})
    return redirect("quickscan:round_detail", _org_slug(request), round_.pk)


@organisation_view
@require_POST
def reminders(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk, manage=True)
    try:
        services.reminders_send(actor=actor, round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Everyone who has not answered yet gets a reminder with a "
                                    "new link."))
    return redirect("quickscan:round_detail", _org_slug(request), round_.pk)


@organisation_view
@require_http_methods(["GET", "POST"])
def shared_risk_accept(request: OrganisationRequest, pk: int) -> HttpResponse:
    """The organisation accepts, in writing, that shared-link answers count for this round."""
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk, manage=True)
    if round_.is_solo or not can_manage_rounds(actor):
        raise Http404
    acceptance = selectors.shared_risk_acceptance(round_=round_)
    statement = services.shared_risk_statement(round_=round_, k=round_.threshold)
    form = RiskAcceptanceForm(request.POST or None, initial={"statement": statement})
    if request.method == "POST" and acceptance is None and form.is_valid():
        try:
            services.shared_risk_accept(actor=actor, round_=round_,
                                        reason=form.cleaned_data["reason"],
                                        confirmed_statement=form.cleaned_data["statement"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The accepted risk has been recorded. It is shown on "
                                        "the report."))
            if round_.is_open:
                return redirect("quickscan:round_detail", _org_slug(request), round_.pk)
            return redirect("quickscan:report", _org_slug(request), round_.pk)
    return render(request, "quickscan/shared_risk_accept.html", {
        "round": round_, "form": form, "statement": statement, "acceptance": acceptance,
    }, status=400 if request.method == "POST" and acceptance is None else 200)


@organisation_view
@require_POST
def shared_link_create(request: OrganisationRequest, pk: int, group_pk: int) -> HttpResponse:
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk, manage=True)
    group = selectors.group_get_for_actor(actor=actor, round_=round_, pk=group_pk)
    try:
        raw = services.shared_link_create(actor=actor, group=group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("quickscan:round_detail", _org_slug(request), round_.pk)
    url = services.respondent_url(organisation_slug=_org_slug(request), raw=raw, shared=True)
    response = render(request, "quickscan/shared_link.html", {
        "round": round_, "url": url,
        "group_label": selectors.group_label(group.slug, organisation_id=round_.organisation_id)})
    response["Cache-Control"] = "no-store"
    return response


@organisation_view
@require_http_methods(["GET", "POST"])
def round_close(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Two steps, no script: a page that says what closing does, then the confirmed POST."""
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk, manage=True)
    if not round_.is_open or round_.is_solo:
        return redirect("quickscan:round_detail", _org_slug(request), round_.pk)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        services.round_close(actor=actor, round_=round_)
        messages.success(request, _("The round is closed. The results are final."))
        return redirect("quickscan:report", _org_slug(request), round_.pk)
    counts = selectors.response_counts(round_=round_)
    return render(request, "quickscan/round_close.html", {
        "round": round_, "total": sum(c.responses for c in counts),
        "groups_below": [c.label for c in counts if c.responses - c.shared_responses
                         < round_.threshold],
    })


def _report_context(request: OrganisationRequest, pk: int) -> dict:
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk)
    if round_.is_open:
        raise Http404  # results exist only once a round is closed (frozen)
    context = report.report_context(round_=round_, organisation=request.organisation)
    context["can_manage_actions"] = can_manage_actions(actor)
    context["can_manage_rounds"] = can_manage_rounds(actor)
    context["solo_note"] = instrument().solo_note
    return context


@organisation_view
@never_cache
def report_page(request: OrganisationRequest, pk: int) -> HttpResponse:
    return render(request, "quickscan/report.html", _report_context(request, pk))


@organisation_view
@never_cache
def report_pdf(request: OrganisationRequest, pk: int) -> HttpResponse:
    context = _report_context(request, pk)
    context["organisation"] = request.organisation
    response = HttpResponse(report.results_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="quickscan-{pk}.pdf"'
    return response


@organisation_view
@never_cache
def report_csv(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk)
    if round_.is_open:
        raise Http404
    results = selectors.round_results(round_=round_)
    response = HttpResponse(report.results_csv(round_=round_, results=results),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quickscan-{pk}.csv"'
    return response


@organisation_view
@require_POST
def action_from_priority(request: OrganisationRequest, pk: int, code: str) -> HttpResponse:
    actor = _actor(request)
    round_ = selectors.round_get_for_actor(actor=actor, pk=pk)
    if code not in instrument(round_.instrument_version).codes:
        raise Http404
    try:
        action = services.action_create_from_priority(actor=actor, round_=round_,
                                                      statement_code=code)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("The action has been added to the action plan. Choose an owner "
                                "and a due date."))
    return redirect("quickscan:action_edit", _org_slug(request), action.pk)


@organisation_view
@require_http_methods(["GET", "POST"])
def action_list(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not can_view_quickscan(actor):
        raise Http404
    actions = selectors.actions_for_actor(actor=actor)
    form = None
    if can_manage_actions(actor):
        form = ActionForm(request.POST or None, organisation_id=actor.organisation_id)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            services.action_create(actor=actor, title=data["title"],
                                   description=data["description"], owner=data["owner"],
                                   due_date=data["due_date"], status=data["status"])
            messages.success(request, _("The action has been added."))
            return redirect("quickscan:action_list", _org_slug(request))
    elif request.method == "POST":
        raise Http404
    return render(request, "quickscan/action_list.html", {
        "actions": actions, "form": form,
        "progress": selectors.action_progress(actions=actions),
        "statement_texts": {s.code: str(s.text) for s in instrument().statements},
    })


@organisation_view
@require_http_methods(["GET", "POST"])
def action_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    if not can_manage_actions(actor):
        raise Http404
    action = selectors.action_get_for_actor(actor=actor, pk=pk)
    form = ActionForm(request.POST or None, instance=action, organisation_id=actor.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.action_update(actor=actor, action=action, title=data["title"],
                               description=data["description"], owner=data["owner"],
                               due_date=data["due_date"], status=data["status"])
        messages.success(request, _("The action has been saved."))
        return redirect("quickscan:action_list", _org_slug(request))
    statement = (instrument().statement(action.statement_code) if action.statement_code
                 else None)
    return render(request, "quickscan/action_form.html",
                  {"form": form, "action": action, "statement": statement})


# --- respondents (public, no login) ----------------------------------------------------------


class _Respondent:
    """Where a respondent is: their draft, and how to build their URLs."""

    def __init__(self, response: Response, group: RoundGroup, url_name_prefix: str, raw: str):
        self.response = response
        self.group = group
        self.prefix = url_name_prefix
        self.raw = raw


def _public(request: PublicOrganisationRequest, org_slug: str):
    organisation = organisation_get_public(slug=org_slug)
    request.organisation = organisation
    return organisation


def _cookie_path(org_slug: str, raw: str) -> str:
    return f"/o/{org_slug}/quickscan/groep/{raw}/"


def _respondent(request: PublicOrganisationRequest, org_slug: str, raw: str,
                shared: bool) -> _Respondent | None:
    organisation = _public(request, org_slug)
    if shared:
        group = selectors.shared_group_get_open(organisation=organisation, raw=raw)
        if group is None:
            return None
        key = request.COOKIES.get(DRAFT_COOKIE)
        if not key:
            return None
        response = Response.objects.filter(
            group=group, submitted=False, draft_key_hash=hash_token(key)).first()
        if response is None:
            return None
        return _Respondent(response, group, "shared", raw)
    token = selectors.token_get_open(organisation=organisation, raw=raw)
    if token is None:
        return None
    response = services.draft_for_token(token=token)
    return _Respondent(response, token.group, "respond", raw)


def _intro(round_: Round) -> str:
    """The respondent intro with the round's number of statements and the configured threshold."""
    return instrument(round_.instrument_version).intro_text(threshold())


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "quickscan/respond_invalid.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def respond_start(request: PublicOrganisationRequest, org_slug: str, token: str) -> HttpResponse:
    respondent = _respondent(request, org_slug, token, shared=False)
    if respondent is None:
        return _invalid(request)
    return render(request, "quickscan/respond_start.html", {
        "intro": _intro(respondent.response.round),
        "pillars": instrument(respondent.response.round.instrument_version).pillars,
        "round": respondent.response.round, "token": token,
        "resuming": bool(respondent.response.answers), "shared": False,
    })


@never_cache
@require_http_methods(["GET", "POST"])
def shared_start(request: PublicOrganisationRequest, org_slug: str, token: str) -> HttpResponse:
    organisation = _public(request, org_slug)
    group = selectors.shared_group_get_open(organisation=organisation, raw=token)
    if group is None:
        return _invalid(request)
    if request.COOKIES.get(DONE_COOKIE):
        return render(request, "quickscan/respond_done.html", {"already": True})
    existing = request.COOKIES.get(DRAFT_COOKIE)
    if request.method == "POST":
        _response, key = services.draft_for_shared_link(group=group, draft_key=existing)
        reply = redirect("quickscan:shared_step", org_slug, token, 1)
        reply.set_cookie(DRAFT_COOKIE, key, max_age=DRAFT_MAX_AGE, httponly=True,
                         samesite="Lax", path=_cookie_path(org_slug, token),
                         secure=request.is_secure())
        return reply
    resuming = bool(existing and Response.objects.filter(
        group=group, submitted=False, draft_key_hash=hash_token(existing)).exists())
    return render(request, "quickscan/respond_start.html", {
        "intro": _intro(group.round),
        "pillars": instrument(group.round.instrument_version).pillars, "round": group.round,
        "resuming": resuming, "shared": True, "token": token,
    })


def _step(request: PublicOrganisationRequest, org_slug: str, token: str, step: int,
          shared: bool) -> HttpResponse:
    respondent = _respondent(request, org_slug, token, shared=shared)
    if respondent is None:
        if shared:
            return redirect("quickscan:shared_start", org_slug, token)
        return _invalid(request)
    instrument_ = instrument(respondent.response.round.instrument_version)
    pillars = instrument_.pillars
    if not 1 <= step <= len(pillars):
        raise Http404
    pillar = pillars[step - 1]
    statements = instrument_.statements_of(pillar.number)
    prefix = respondent.prefix

    if request.method == "POST":
        form = PillarAnswersForm(request.POST, statements=statements)
        button = request.POST.get("button", "next")
        services.answers_save(response=respondent.response, answers=form.partial_answers())
        if button == "previous" and step > 1:
            return redirect(f"quickscan:{prefix}_step", org_slug, token, step - 1)
        if button == "pause":
            return render(request, "quickscan/respond_paused.html", {"shared": shared})
        if form.is_valid():
            if step < len(pillars):
                return redirect(f"quickscan:{prefix}_step", org_slug, token, step + 1)
            return redirect(f"quickscan:{prefix}_review", org_slug, token)
        status = 400
    else:
        saved = respondent.response.answers
        form = PillarAnswersForm(
            initial={field_name(s.code): str(saved[s.code]) for s in statements
                     if s.code in saved},
            statements=statements)
        status = 200
    return render(request, "quickscan/respond_step.html", {
        "form": form, "pillar": pillar, "step": step, "steps": len(pillars),
        "round": respondent.response.round,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def respond_step(request: PublicOrganisationRequest, org_slug: str, token: str, step: int) -> HttpResponse:
    return _step(request, org_slug, token, step, shared=False)


@never_cache
@require_http_methods(["GET", "POST"])
def shared_step(request: PublicOrganisationRequest, org_slug: str, token: str, step: int) -> HttpResponse:
    return _step(request, org_slug, token, step, shared=True)


def _review(request: PublicOrganisationRequest, org_slug: str, token: str, shared: bool) -> HttpResponse:
    respondent = _respondent(request, org_slug, token, shared=shared)
    if respondent is None:
        if shared:
            return redirect("quickscan:shared_start", org_slug, token)
        return _invalid(request)
    response = respondent.response
    missing = services.missing_codes(response)
    if request.method == "POST" and not missing:
        round_ = response.round
        services.response_submit(response=response)
        if round_.is_solo:
            messages.success(request, _("Thank you. This is your result."))
            return redirect("quickscan:report", org_slug, round_.pk)
        reply = render(request, "quickscan/respond_done.html", {"already": False})
        if shared:
            path = _cookie_path(org_slug, token)
            reply.delete_cookie(DRAFT_COOKIE, path=path)
            reply.set_cookie(DONE_COOKIE, "1", max_age=DONE_MAX_AGE, httponly=True,
                             samesite="Lax", path=path, secure=request.is_secure())
        return reply
    instrument_ = instrument(response.round.instrument_version)
    per_pillar = []
    for index, pillar in enumerate(instrument_.pillars, start=1):
        codes = [s.code for s in instrument_.statements_of(pillar.number)]
        per_pillar.append({"pillar": pillar, "step": index,
                           "answered": sum(1 for c in codes if c in response.answers),
                           "total": len(codes),
                           "missing": [c for c in codes if c in missing]})
    return render(request, "quickscan/respond_review.html", {
        "per_pillar": per_pillar, "missing": missing, "round": response.round,
        "prefix": respondent.prefix, "token": token,
    }, status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def respond_review(request: PublicOrganisationRequest, org_slug: str, token: str) -> HttpResponse:
    return _review(request, org_slug, token, shared=False)


@never_cache
@require_http_methods(["GET", "POST"])
def shared_review(request: PublicOrganisationRequest, org_slug: str, token: str) -> HttpResponse:
    return _review(request, org_slug, token, shared=True)
