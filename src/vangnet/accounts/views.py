"""Single sign-on: find the organisation's identity provider from a work e-mail address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vangnet.organisations.public import organisation_for_sso_domain

from .forms import SsoEmailForm


@require_http_methods(["GET", "POST"])
def sso_start(request: HttpRequest) -> HttpResponse:
    """Ask for the work e-mail address and send the person to their organisation's SSO.

    The login page does not list organisations (that would reveal who the clients are); the
    e-mail domain says which identity provider to use.
    """
    form = SsoEmailForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        domain = form.cleaned_data["email"].rpartition("@")[2]
        organisation = organisation_for_sso_domain(domain=domain)
        if organisation is not None:
            return redirect("organisations:sso_login", organisation.slug)
        not_found = True
    return render(request, "accounts/sso_start.html", {"form": form, "not_found": not_found},
                  status=200)
