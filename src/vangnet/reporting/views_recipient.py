"""Pages for recipients (advisors, HR, committee, coordinator). Login with two factors required
(the accounts middleware enforces it for these roles); reading needs the unlocked private key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vangnet.core import crypto
from vangnet.organisations.public import (
    OrganisationRequest,
    Role,
    memberships_in,
    organisation_view,
    person_get_for_actor,
)

from . import keys, selectors, services, submission
from .conflicts import excluded_membership_ids
from .forms import (
    AddRecipientForm,
    CallbackSlotForm,
    HandlerReplyForm,
    KeyPassphraseForm,
    OralReportForm,
    ProfileForm,
    RecoverForm,
    RecoveryCarryOutForm,
    RecoveryCreateForm,
    RecoveryRequestForm,
    UnavailableForm,
    UnlockForm,
)
from .links import links_for_report
from .models import AdvisorProfile
from .permissions import (
    can_configure_route,
    can_edit_own_profile,
    can_hold_keys,
    can_manage_recovery_key,
    can_register_oral_report,
    removal_keeps_report_openable,
)
from .receipts import receipt_format
from .route import recipient_choices
from .views import _add_errors, _download, _no_store, _part_labels

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership


def _need_key(request: OrganisationRequest) -> bytes | HttpResponse:
    private_key = keys.private_key_for_request(request)
    if private_key is None:
        url = reverse("reporting:unlock", args=[request.actor.organisation_slug])
        return redirect(f"{url}?next={request.path}")
    return private_key


@never_cache
@organisation_view
def inbox(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    if not can_hold_keys(actor):
        raise PermissionDenied
    reports = selectors.inbox_reports_for(actor=actor, limit=200)
    counts = selectors.unread_counts(actor=actor, report_ids=[r.pk for r in reports])
    rows = [(r, counts.get(r.pk, 0)) for r in reports]
    return _no_store(render(request, "reporting/inbox.html", {
        "rows": rows, "unlocked": keys.private_key_for_request(request) is not None,
        "has_keys": keys.keypair_of(request.user) is not None,
        "can_oral": can_register_oral_report(actor), "can_profile": can_edit_own_profile(actor),
        "can_route": can_configure_route(actor), "can_recovery": can_manage_recovery_key(actor),
    }))


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def unlock(request: OrganisationRequest) -> HttpResponse:
    """Unlock (or, the first time, create) the key pair with the login password. Case-reading
    roles, and someone a share is waiting for or who holds one (ADR 0075)."""
    actor = request.actor
    if not selectors.may_hold_keys(actor):
        raise PermissionDenied
    pair = keys.keypair_of(request.user)
    # Single sign-on accounts have no password here: their key gets its own passphrase.
    uses_password = _user_of(request).has_usable_password()
    form: Any = (UnlockForm if uses_password or pair is not None else KeyPassphraseForm)(
        request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    next_url = next_url or (reverse("reporting:inbox", args=[actor.organisation_slug])
                            if can_hold_keys(actor)
                            else reverse("organisations:home", args=[actor.organisation_slug]))
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        if uses_password and not request.user.check_password(password):
            form.add_error("password", _("This password is not correct."))
        elif pair is None:
            _pair, private, recovery = keys.keypair_create(user=request.user, password=password)
            response = render(request, "reporting/recovery_shown.html", {
                "recovery": recovery, "next_url": next_url,
            })
            keys.remember_private_key(request, response, private)
            return _no_store(response)
        else:
            try:
                private = keys.private_key_unlock(pair=pair, password=password)
            except crypto.DecryptionError:
                if not uses_password:
                    form.add_error("password", _("This passphrase does not open your key."))
                    return _no_store(render(request, "reporting/unlock.html", {
                        "form": form, "first_time": False, "next_url": next_url}))
                # The login password changed since the key was wrapped: use the recovery key.
                return redirect("reporting:recover", actor.organisation_slug)
            response = redirect(next_url)
            keys.remember_private_key(request, response, private)
            return response
    return _no_store(render(request, "reporting/unlock.html", {
        "form": form, "first_time": pair is None, "next_url": next_url,
    }))


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def recover(request: OrganisationRequest) -> HttpResponse:
    """Password changed or forgotten (then reset): open the key with the personal recovery key."""
    actor = request.actor
    pair = keys.keypair_of(request.user)
    if pair is None or not can_hold_keys(actor):
        return redirect("reporting:unlock", actor.organisation_slug)
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _user_of(request).has_usable_password() and not request.user.check_password(
            form.cleaned_data["password"]
        ):
            form.add_error("password", _("This password is not correct."))
        else:
            try:
                private, new_recovery = keys.private_key_recover(
                    pair=pair, recovery_key=form.cleaned_data["recovery_key"],
                    new_password=form.cleaned_data["password"])
            except crypto.DecryptionError:
                form.add_error("recovery_key", _("This recovery key does not fit."))
            else:
                response = render(request, "reporting/recovery_shown.html", {
                    "recovery": new_recovery,
                    "next_url": reverse("reporting:inbox", args=[actor.organisation_slug]),
                })
                keys.remember_private_key(request, response, private)
                return _no_store(response)
    return _no_store(render(request, "reporting/recover.html", {"form": form}))


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def report_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    actor = request.actor
    report = selectors.report_get_for_actor(actor=actor, pk=pk)
    private_key = _need_key(request)
    if isinstance(private_key, HttpResponse):
        return private_key
    is_recipient = selectors.is_recipient(actor=actor, report=report)
    add_form = AddRecipientForm(request.POST if "add_recipient" in request.POST else None)
    add_fields: Any = add_form.fields
    excluded = excluded_membership_ids(report)
    current = set(report.recipients.filter(revoked_at__isnull=True).values_list("membership_id", flat=True))
    # Only a colleague advisor is added without consent (continuity); everyone else is a consent
    # request on the case page (issue 13).
    advisor_ids = set(memberships_in(organisation_id=report.organisation_id)
                      .filter(roles__role=Role.ADVISOR).values_list("pk", flat=True))
    add_fields["membership"].choices = [
        (str(p.membership.pk), p.membership.user.full_name or p.membership.user.email)
        for p in recipient_choices(organisation=report.organisation, excluded=excluded | current)
        if p.available and p.membership.pk in advisor_ids
    ]
    if "add_recipient" in request.POST and is_recipient and add_form.is_valid():
        member = memberships_in(organisation_id=report.organisation_id).get(
            pk=add_form.cleaned_data["membership"])
        try:
            services.report_add_recipient(actor=actor, report=report, membership=member,
                                          private_key=private_key)
        except ValidationError as error:
            _add_errors(add_form, error)
        else:
            return redirect("reporting:detail", actor.organisation_slug, report.pk)
    form = HandlerReplyForm(request.POST if "body" in request.POST else None)
    if request.method == "POST" and is_recipient and form.is_valid():
        try:
            services.message_post(report=report, actor=actor, body=form.cleaned_data["body"],
                                  private_key=private_key)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("reporting:detail", actor.organisation_slug, report.pk)
    if is_recipient:
        services.report_seal_for_recovery(actor=actor, report=report, private_key=private_key)
    contents = selectors.report_contents_for(actor=actor, report=report, private_key=private_key)
    thread = (selectors.report_messages_for(actor=actor, report=report, private_key=private_key)
              if is_recipient else [])
    attachments = selectors.report_attachments_for(actor=actor, report=report, private_key=private_key)
    parts = [(key, label, contents[key]) for key, label in _part_labels() if contents.get(key)]
    recipients = selectors.report_recipients_for(actor=actor, report=report)
    rows = _recipient_rows(report, recipients)
    return _no_store(render(request, "reporting/detail.html", {
        "report": report, "parts": parts, "messages_list": thread, "form": form,
        "attachments": attachments, "is_recipient": is_recipient, "add_form": add_form,
        "recipients": recipients, "recipient_rows": rows, "me": actor.membership_id,
        "only_me": any(r.membership_id == actor.membership_id and not ok for r, ok in rows),
        # "Open the case", from the app above that registered it (ADR 0104).
        "report_links": links_for_report(actor=actor, report=report),
    }))


@organisation_view
def attachment(request: OrganisationRequest, pk: int, attachment_pk: int) -> HttpResponse:
    actor = request.actor
    report = selectors.report_get_for_actor(actor=actor, pk=pk)
    private_key = _need_key(request)
    if isinstance(private_key, HttpResponse):
        return private_key
    view, data = selectors.attachment_data_for(actor=actor, report=report, pk=attachment_pk,
                                               private_key=private_key)
    return _download(view, data)


# --- Removing a recipient (a colleague who left or is conflicted; yourself; ADR 0031) ---------


def _recipient_rows(report: Any, recipients: list[Any]) -> list[tuple[Any, bool]]:
    """Each current recipient, and whether a fellow recipient may remove them: never the last
    active person who holds the key (the same rule the service applies). No queries."""
    holders = [r for r in recipients if r.sealed_key is not None]
    rows = []
    for recipient in recipients:
        others = [h for h in holders if h.pk != recipient.pk]
        rows.append((recipient, recipient.sealed_key is None or removal_keeps_report_openable(
            by_recipient=True, other_key_holders=bool(others),
            other_active_key_holders=any(h.membership.is_active for h in others),
            has_recovery_copy=report.recovery_sealed_key is not None,
        )))
    return rows


def _name(membership: Membership) -> str:
    return str(membership.user.full_name or membership.user.email)


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def recipient_remove(request: OrganisationRequest, pk: int, membership_pk: int) -> HttpResponse:
    """A recipient removes a fellow recipient, or themselves, from this report. A GET only asks;
    the confirmation is a POST. Recipients only (others get 404, like the report page)."""
    actor = request.actor
    report = selectors.report_get_for_actor(actor=actor, pk=pk)
    if not selectors.is_recipient(actor=actor, report=report):
        raise Http404
    recipients = selectors.report_recipients_for(actor=actor, report=report)
    row = next((row for row in _recipient_rows(report, recipients)
                if row[0].membership_id == membership_pk), None)
    if row is None:
        raise Http404
    recipient, removable = row
    is_self = membership_pk == actor.membership_id
    error = "" if removable else services.last_key_holder_message()
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            services.report_remove_recipient(actor=actor, report=report,
                                             membership=recipient.membership)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if is_self:
                messages.success(request, _(
                    "You have been removed from the report. It is no longer in your list."))
                return redirect("reporting:inbox", actor.organisation_slug)
            messages.success(request, _("%(name)s can no longer open this report.")
                             % {"name": _name(recipient.membership)})
            return redirect("reporting:detail", actor.organisation_slug, report.pk)
    return _no_store(render(request, "reporting/recipient_remove.html", {
        "report": report, "recipient": recipient, "name": _name(recipient.membership),
        "is_self": is_self, "removable": removable, "error": error,
    }))


@never_cache
@organisation_view
def recipients_overview(request: OrganisationRequest) -> HttpResponse:
    """The coordinator's view of who receives reports: counts per person, never a report."""
    actor = request.actor
    if not can_manage_recovery_key(actor):
        raise PermissionDenied
    return _no_store(render(request, "reporting/recipients.html", {
        "overview": selectors.recipient_holdings(actor=actor),
    }))


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def recipient_remove_everywhere(request: OrganisationRequest, membership_pk: int) -> HttpResponse:
    """The coordinator removes someone who left from all their reports at once. A GET only asks."""
    actor = request.actor
    if not can_manage_recovery_key(actor):
        raise PermissionDenied
    membership = person_get_for_actor(actor=actor, pk=membership_pk)
    holding = next(iter(selectors.recipient_holdings(actor=actor, membership=membership).holdings),
                   None)
    if holding is None:
        messages.info(request, _("%(name)s does not receive any report.") % {"name": _name(membership)})
        return redirect("reporting:recipients", actor.organisation_slug)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            count = services.reports_remove_recipient(actor=actor, membership=membership)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, ngettext(
                "%(name)s has been removed from %(count)d report.",
                "%(name)s has been removed from %(count)d reports.", count,
            ) % {"name": _name(membership), "count": count})
            return redirect("reporting:recipients", actor.organisation_slug)
    return _no_store(render(request, "reporting/recipient_remove_everywhere.html", {
        "holding": holding, "name": _name(membership), "error": error,
    }))


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def oral_new(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    if not can_register_oral_report(actor):
        raise PermissionDenied
    private_key = _need_key(request)
    if isinstance(private_key, HttpResponse):
        return private_key
    form = OralReportForm(request.POST or None)
    posted_token = request.POST.get("submission", "") if request.method == "POST" else ""
    token = posted_token if submission.token_valid(posted_token) else ""
    if request.method == "POST" and form.is_valid() and token and not submission.claim(token):
        return _to_oral_receipt(request, None, submission.code_again(token))
    if request.method == "POST" and form.is_valid():
        try:
            report, code = services.report_register_oral(
                actor=actor, private_key=private_key, category=form.cleaned_data["category"],
                mode=form.cleaned_data["mode"],
                parts={k: form.cleaned_data.get(k, "") for k in services.PARTS if k in form.fields},
                is_whistleblowing=form.cleaned_data["is_whistleblowing"],
            )
        except ValidationError as error:
            if token:
                submission.release(token)
            _add_errors(form, error)
        else:
            # Post → redirect → get, like the public form: a refresh never registers it twice.
            code_key = submission.sent(token, code) if token else ""
            return _to_oral_receipt(request, report.pk, (code, code_key))
    return _no_store(render(request, "reporting/oral_form.html", {
        "form": form, "submission_token": token or submission.token_new()}))


def _to_oral_receipt(request: OrganisationRequest, report_pk: int | None,
                     code: tuple[str, str] | None) -> HttpResponse:
    url = reverse("reporting:oral_receipt", args=[request.organisation.slug])
    response = HttpResponseRedirect(url + (f"?melding={report_pk}" if report_pk else ""))
    response.status_code = 303
    if code is not None:
        submission.receipt_cookie_set(request, response, path=url, code=code[0], code_key=code[1])
    return _no_store(response)


@never_cache
@organisation_view
@require_http_methods(["GET"])
def oral_receipt(request: OrganisationRequest) -> HttpResponse:
    """The oral report's receipt code, shown once (see `views.receipt`)."""
    actor = request.actor
    if not can_register_oral_report(actor):
        raise PermissionDenied
    url = reverse("reporting:oral_receipt", args=[request.organisation.slug])
    code = submission.receipt_cookie_take(request, path=url)
    report_pk = request.GET.get("melding", "")
    response = render(request, "reporting/oral_receipt.html", {
        "code": receipt_format(code) if code else "",
        "report_pk": int(report_pk) if report_pk.isdigit() and len(report_pk) < 12 else None,
    })
    submission.receipt_cookie_clear(response, path=url)
    return _no_store(response)


@organisation_view
@require_http_methods(["GET", "POST"])
def profile_edit(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    if not can_edit_own_profile(actor):
        raise PermissionDenied
    profile = AdvisorProfile.objects.filter(membership_id=actor.membership_id).first()
    initial: dict[str, Any] = {"is_listed": True}
    if profile is not None:
        initial = {"introduction": profile.introduction, "how_to_reach": profile.how_to_reach,
                   "availability": profile.availability, "is_listed": profile.is_listed}
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.advisor_profile_save(actor=actor, photo=form.cleaned_data.get("photo"), **{
            k: form.cleaned_data[k] for k in ("introduction", "how_to_reach", "availability", "is_listed")
        })
        return redirect("reporting:inbox", actor.organisation_slug)
    return render(request, "reporting/profile_form.html", {"form": form})


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def recovery_key(request: OrganisationRequest) -> HttpResponse:
    """The coordinator creates the organisation recovery key (shown once). Using it is a
    two-person recovery request (`recovery_requests`, ADR 0031)."""
    actor = request.actor
    if not can_manage_recovery_key(actor):
        raise PermissionDenied
    organisation = request.organisation
    create_form = RecoveryCreateForm(request.POST if "create" in request.POST else None)
    if "create" in request.POST and create_form.is_valid():
        _key, private_text = services.recovery_key_create(actor=actor)
        return _no_store(render(request, "reporting/recovery_org_shown.html", {"key": private_text}))
    return _no_store(render(request, "reporting/recovery_org.html", {
        "create_form": create_form, "current": selectors.recovery_key_current(actor=actor),
        "organisation": organisation,
    }))


def _successor_choices(actor: Any, organisation: Any) -> list[tuple[str, str]]:
    people = {p.membership.pk: p.membership for p in recipient_choices(organisation=organisation)
              if p.available and p.membership.pk != actor.membership_id}
    return [(str(pk), _name(m)) for pk, m in people.items()]


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def recovery_requests(request: OrganisationRequest) -> HttpResponse:
    """Two-person recovery: the coordinator asks and declares people unavailable; everyone who
    may read cases sees the requests (one of them approves); a declared person ends their own."""
    actor = request.actor
    if not can_hold_keys(actor):
        raise PermissionDenied
    organisation = request.organisation
    is_coordinator = can_manage_recovery_key(actor)
    request_form = RecoveryRequestForm(request.POST if "ask" in request.POST else None)
    unavailable_form = UnavailableForm(request.POST if "declare" in request.POST else None)
    if is_coordinator:
        request_fields: Any = request_form.fields
        request_fields["successor"].choices = [("", "---------"),
                                               *_successor_choices(actor, organisation)]
        unavailable_fields: Any = unavailable_form.fields
        unavailable_fields["membership"].choices = [("", "---------"), *[
            (str(m.pk), _name(m)) for m in selectors.people_who_receive_reports(actor=actor)]]
    if request.method == "POST" and "ask" in request.POST and is_coordinator \
            and request_form.is_valid():
        successor = person_get_for_actor(actor=actor, pk=int(request_form.cleaned_data["successor"]))
        try:
            created = services.recovery_request_create(
                actor=actor, successor=successor, reason=request_form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(request_form, error)
        else:
            messages.success(request, _("The request has been made. A second person who may "
                                        "read cases must now approve it."))
            return redirect("reporting:recovery_request", actor.organisation_slug, created.pk)
    if request.method == "POST" and "declare" in request.POST and is_coordinator \
            and unavailable_form.is_valid():
        person = person_get_for_actor(actor=actor,
                                      pk=int(unavailable_form.cleaned_data["membership"]))
        try:
            services.recipient_unavailable_declare(
                actor=actor, membership=person, reason=unavailable_form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(unavailable_form, error)
        else:
            messages.success(request, _("%(name)s has been marked as unavailable and gets an "
                                        "e-mail about it.") % {"name": _name(person)})
            return redirect("reporting:recovery_requests", actor.organisation_slug)
    if request.method == "POST" and "end" in request.POST:
        try:
            declaration_pk = int(request.POST.get("end") or 0)
        except ValueError as error:
            raise Http404 from error
        declaration = selectors.unavailability_get_for_actor(actor=actor, pk=declaration_pk)
        services.recipient_unavailable_end(actor=actor, declaration=declaration)
        messages.success(request, _("%(name)s is available again.")
                         % {"name": _name(declaration.membership)})
        return redirect("reporting:recovery_requests", actor.organisation_slug)
    rows = [selectors.recovery_request_view(actor=actor, request=r)
            for r in selectors.recovery_requests_for(actor=actor)[:50]]
    return _no_store(render(request, "reporting/recovery_requests.html", {
        "rows": rows, "is_coordinator": is_coordinator, "request_form": request_form,
        "me": actor.membership_id,
        "unavailable_form": unavailable_form,
        "declarations": list(selectors.unavailabilities_for(actor=actor)),
        "has_key": selectors.recovery_key_current(actor=actor) is not None if is_coordinator
        else True,
    }))


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def recovery_request(request: OrganisationRequest, pk: int) -> HttpResponse:
    """One request: a second person approves or refuses it; the coordinator who asked carries
    it out with the offline key."""
    actor = request.actor
    found = selectors.recovery_request_get_for_actor(actor=actor, pk=pk)
    view = selectors.recovery_request_view(actor=actor, request=found)
    form = RecoveryCarryOutForm(request.POST if "carry_out" in request.POST else None)
    error = ""
    if request.method == "POST" and ("approve" in request.POST or "refuse" in request.POST):
        if not view.can_decide:
            raise PermissionDenied
        try:
            services.recovery_request_decide(actor=actor, request=found,
                                             approve="approve" in request.POST)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your decision has been recorded.") )
            return redirect("reporting:recovery_request", actor.organisation_slug, found.pk)
    if request.method == "POST" and "carry_out" in request.POST:
        if not view.can_carry_out:
            raise PermissionDenied
        if form.is_valid():
            try:
                count = services.recovery_request_carry_out(
                    actor=actor, request=found,
                    recovery_private_key=form.cleaned_data["recovery_key"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, ngettext(
                    "%(count)d report now has a new recipient; its reporter has been told.",
                    "%(count)d reports now have a new recipient; their reporters have been told.",
                    count) % {"count": count})
                return redirect("reporting:recovery_request", actor.organisation_slug, found.pk)
    return _no_store(render(request, "reporting/recovery_request.html", {
        "view": view, "form": form, "error": error, "me": actor.membership_id,
    }))


def _user_of(request: HttpRequest) -> Any:
    """The logged-in user (organisation_view guarantees one)."""
    return request.user


@never_cache
@organisation_view
@require_http_methods(["GET", "POST"])
def callbacks(request: OrganisationRequest) -> HttpResponse:
    """Call-back requests for me, and the time slots I offer for them (issue 12)."""
    actor = request.actor
    if not can_hold_keys(actor):
        raise PermissionDenied
    private_key = _need_key(request)
    if isinstance(private_key, HttpResponse):
        return private_key
    slot_form = CallbackSlotForm(request.POST if "add_slot" in request.POST else None)
    if request.method == "POST":
        if "handled" in request.POST:
            services.callback_handled(actor=actor, callback=selectors.callback_get_for_actor(
                actor=actor, pk=_pk(request.POST["handled"])))
            return redirect("reporting:callbacks", actor.organisation_slug)
        if "remove_slot" in request.POST:
            services.callback_slot_remove(actor=actor, slot=selectors.slot_get_for_actor(
                actor=actor, pk=_pk(request.POST["remove_slot"])))
            return redirect("reporting:callbacks", actor.organisation_slug)
        if slot_form.is_valid():
            try:
                services.callback_slot_add(actor=actor, starts_at=slot_form.cleaned_data["starts_at"])
            except ValidationError as error:
                _add_errors(slot_form, error)
            else:
                return redirect("reporting:callbacks", actor.organisation_slug)
    return _no_store(render(request, "reporting/callbacks.html", {
        "rows": selectors.callbacks_for(actor=actor, private_key=private_key),
        "slots": selectors.own_slots(actor=actor), "slot_form": slot_form,
    }))


def _pk(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise Http404
    return int(value)
