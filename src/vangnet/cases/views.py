"""Thin views: validate → permission → service → render. Case pages are never cached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.core import crypto
from vangnet.core.anonymity import threshold
from vangnet.core.csvsafe import csv_writer
from vangnet.organisations.public import OrganisationRequest, organisation_view, units_in

from . import forms, integration, permissions, selectors, services, stats, texts
from .desk import desk_for
from .integration import Category
from .models import AftercareMoment, Case, ConsentRequest, LessonAction
from .parts import PART_LABELS
from .patterns import signal_display
from .workflow import State, TransitionNotAllowed, transitions_from

PAGE_SIZE = 50


def case_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """organisation_view + no caching (case pages hold sensitive data)."""
    return organisation_view(never_cache(view))


def _actor(request: OrganisationRequest) -> Any:
    return request.actor


def _slug(request: OrganisationRequest) -> str:
    return _actor(request).organisation_slug


def _detail(request: OrganisationRequest, pk: int, anchor: str = "") -> HttpResponse:
    url = reverse("cases:detail", args=[_slug(request), pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _key_or_unlock(request: OrganisationRequest, next_url: str) -> bytes | HttpResponse:
    key = integration.private_key_for_request(request)
    if key is None:
        messages.info(request, _("Unlock your key first: then you can continue."))
        return redirect(integration.unlock_url(_slug(request), next_url))
    return key


def _unlock_first(request: OrganisationRequest, error: Exception, next_url: str) -> HttpResponse:
    """A handler wrote to the reporter without an unlocked key: say why and send them to unlock."""
    messages.error(request, str(error))
    return redirect(integration.unlock_url(_slug(request), next_url))


def _error_messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- lists ----------------------------------------------------------------------------------


@case_view
def case_list(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_list_cases(actor):
        raise Http404
    view = request.GET.get("toon", "open")
    if view not in selectors.LIST_FILTERS:
        view = "open"
    units = list(units_in(organisation_id=actor.organisation_id)
                 .order_by("name").values_list("pk", "name"))
    filter_form = forms.CaseListFilterForm(request.GET, units=units,
                                           handlers=selectors.handler_choices(actor=actor))
    narrow = selectors.CaseFilter()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        narrow = selectors.CaseFilter(reference=data["zoek"], state=data["status"],
                                      category=data["categorie"], unit_id=data["afdeling"],
                                      handler_id=data["behandelaar"], sort=data["sorteer"])
    cases = selectors.cases_for_actor(actor=actor, view=view, narrow=narrow)
    page = selectors.window(cases, after=request.GET.get("na"), before=request.GET.get("voor"),
                            size=PAGE_SIZE)
    rows = selectors.case_rows(actor=actor, cases=page.rows)
    filters = [("open", _("Open")), ("due", _("Due soon")), ("attention", _("Needs attention")),
               ("finished", _("Concluded and closed")), ("all", _("All"))]
    kept = request.GET.copy()
    for paging in ("pagina", "na", "voor"):
        kept.pop(paging, None)
    return render(request, "cases/case_list.html", {
        "rows": rows, "page": page, "view": view, "filters": filters,
        "filter_form": filter_form, "query": kept.urlencode(),
        "saved_filters": [(saved, urlencode(saved.params))
                          for saved in selectors.saved_filters_for(actor=actor)],
        "save_params": {key: request.GET.get(key, "") for key in services.SAVED_FILTER_PARAMS},
        "narrowed": filter_form.is_valid() and any(filter_form.cleaned_data.values()),
        "can_advice": permissions.can_record_advice_contact(actor),
        "can_stats": permissions.can_view_statistics(actor),
        "can_texts": permissions.can_manage_standard_texts(actor),
        "can_signals": permissions.can_view_pattern_signals(actor),
        "signal_count": selectors.pattern_signals_for(actor=actor).count()
        if permissions.can_view_pattern_signals(actor) else 0,
    })


@case_view
@require_POST
def saved_filter_new(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_list_cases(actor):
        raise Http404
    params = {key: request.POST.get(key, "") for key in services.SAVED_FILTER_PARAMS}
    try:
        services.saved_filter_create(actor=actor, name=request.POST.get("name", ""),
                                     params=params)
        messages.success(request, _("The filter has been saved. Only you see it."))
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    return redirect(reverse("cases:list", args=[_slug(request)]) + "?"
                    + urlencode({key: value for key, value in params.items() if value}))


@case_view
@require_POST
def saved_filter_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    services.saved_filter_delete(actor=_actor(request), pk=pk)
    messages.success(request, _("The filter has been removed."))
    return redirect("cases:list", _slug(request))


# --- one case -------------------------------------------------------------------------------


@case_view
def case_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, access = selectors.case_get_for_actor(actor=actor, pk=pk)
    key = integration.private_key_for_request(request)
    contents: dict[str, str] = {}
    notes: list[Any] = []
    thread: list[Any] = []
    key_problem = False
    if key is not None and case.report is not None:
        try:
            contents = selectors.case_contents(actor=actor, case=case, private_key=key)
            notes = selectors.notes_for(actor=actor, case=case, access=access, private_key=key)
            if permissions.can_manage_case(actor, access):
                thread = integration.dialogue_for(actor=actor, report=case.report,
                                                  private_key=key)
        except (crypto.DecryptionError, Http404):
            key_problem = True
    manage = permissions.can_manage_case(actor, access)
    org_id = actor.organisation_id
    consents = list(selectors.consents_for(case=case)) if manage else []
    standard_choices, filled_text = (_standard_text_choice(request, case) if manage
                                     else ([], ""))
    rows = selectors.case_rows(actor=actor, cases=[case])
    categories = selectors.case_categories(case)
    moments = (AftercareMoment.objects.filter(plan__case=case).select_related("plan")
               .order_by("planned_for"))
    context = {
        "case": case, "row": rows[0] if rows else None, "manage": manage,
        "categories": [Category(value).label for value in categories],
        "categories_form": forms.CaseCategoriesForm(initial={"categories": categories,
                                                             "primary": case.category}),
        "is_grant_holder": actor.membership_id in access.grant_ids,
        "contents": [(PART_LABELS.get(part, part), text) for part, text in contents.items()],
        "notes": notes, "thread": thread, "key_locked": key is None, "key_problem": key_problem,
        "unlock_url": integration.unlock_url(_slug(request), request.path),
        "transitions": transitions_from(case.state) if manage else [],
        "transition_form": forms.TransitionForm(),
        "feedback_form": forms.FeedbackForm(initial={"body": filled_text}),
        "standard_texts": standard_choices, "filled_text": filled_text,
        "chosen_text": request.GET.get("tekst", ""), "note_form": forms.NoteForm(),
        "lesson_form": forms.LessonForm(), "moment_form": forms.AftercareMomentForm(),
        "accused_form": forms.AccusedForm(),
        "mark_form": forms.PersonMarkForm(organisation_id=org_id,
                                          query=request.GET.get("persoon", "")),
        "person_query": request.GET.get("persoon", ""),
        "consents": consents,
        "waiting_for_key": integration.key_invited_ids(
            c.recipient_id for c in consents
            if c.status == ConsentRequest.Status.CONSENTED and c.recipient_id),
        "timeline": selectors.timeline_for(case=case) if manage else [],
        "moments": moments if manage else [],
        "plans": case.aftercare_plans.all() if manage else [],
        "checkins": case.checkins.all() if manage else [],
        "lessons": case.lessons.all() if manage else [],
        "can_mark": manage and permissions.can_view_pattern_signals(actor),
        "reporting_url": reverse("reporting:detail", args=[_slug(request), case.report_id])
        if case.report_id else "",
        "finished": case.state in (State.CONCLUDED, State.AFTERCARE, State.CLOSED),
    }
    return render(request, "cases/case_detail.html", context)


@case_view
@require_POST
def case_transition(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something was missing. Please try again."))
        return _detail(request, pk, "status")
    try:
        services.case_transition(actor=actor, case=case, name=form.cleaned_data["transition"],
                                 reason=form.cleaned_data["reason"],
                                 outcome=form.cleaned_data["outcome"],
                                 message=form.cleaned_data["message"],
                                 private_key=integration.private_key_for_request(request))
        messages.success(request, _("The status has been changed."))
    except integration.key_required_error() as error:
        return _unlock_first(request, error, reverse("cases:detail", args=[_slug(request), pk]))
    except TransitionNotAllowed:
        messages.error(request, _("That step is not possible from the current status."))
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    return _detail(request, pk, "status")


@case_view
@require_POST
def case_feedback(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    form = forms.FeedbackForm(request.POST, request.FILES)
    if form.is_valid():
        files = [integration.UploadedAttachment(name=upload.name or "", data=upload.read())
                 for upload in form.cleaned_data["attachments"]]
        try:
            services.case_give_feedback(actor=actor, case=case, body=form.cleaned_data["body"],
                                        private_key=integration.private_key_for_request(request),
                                        attachments=files)
            messages.success(request, _("Your message has been sent to the reporter."))
            return _detail(request, pk, "feedback")
        except integration.key_required_error() as error:
            return _unlock_first(request, error, reverse("cases:detail", args=[_slug(request), pk]))
        except ValidationError as error:
            _add_service_errors(form, error)
    return _form_page(request, case, form, _("Feedback to the reporter"), "cases:feedback")


@case_view
@require_POST
def case_categories(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    form = forms.CaseCategoriesForm(request.POST)
    if form.is_valid():
        try:
            services.case_categories_set(actor=actor, case=case,
                                         categories=form.cleaned_data["categories"],
                                         primary=form.cleaned_data["primary"])
            messages.success(request, _("The categories have been saved."))
            return _detail(request, pk, "categories")
        except ValidationError as error:
            _add_service_errors(form, error)
    return _form_page(request, case, form, _("What the case is about"), "cases:categories")


@case_view
@require_POST
def case_note(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    key = _key_or_unlock(request, reverse("cases:detail", args=[_slug(request), pk]))
    if isinstance(key, HttpResponse):
        return key
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=actor, case=case, text=form.cleaned_data["text"],
                              private_key=key)
            messages.success(request, _("The note has been saved, encrypted."))
            return _detail(request, pk, "notes")
        except ValidationError as error:
            form.add_error(None, error)
    return _form_page(request, case, form, _("Private note"), "cases:note")


def _form_page(request: OrganisationRequest, case: Case, form: Any, title: str, url_name: str,
               intro: str = "", template: str = "cases/form_page.html",
               extra: dict[str, Any] | None = None) -> HttpResponse:
    """A form shown on its own page again, with its errors and what was entered."""
    return render(request, template, {
        "case": case, "form": form, "title": title, "intro": intro,
        "action": reverse(url_name, args=[_slug(request), case.pk]), **(extra or {}),
    })


@case_view
@require_http_methods(["GET", "POST"])
def consent_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Two steps that work without script: choose to whom (a role or an external body), then
    the person among those who hold that role and may see this report, the parts and why."""
    actor = _actor(request)
    case, access = selectors.case_get_for_actor(actor=actor, pk=pk)
    if not permissions.can_request_consent(actor, access):
        raise PermissionDenied
    kind_form = forms.ConsentKindForm(request.GET if "soort" in request.GET else None)
    kind = request.POST.get("recipient_kind") if request.method == "POST" else (
        kind_form.cleaned_data["soort"] if kind_form.is_valid() else "")
    if kind not in ConsentRequest.Recipient.values:
        return render(request, "cases/consent_form.html", {
            "case": case, "kind_form": kind_form, "form": None})
    query = request.GET.get("zoek", "")
    form = forms.ConsentForm(request.POST or None, organisation_id=actor.organisation_id,
                             recipient_kind=kind, query=query,
                             unavailable=access.excluded_ids | access.recipient_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_request(actor=actor, case=case, recipient_kind=kind,
                                     recipient=data.get("recipient"),
                                     external_body=data.get("external_body", ""),
                                     parts=data["parts"], purpose=data["purpose"],
                                     private_key=integration.private_key_for_request(request))
            messages.success(request, _("Your question has been put to the reporter. You will "
                                        "see the answer here."))
            return _detail(request, pk, "consent")
        except integration.key_required_error() as error:
            return _unlock_first(request, error, request.path)
        except ValidationError as error:
            _add_service_errors(form, error)
    return render(request, "cases/consent_form.html", {
        "case": case, "kind_form": forms.ConsentKindForm(initial={"soort": kind}), "form": form,
        "kind": kind, "kind_label": ConsentRequest.Recipient(kind).label, "query": query,
        "shown": getattr(form, "shown", None),
        "more": len(getattr(form, "shown", [])) >= forms.PICKER_LIMIT,
    })


def _add_service_errors(form: Any, error: ValidationError) -> None:
    """A service's ValidationError at the fields it names (when the form has them)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@case_view
@require_POST
def consent_share(request: OrganisationRequest, pk: int, consent_pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    consent = case.consents.filter(pk=consent_pk).first()
    if consent is None:
        raise Http404
    key = _key_or_unlock(request, reverse("cases:detail", args=[_slug(request), pk]))
    if isinstance(key, HttpResponse):
        return key
    try:
        services.consent_share(actor=actor, consent=consent, private_key=key)
        messages.success(request, _("Shared: exactly the parts the reporter agreed to."))
    except integration.key_missing_error():
        # A manager (or anyone new to this) has no key yet: ask them to set one up (ADR 0075).
        try:
            services.consent_invite_recipient(actor=actor, consent=consent)
            messages.info(request, _(
                "%(name)s has no key yet, so nothing could be shared. We have asked them by "
                "e-mail to set one up. Once they have, press “Share now” again.")
                % {"name": consent.recipient.user if consent.recipient else ""})
        except ValidationError as error:
            messages.error(request, _error_messages(error))
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    return _detail(request, pk, "consent")


@case_view
@require_POST
def consent_withdraw(request: OrganisationRequest, pk: int, consent_pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    consent = case.consents.filter(pk=consent_pk).first()
    if consent is None:
        raise Http404
    services.consent_withdraw(consent=consent, actor=actor)
    messages.success(request, _("The consent has been withdrawn; access has ended."))
    return _detail(request, pk, "consent")


@case_view
@require_http_methods(["GET", "POST"])
def acute_danger(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, access = selectors.case_get_for_actor(actor=actor, pk=pk)
    if not permissions.can_share_without_consent(actor, access):
        raise PermissionDenied
    form = forms.AcuteDangerForm(request.POST or None, organisation_id=actor.organisation_id,
                                 unavailable=access.excluded_ids | access.recipient_ids)
    if request.method == "POST" and form.is_valid():
        key = _key_or_unlock(request, request.path)
        if isinstance(key, HttpResponse):
            return key
        data = form.cleaned_data
        try:
            services.share_in_acute_danger(actor=actor, case=case, recipient=data["recipient"],
                                           parts=data["parts"],
                                           justification=data["justification"], private_key=key)
            messages.warning(request, _("Shared because of acute danger. The reporter has been "
                                        "told, and the action is in the audit log."))
            return _detail(request, pk, "consent")
        except ValidationError as error:
            form.add_error(None, error)
    return _form_page(
        request, case, form, _("Share without consent: acute danger"), "cases:acute_danger",
        intro=_("Only when someone is in acute danger and there is no time to ask. If there is "
                "danger to life right now, call 112 first."),
        template="cases/acute_danger.html")


@case_view
@require_POST
def aftercare_moment(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    form = forms.AftercareMomentForm(request.POST)
    if form.is_valid():
        try:
            services.aftercare_moment_add(actor=actor, case=case, **form.cleaned_data)
            messages.success(request, _("The aftercare moment has been planned."))
            return _detail(request, pk, "aftercare")
        except ValidationError as error:
            form.add_error(None, error)
    return _form_page(request, case, form, _("Plan an aftercare moment"), "cases:aftercare")


@case_view
@require_POST
def aftercare_done(request: OrganisationRequest, pk: int, moment_pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    moment = AftercareMoment.objects.filter(plan__case=case, pk=moment_pk).first()
    if moment is None:
        raise Http404
    services.aftercare_moment_done(actor=actor, moment=moment)
    messages.success(request, _("Marked as done."))
    return _detail(request, pk, "aftercare")


@case_view
@require_POST
def accused(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    form = forms.AccusedForm(request.POST)
    if form.is_valid():
        services.accused_record(actor=actor, case=case, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return _detail(request, pk, "aftercare")
    return _form_page(request, case, form, _("The person the report is about"), "cases:accused")


@case_view
@require_POST
def lesson_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    form = forms.LessonForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_record(actor=actor, case=case, text=form.cleaned_data["text"])
            messages.success(request, _("The lesson has been added to the organisation's list."))
            return _detail(request, pk, "lessons")
        except ValidationError as error:
            form.add_error(None, error)
    return _form_page(request, case, form, _("Lesson for the organisation"), "cases:lesson_new")


@case_view
@require_POST
def person_mark(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    key = _key_or_unlock(request, reverse("cases:detail", args=[_slug(request), pk]))
    if isinstance(key, HttpResponse):
        return key
    form = forms.PersonMarkForm(request.POST, organisation_id=actor.organisation_id)
    if form.is_valid():
        try:
            services.person_mark(actor=actor, case=case, person=form.cleaned_data["person"],
                                 private_key=key)
            messages.success(request, _("Recorded as a code, without the name."))
            return _detail(request, pk, "patterns")
        except ValidationError as error:
            form.add_error(None, error)
    return _form_page(request, case, form, _("Pattern signals"), "cases:person_mark")


@case_view
@require_POST
def attention_clear(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case, _access = selectors.case_get_for_actor(actor=actor, pk=pk)
    services.case_attention_clear(actor=actor, case=case)
    return _detail(request, pk)


# --- standard texts --------------------------------------------------------------------------


@case_view
@require_http_methods(["GET", "POST"])
def standard_texts(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_manage_standard_texts(actor):
        raise Http404
    form = forms.StandardTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_text_save(actor=actor, **form.cleaned_data)
            messages.success(request, _("The standard text has been saved."))
            return redirect("cases:standard_texts", _slug(request))
        except ValidationError as error:
            _add_service_errors(form, error)
    return render(request, "cases/standard_texts.html", {
        "form": form, "texts": selectors.standard_texts_for(actor=actor),
        "placeholders": texts.PLACEHOLDERS.items(),
    })


@case_view
@require_POST
def standard_text_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    text = selectors.standard_text_get(actor=actor, pk=pk)
    services.standard_text_delete(actor=actor, text=text)
    messages.success(request, _("The standard text has been removed."))
    return redirect("cases:standard_texts", _slug(request))


def _standard_text_choice(request: OrganisationRequest, case: Case) -> tuple[list[Any], str]:
    """The organisation's standard texts, and the chosen one filled in for this case."""
    actor = _actor(request)
    choices = list(selectors.standard_texts_for(actor=actor))
    chosen = request.GET.get("tekst", "")
    for text in choices:
        if str(text.pk) == chosen:
            due = case.feedback_due_at
            values = texts.TextValues(
                reference=case.reference, organisation=request.organisation.name,
                handler=str(request.membership.user),
                feedback_due=date_format(timezone.localtime(due), "j F Y") if due else "")
            return choices, texts.fill(text.body, values)
    return choices, ""


# --- advice-only contacts, lessons, signals, settings --------------------------------------


@case_view
@require_http_methods(["GET", "POST"])
def advice_contacts(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_record_advice_contact(actor):
        raise Http404
    units = list(units_in(organisation_id=actor.organisation_id)
                 .order_by("name").values_list("pk", "name"))
    form = forms.AdviceContactForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.advice_contact_record(actor=actor, **form.cleaned_data)
            messages.success(request, _("The conversation has been counted. No names were stored."))
            return redirect("cases:advice", _slug(request))
        except ValidationError as error:
            form.add_error(None, error)
    contacts = selectors.advice_contacts_for(actor=actor)[:200]
    return render(request, "cases/advice_contacts.html", {"form": form, "contacts": contacts})


@case_view
def lessons(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_view_lessons(actor):
        raise Http404
    return render(request, "cases/lessons.html", {
        "lessons": selectors.lessons_for(actor=actor)[:200],
        "can_act": permissions.can_turn_lesson_into_action(actor),
        "action_form": forms.LessonActionForm(),
        "status_choices": LessonAction.Status.choices,
    })


@case_view
@require_POST
def lesson_action_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    lesson = selectors.lesson_get_for_actor(actor=actor, pk=pk)
    if not permissions.can_turn_lesson_into_action(actor):
        raise PermissionDenied
    form = forms.LessonActionForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_action_create(actor=actor, lesson=lesson, **form.cleaned_data)
            messages.success(request, _("The action has been added."))
            return redirect("cases:lessons", _slug(request))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "cases/lesson_action_form.html", {"form": form, "lesson": lesson})


@case_view
@require_POST
def lesson_action_status(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    action = selectors.lesson_action_get_for_actor(actor=actor, pk=pk)
    form = forms.LessonActionStatusForm(request.POST)
    if form.is_valid():
        services.lesson_action_status(actor=actor, action=action, status=form.cleaned_data["status"])
        messages.success(request, _("Saved."))
    return redirect("cases:lessons", _slug(request))


@case_view
def signals(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_view_pattern_signals(actor):
        raise Http404
    found = [signal_display(s) for s in selectors.pattern_signals_for(actor=actor)[:100]]
    return render(request, "cases/signals.html", {"signals": found, "k": threshold()})


@case_view
@require_http_methods(["GET", "POST"])
def case_settings(request: OrganisationRequest) -> HttpResponse:
    actor = _actor(request)
    if not permissions.can_configure_cases(actor):
        raise Http404
    current = services.settings_for(actor.organisation_id)
    initial = {
        "acknowledge_within_days": current.acknowledge_within_days,
        "feedback_within_months": current.feedback_within_months,
        "checkin_months": ", ".join(str(m) for m in current.checkin_months),
        "retain_case_contents_months": current.retain_case_contents_months,
        "retain_notes_months": current.retain_notes_months,
        "retain_advice_contacts_months": current.retain_advice_contacts_months,
    }
    form = forms.CaseSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_settings_update(actor=actor, **form.cleaned_data)
            messages.success(request, _("The settings have been saved."))
            return redirect("cases:settings", _slug(request))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "cases/settings.html", {"form": form})


# --- the external advisor's desk across clients (issue 13) -------------------------------------


@login_required
@never_cache
def desk(request: HttpRequest) -> HttpResponse:
    """One overview across the organisations this person advises; each read on its own."""
    clients = desk_for(user=request.user)
    if not clients:
        raise Http404
    return render(request, "cases/desk.html", {"clients": clients})


# --- yearly report --------------------------------------------------------------------------


def _year_asked(request: OrganisationRequest) -> int:
    actor = _actor(request)
    if not permissions.can_view_statistics(actor):
        raise Http404
    form = forms.YearForm(request.GET or None)
    return form.cleaned_data["jaar"] if form.is_valid() else stats.latest_published_year()


def _report_for(request: OrganisationRequest, year: int, *,
                with_draft: bool = False) -> stats.YearlyReport | None:
    """The frozen figures of a published year; None while the year can still change."""
    return stats.published_yearly_report(
        organisation_id=_actor(request).organisation_id,
        organisation_name=request.organisation.name,
        year=year, with_draft=with_draft)


def _charts(report: stats.YearlyReport) -> list[tuple[stats.Breakdown, str | None]]:
    return [(b, stats.chart_svg(b)) for b in report.breakdowns]


def _not_published(request: OrganisationRequest, year: int) -> HttpResponse:
    messages.info(request, _("The figures of %(year)s are not published yet.") % {"year": year})
    return redirect(reverse("cases:yearly_report", args=[_slug(request)]) + f"?jaar={year}")


@case_view
def yearly_report(request: OrganisationRequest) -> HttpResponse:
    year = _year_asked(request)
    writes = permissions.can_write_yearly_narrative(_actor(request))
    report = _report_for(request, year, with_draft=writes)
    today = timezone.localdate()
    years = list(range(today.year, today.year - 7, -1))
    return render(request, "cases/yearly_report.html", {
        "year": year, "report": report, "charts": _charts(report) if report else [],
        "years": years, "publication_date": stats.publication_date(year),
        "k": report.k if report else threshold(), "can_write_narrative": writes,
    })


@case_view
@require_http_methods(["GET", "POST"])
def yearly_narrative(request: OrganisationRequest) -> HttpResponse:
    """The advisors write the year's observations and recommendations, then publish them."""
    actor = _actor(request)
    if not permissions.can_write_yearly_narrative(actor):
        raise PermissionDenied
    year = _year_asked(request)
    report = _report_for(request, year, with_draft=True)
    if report is None:
        return _not_published(request, year)
    back = reverse("cases:yearly_report", args=[_slug(request)]) + f"?jaar={year}"
    narrative = report.narrative
    if narrative is not None and narrative.is_published:
        messages.info(request, _("The narrative of %(year)s has been published and stays as it "
                                 "is.") % {"year": year})
        return redirect(back)
    initial = ({"observations": narrative.observations,
                "recommendations": narrative.recommendations} if narrative else {})
    form = forms.YearlyNarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("publish") == "1"
        try:
            services.yearly_narrative_save(actor=actor, year=year, publish=publish,
                                           **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The narrative has been published with the figures.")
                             if publish else _("Your draft has been saved. Only advisors see it."))
            return redirect(back)
    return render(request, "cases/yearly_narrative.html", {
        "form": form, "year": year, "report": report, "back": back})


@case_view
def yearly_report_pdf(request: OrganisationRequest) -> HttpResponse:
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

    year = _year_asked(request)
    report = _report_for(request, year)
    if report is None:
        return _not_published(request, year)
    html = render_to_string("cases/yearly_report_pdf.html",
                            {"report": report, "charts": _charts(report)}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="jaarverslag-{report.year}.pdf"'
    return response


@case_view
def yearly_report_csv(request: OrganisationRequest) -> HttpResponse:
    year = _year_asked(request)
    report = _report_for(request, year)
    if report is None:
        return _not_published(request, year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jaarverslag-{report.year}.csv"'
    writer = csv_writer(response, delimiter=";")
    writer.writerows(stats.csv_rows(report))
    return response




# --- dossier export (ADR 0079) ----------------------------------------------------------------


@case_view
@require_http_methods(["GET", "POST"])
def dossier_export(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Step 1 chooses the recipient (a consent the reporter gave); step 2 shows the consented
    parts cut into passages to leave out; posting it returns the PDF. Nothing is stored."""
    actor = _actor(request)
    case, access = selectors.case_get_for_actor(actor=actor, pk=pk)
    if not permissions.can_export_dossier(actor, access):
        raise PermissionDenied
    consents = list(services.exportable_consents(case))
    choices = [(str(c.pk), f"{services.recipient_label(c)} — {_parts_text(c.parts)}")
               for c in consents]
    data = request.POST if request.method == "POST" else request.GET
    choose = forms.DossierConsentForm(data if "toestemming" in data else None, choices=choices)
    context: dict[str, Any] = {"case": case, "choose": choose, "form": None, "consents": consents}
    if not choose.is_valid():
        return render(request, "cases/dossier_export.html", context,
                      status=400 if choose.is_bound else 200)
    consent = services.exportable_consent(case, choose.cleaned_data["toestemming"])
    key = _key_or_unlock(request, request.path + "?" + urlencode({"toestemming": consent.pk}))
    if isinstance(key, HttpResponse):
        return key
    try:
        sections = services.dossier_passages(actor=actor, case=case, consent=consent,
                                             private_key=key)
    except (crypto.DecryptionError, Http404):
        messages.error(request, _("Your key does not open this report. Unlock it again."))
        return _detail(request, pk)
    form = forms.DossierRedactForm(request.POST if request.method == "POST" else None,
                                   sections=sections)
    context.update({"form": form, "consent": consent, "sections": sections,
                    "recipient": services.recipient_label(consent)})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.dossier_export(actor=actor, case=case, consent=consent,
                                             redact=form.redacted(), private_key=key)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            response = HttpResponse(result.pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
            return response
    return render(request, "cases/dossier_export.html", context,
                  status=400 if form.is_bound else 200)


def _parts_text(parts: list[str]) -> str:
    return ", ".join(str(PART_LABELS.get(part, part)) for part in parts)
