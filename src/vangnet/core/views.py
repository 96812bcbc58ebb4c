"""Pages that belong to no organisation: the landing page, privacy and accessibility."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vangnet.organisations.public import memberships_of_user


def home(request: HttpRequest) -> HttpResponse:
    """Logged in with one organisation: go there. Several: choose. Not logged in: the landing."""
    if request.user.is_authenticated:
        memberships = list(memberships_of_user(user=request.user))
        if len(memberships) == 1:
            return redirect("organisations:home", memberships[0].organisation.slug)
        return render(request, "core/choose_organisation.html", {"memberships": memberships})
    return render(request, "core/landing.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
