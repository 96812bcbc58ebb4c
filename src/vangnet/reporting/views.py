"""Public reporting pages (no login). They store no address or user agent, create no session,
and set only functional cookies (CSRF; the returning reporter's 30-minute cookie)."""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.core.client import throttle_source
from vangnet.organisations.public import PublicOrganisationRequest, organisation_get_public, units_in

from . import receipts, selectors, services, submission
from .categories import Category
from .conflicts import excluded_for_involved, reporter_manager_involved
from .forms import CallbackForm, ReceiptForm, ReplyForm, ReportForm
from .guide import WANTS, YES_NO, recommend
from .models import StepKind
from .reporter_cookie import reporter_access_from_cookie, reporter_cookie_clear, reporter_cookie_set
from .route import (
    EXTERNAL_BODIES,
    MANAGER_ABOVE,
    MANAGER_ABOVE_TEXT,
    MANAGER_ABOVE_TITLE,
    RouteStepView,
    default_recipient,
    involvable_people,
    route_view,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation, Unit


def _public(request: PublicOrganisationRequest, org_slug: str) -> Organisation:
    organisation = organisation_get_public(slug=org_slug)
    request.organisation = organisation
    return organisation


def _no_store(response: HttpResponse) -> HttpResponse:
    # Reporting pages should not linger in a shared computer's cache or history snapshots.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _unit_from_query(request: HttpRequest, organisation: Organisation) -> Unit | None:
    unit_id = request.GET.get("eenheid", "")
    if not (unit_id.isdigit() and len(unit_id) < 12):
        return None
    return units_in(organisation_id=organisation.pk).filter(pk=int(unit_id)).first()


def _route_url(request: HttpRequest, org_slug: str, unit: Unit | None) -> str:
    url = request.build_absolute_uri(reverse("reporting:route", args=[org_slug]))
    return f"{url}?eenheid={unit.pk}" if unit is not None else url


def route_page(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    """The route of the organisation, or of one unit (`?eenheid=<id>`: its own route if it has
    one, and its managers on the manager step)."""
    organisation = _public(request, org_slug)
    unit = _unit_from_query(request, organisation)
    route = route_view(organisation=organisation, unit=unit)
    unit_query = f"?eenheid={unit.pk}" if unit is not None else ""
    return _no_store(render(request, "reporting/route.html", {
        "route": route, "public_url": _route_url(request, org_slug, unit), "StepKind": StepKind,
        "unit": unit, "unit_query": unit_query,
    }))


def _qr_svg(url: str) -> str:
    import qrcode  # noqa: PLC0415 - qrcode only for the poster
    import qrcode.image.svg  # noqa: PLC0415 - qrcode only for the poster

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def qr_svg(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    """The QR code of the route page, of the organisation or (`?eenheid=`) of one unit."""
    organisation = _public(request, org_slug)
    unit = _unit_from_query(request, organisation)
    return HttpResponse(_qr_svg(_route_url(request, org_slug, unit)), content_type="image/svg+xml")


def poster_pdf(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    """A poster to print, for the organisation or (`?eenheid=`) for one unit: its own route, its
    managers, and a QR code that opens the unit's route page."""
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

    organisation = _public(request, org_slug)
    unit = _unit_from_query(request, organisation)
    url = _route_url(request, org_slug, unit)
    route = route_view(organisation=organisation, unit=unit)
    html = render_to_string("reporting/poster.html", {
        "organisation": organisation, "route": route, "url": url, "qr": _qr_svg(url), "unit": unit,
    }, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"meldroute-{organisation.slug}" + (f"-{unit.pk}" if unit is not None else "")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


GUIDE_QUESTIONS = ("category", "manager_involved", "advice_involved", "danger", "want", "speak_up")


@require_http_methods(["GET", "POST"])
def guide(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    """The answers are posted, so they never reach the URL, the browser's history or a log line;
    they only shape this one answer page and are not stored."""
    organisation = _public(request, org_slug)
    units = list(units_in(organisation_id=organisation.pk).order_by("name"))
    data = request.POST if request.method == "POST" else {}
    answers = {key: str(data.get(key, "")) for key in (*GUIDE_QUESTIONS, "unit")}
    unit = next((u for u in units if str(u.pk) == answers["unit"]), None)
    missing = [key for key in GUIDE_QUESTIONS if answers[key] not in _guide_options(key)]
    context: dict[str, Any] = {"answers": answers, "categories": Category.choices,
                               "yes_no": YES_NO, "wants": WANTS, "units": units,
                               "submitted": request.method == "POST", "missing": missing}
    if request.method == "POST" and not missing:
        advice = recommend(**{key: answers[key] for key in GUIDE_QUESTIONS})
        route = route_view(organisation=organisation, unit=unit, manager_involved=advice.skip_manager)
        manager_step = route.step(StepKind.MANAGER)
        steps = []
        for kind in advice.steps:
            if kind == MANAGER_ABOVE:
                steps.append(RouteStepView(
                    kind=MANAGER_ABOVE, title=str(MANAGER_ABOVE_TITLE), description=str(MANAGER_ABOVE_TEXT),
                    people=manager_step.people_above if manager_step else []))
            elif step := route.step(kind):
                steps.append(step)
        context.update(advice=advice, advised_steps=steps, unit=unit,
                       bodies=[EXTERNAL_BODIES[c] for c in advice.external_codes])
    return _no_store(render(request, "reporting/guide.html", context))


def _guide_options(key: str) -> set[str]:
    if key == "category":
        return set(Category.values)
    if key == "want":
        return {value for value, _label in WANTS}
    return {value for value, _label in YES_NO}


def _uploads(files: list[Any]) -> list[services.UploadedAttachment]:
    return [services.UploadedAttachment(name=f.name, data=f.read()) for f in files]


def _see_other(url: str) -> HttpResponse:
    # 303: the browser follows with a GET, so a refresh never sends the form again.
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _to_receipt(request: HttpRequest, org_slug: str, code: tuple[str, str] | None) -> HttpResponse:
    url = reverse("reporting:receipt", args=[org_slug])
    response = _see_other(url)
    if code is not None:
        submission.receipt_cookie_set(request, response, path=url, code=code[0], code_key=code[1])
    return _no_store(response)


@require_http_methods(["GET", "POST"])
def report_new(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    organisation = _public(request, org_slug)
    excluded: set[int] = set()
    throttled = False
    # The form's one-time token (ADR 0033 addendum): the same form sent twice makes one report.
    posted_token = request.POST.get("submission", "") if request.method == "POST" else ""
    token = posted_token if submission.token_valid(posted_token) else ""
    if request.method == "POST":
        # Who is named as involved decides who may receive: read it before the form is built, so
        # the form (and its recipient list) is built once.
        # Only people the form offers count: naming anyone else must not reveal, through a
        # shorter recipient list, who manages them.
        involvable = involvable_people(organisation=organisation)
        offered = {m.pk for m in involvable}
        involved_ids = {int(pk) for pk in request.POST.getlist("involved_people")
                        if pk.isdigit() and len(pk) < 12 and int(pk) in offered}
        excluded = excluded_for_involved(organisation_id=organisation.pk, involved_ids=involved_ids)
        form = ReportForm(request.POST, request.FILES, organisation=organisation, excluded=excluded,
                          involvable=involvable)
        if form.is_valid() and token and not submission.claim(token):
            # Sent already (double click, back and send again): no second report.
            return _to_receipt(request, org_slug, submission.code_again(token))
        if form.is_valid():
            source = throttle_source(request)  # transient: only a keyed hash reaches the cache
            if not receipts.submission_start(source):
                if token:
                    submission.release(token)
                throttled = True
                form.add_error(None, _("Many reports were just sent from this network. To protect "
                                       "the service, please try again in an hour. Nothing was sent."))
            else:
                try:
                    _report, code = services.report_submit(
                        organisation=organisation, category=form.categories()[0],
                        other_categories=form.categories()[1:],
                        mode=form.cleaned_data["mode"],
                        # The default goes to exactly the person the form named (not another
                        # unit's default): what the reporter read is what happens.
                        recipient=form.recipient_membership() or form.default_recipient,
                        parts={key: form.cleaned_data.get(key, "") for key in services.PARTS},
                        involved=form.involved_memberships(), unit=form.unit_object(),
                        discrimination_ground=form.cleaned_data.get("discrimination_ground") or "",
                        is_whistleblowing=form.cleaned_data.get("is_whistleblowing", False),
                        notify_email=form.cleaned_data.get("notify_email") or "",
                        attachments=_uploads(form.cleaned_data.get("attachments") or []),
                        voice=_uploads([voice])[0] if (voice := form.voice_upload()) else None,
                    )
                except ValidationError as error:
                    receipts.submission_refused(source)
                    if token:
                        submission.release(token)
                    _add_errors(form, error)
                else:
                    # A form without a token (not ours) still gets its receipt, just no guard.
                    code_key = submission.sent(token, code) if token else ""
                    return _to_receipt(request, org_slug, (code, code_key))
        if not throttled and "recipient" in form.errors and request.POST.get("recipient"):
            try:
                if int(request.POST["recipient"]) in excluded:
                    form.errors["recipient"] = form.error_class([_(
                        "This person is involved in what you describe, so they cannot receive your "
                        "report. Choose someone else below."
                    )])
            except ValueError:
                pass
    else:
        initial = {}
        if request.GET.get("ontvanger", "").isdigit():
            initial["recipient"] = request.GET["ontvanger"]
        form = ReportForm(organisation=organisation, initial=initial)
    manager_involved = False
    if form.is_bound and hasattr(form, "cleaned_data"):
        unit = form.cleaned_data.get("unit")
        manager_involved = reporter_manager_involved(
            organisation_id=organisation.pk, reporter_unit_id=int(unit) if unit else None,
            involved_ids={int(pk) for pk in form.cleaned_data.get("involved_people") or []},
        )
    if form.is_bound:
        form.name_default()
    # A refused submission is a 429, so that clients and monitoring see the throttle.
    response = render(request, "reporting/report_form.html", {
        "form": form, "no_recipients": not form.available, "manager_involved": manager_involved,
        "submission_token": token or submission.token_new(),
    }, status=429 if throttled else 200)
    # The one page that may use the microphone, for a spoken report recorded in the browser.
    response["Permissions-Policy"] = "camera=(), microphone=(self), geolocation=(), interest-cohort=()"
    return _no_store(response)


@never_cache
@require_http_methods(["GET"])
def receipt(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    """The receipt code, shown once; afterwards (a refresh, the back button) a calm page that
    says it was shown already and how to go on. Never sends anything."""
    _public(request, org_slug)
    path = reverse("reporting:receipt", args=[org_slug])
    code = submission.receipt_cookie_take(request, path=path)
    if code is None:
        response = render(request, "reporting/receipt_shown.html")
    else:
        response = render(request, "reporting/receipt.html", {"code": receipts.receipt_format(code)})
    submission.receipt_cookie_clear(response, path=path)
    return _no_store(response)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def reporter_return(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    _public(request, org_slug)
    form = ReceiptForm(request.POST or None)
    throttled = False
    if request.method == "POST" and form.is_valid():
        code = receipts.receipt_normalise(form.cleaned_data["code"])
        source = throttle_source(request)  # transient: only a keyed hash reaches the cache
        if code is None:
            form.add_error("code", _("A receipt code has 16 digits."))  # not a guess: costs nothing
        elif not receipts.receipt_attempt_start(source):
            throttled = True
        else:
            access = services.reporter_open(code=code)
            if access is None or access.report.organisation.slug != org_slug:
                form.add_error("code", _("We do not recognise this code. Check the digits and try again."))
            else:
                receipts.receipt_attempt_succeeded(source)
                response = redirect("reporting:reporter_report", org_slug)
                reporter_cookie_set(request, response, access)
                return response
    status = 429 if throttled else 200
    return _no_store(render(request, "reporting/return.html", {"form": form, "throttled": throttled},
                            status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def reporter_report(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    _public(request, org_slug)
    access = reporter_access_from_cookie(request, org_slug)
    if access is None:
        return redirect("reporting:return", org_slug)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        if "withdraw_consent" in request.POST:
            question = selectors.question_get_for_reporter(
                access=access, pk=_int(request.POST.get("withdraw_consent")))
            # Withdrawn already, or not a consent: the page simply shows the current state.
            with contextlib.suppress(ValidationError):
                services.dialogue_withdraw_consent(access=access, question=question)
            return redirect("reporting:reporter_report", org_slug)
        if "answer" in request.POST:
            question = selectors.question_get_for_reporter(
                access=access, pk=_int(request.POST.get("question")))
            # Already answered or not a choice: the page simply shows the current state.
            with contextlib.suppress(ValidationError):
                services.dialogue_answer(question=question, answer=request.POST["answer"])
            return redirect("reporting:reporter_report", org_slug)
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            source = throttle_source(request)  # transient: only a keyed hash reaches the cache
            if not receipts.message_start(report_id=access.report.pk, source=source):
                # Each message e-mails every recipient: a brake on flooding their mailboxes.
                status = 429
                form.add_error(None, _("You have sent many messages in a short time. Your "
                                       "message was not sent; please try again in an hour."))
            else:
                try:
                    services.reporter_reply(access=access, body=form.cleaned_data["body"],
                                            attachments=_uploads(form.cleaned_data["attachments"]))
                except ValidationError as error:
                    receipts.message_refused(report_id=access.report.pk, source=source)
                    _add_errors(form, error)
                else:
                    return redirect("reporting:reporter_report", org_slug)
    view = selectors.reporter_view(access=access)
    services.reporter_mark_read(access=access)
    response = render(request, "reporting/reporter_report.html", {"view": view, "form": form,
                                                                  "parts": _part_labels()},
                      status=status)
    reporter_cookie_set(request, response, access)  # sliding 30 minutes
    return _no_store(response)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise Http404 from error


def reporter_attachment(request: PublicOrganisationRequest, org_slug: str, pk: int) -> HttpResponse:
    _public(request, org_slug)
    access = reporter_access_from_cookie(request, org_slug)
    if access is None:
        raise Http404
    view, data = selectors.attachment_data_for(actor=None, report=access.report, pk=pk, access=access)
    return _download(view, data)


def _download(view: Any, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=view.content_type)
    response["Content-Disposition"] = f'attachment; filename="{view.name}"'
    return _no_store(response)


@require_POST
def reporter_close(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    _public(request, org_slug)
    response = redirect("reporting:route", org_slug)
    reporter_cookie_clear(response, org_slug)
    return response


def _part_labels() -> list[tuple[str, str]]:
    return [
        ("narrative", _("What happened")), ("when", _("When")), ("where", _("Where")),
        ("involved", _("Who was involved")), ("witnesses", _("Witnesses")),
        ("impact", _("What it does to you")), ("wishes", _("What you would like")),
        ("identity", _("Name")), ("contact", _("Contact")),
    ]


@require_http_methods(["GET", "POST"])
def callback_new(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    """"I want to talk to someone before I report": a way to be reached, for one advisor."""
    organisation = _public(request, org_slug)
    slots = list(selectors.free_slots(organisation_id=organisation.pk)[:30])
    form = CallbackForm(request.POST or None, organisation=organisation, slots=slots)
    if request.method == "POST" and form.is_valid():
        recipient = form.recipient_membership() or default_recipient(organisation=organisation)
        try:
            services.callback_request(
                organisation=organisation, recipient=recipient, slot=form.slot_object(),
                how_to_reach=form.cleaned_data["how_to_reach"], when=form.cleaned_data["when"],
                name=form.cleaned_data["name"], category=form.cleaned_data["category"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _no_store(_see_other(reverse("reporting:callback_sent", args=[org_slug])))
    return _no_store(render(request, "reporting/callback_form.html", {
        "form": form, "no_recipients": not form.people}))


@require_http_methods(["GET"])
def callback_sent(request: PublicOrganisationRequest, org_slug: str) -> HttpResponse:
    _public(request, org_slug)
    return _no_store(render(request, "reporting/callback_sent.html"))
