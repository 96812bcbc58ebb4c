"""The coordinator's audit log page: where checkpoints go, and one to download now (ADR 0054)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.core.anchoring import checkpoint_json
from vangnet.organisations.public import OrganisationRequest

from .audit_anchor import audit_anchor_get_for, audit_anchor_save, audit_checkpoint_for
from .decorators import organisation_view


class AuditAnchorForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address for audit checkpoints"), max_length=254,
        help_text=_("Choose an address outside Vangnet's management, for example of your "
                    "organisation's records office."),
        error_messages={"invalid": _("Enter an e-mail address, like archief@example.org."),
                        "required": _("Enter an e-mail address.")},
    )


@organisation_view
@require_http_methods(["GET", "POST"])
def audit_anchor(request: OrganisationRequest) -> HttpResponse:
    actor = request.actor
    anchor = audit_anchor_get_for(actor=actor)
    form = AuditAnchorForm(request.POST or None,
                           initial={"email": anchor.email} if anchor else None)
    if request.method == "POST" and form.is_valid():
        audit_anchor_save(actor=actor, user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Saved. The first checkpoint has been sent to this address; "
                                    "from now on one follows every day."))
        return redirect("organisations:audit_anchor", actor.organisation_slug)
    return render(request, "organisations/audit_anchor.html", {"form": form, "anchor": anchor})


@organisation_view
@require_GET
def audit_checkpoint_download(request: OrganisationRequest) -> HttpResponse:
    checkpoint = audit_checkpoint_for(actor=request.actor)
    response = HttpResponse(checkpoint_json(checkpoint), content_type="application/json")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="audit-controlepunt-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
