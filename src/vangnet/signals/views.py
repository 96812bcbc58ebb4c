"""Thin views: permission → selector or service → page (ADR 0090–0093)."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from vangnet.core.csvsafe import csv_writer
from vangnet.core.signal_sources import Quarter
from vangnet.organisations.public import OrganisationRequest, active_memberships_in, organisation_view
from vangnet.toolbox.public import render_pdf, werkvormen_by_slugs

from . import permissions, selectors, services
from .forms import AlertActionForm, HRImportForm
from .hr import EXAMPLE
from .report import PRINT_WIDTH_CM, report_blocks


def _quarter(request: OrganisationRequest) -> Quarter | None:
    text = request.GET.get("kwartaal", "")
    if not text:
        return None
    try:
        return Quarter.parse(text)
    except ValueError:
        return None


@organisation_view
def dashboard(request: OrganisationRequest) -> HttpResponse:
    board = selectors.dashboard_for(actor=request.actor, latest=_quarter(request))
    return render(request, "signals/dashboard.html", {
        "board": board, "can_act": permissions.can_turn_alert_into_action(request.actor),
        "can_import": permissions.can_manage_hr_figures(request.actor),
        "can_report": permissions.can_view_report(request.actor)})


@organisation_view
@require_http_methods(["GET", "POST"])
def alert(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    board = selectors.dashboard_for(actor=actor, latest=_quarter(request))
    found = board.alert(request.GET.get("sleutel", ""))
    if found is None:
        raise Http404
    language = get_language() or "nl"
    werkvormen = [{"slug": w.slug, "title": w.title(language)}
                  for w in werkvormen_by_slugs(actor.organisation_id, list(found.werkvormen))]
    form = None
    if permissions.can_turn_alert_into_action(actor):
        owners = [(m.pk, m.user.full_name or m.user.email)
                  for m in active_memberships_in(organisation_id=actor.organisation_id)
                  .select_related("user").order_by("user__full_name")[:500]]
        form = AlertActionForm(request.POST or None, owners=owners,
                               initial={"title": found.explanation[:200]})
        if request.method == "POST" and form.is_valid():
            try:
                services.alert_to_action(actor=actor, alert=found, title=form.cleaned_data["title"],
                                         description=form.cleaned_data["description"],
                                         owner_id=form.cleaned_data["owner"],
                                         due_date=form.cleaned_data["due_date"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, messages in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, messages)
                else:
                    form.add_error(None, error.messages)
            else:
                return redirect("quickscan:action_list", actor.organisation_slug)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "signals/alert.html", {
        "board": board, "alert": found, "werkvormen": werkvormen, "form": form,
        "unit_name": "" if found.unit_id is None else board.unit_names.get(found.unit_id, "")})


@organisation_view
@require_http_methods(["GET", "POST"])
def hr_import(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    jobs = selectors.hr_imports_for(actor=actor)
    form = HRImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["csv_file"]
        job = services.hr_import_create(actor=actor, file_name=str(getattr(upload, "name", "")),
                                        csv_text=form.cleaned_data["csv_file"])
        return redirect("signals:hr_import_status", actor.organisation_slug, job.pk)
    return render(request, "signals/hr_import.html", {"form": form, "jobs": jobs})


@organisation_view
def hr_import_example(request: OrganisationRequest) -> HttpResponse:
    selectors.hr_imports_for(actor=request.actor)
    response = HttpResponse(EXAMPLE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vangnet-hr-cijfers-voorbeeld.csv"'
    return response


@organisation_view
def hr_import_status(request: OrganisationRequest, pk: int) -> HttpResponse:
    job = selectors.hr_import_get(actor=request.actor, pk=pk)
    context = {"job": job, "finished": job.finished, "errors": job.errors}
    if getattr(request, "htmx", False):
        return render(request, "signals/partials/hr_progress.html", context)
    return render(request, "signals/hr_import_status.html", context)


def _report_board(request: OrganisationRequest) -> selectors.Dashboard:
    if not permissions.can_view_report(request.actor):
        raise Http404
    return selectors.dashboard_for(actor=request.actor, latest=_quarter(request), for_report=True)


@organisation_view
def report(request: OrganisationRequest) -> HttpResponse:
    board = _report_board(request)
    return render(request, "signals/report.html", {"board": board, "blocks": report_blocks(board)})


@organisation_view
def report_pdf(request: OrganisationRequest) -> HttpResponse:
    board = _report_board(request)
    pdf = render_pdf("signals/report_pdf.html", {
        "board": board, "blocks": report_blocks(board), "organisation": request.organisation,
        "print_width_cm": f"{PRINT_WIDTH_CM:g}"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="signalen-{board.latest.label}.pdf"'
    return response


@organisation_view
def report_csv(request: OrganisationRequest) -> HttpResponse:
    board = _report_board(request)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["afdeling_of_team", "bron", "meting", *[q.label for q in board.quarters]])
    labels = {m.key: (block.label, str(m.label)) for block in board.sources for m in block.measures}
    for row in board.rows:
        for key, cells in row.cells.items():
            source, label = labels[key]
            writer.writerow([row.name or request.organisation.name, source, label,
                             *[c.display for c in cells]])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signalen-{board.latest.label}.csv"'
    return response
