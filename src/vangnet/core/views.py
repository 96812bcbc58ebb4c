"""Pages that belong to no organisation: the landing page, privacy and accessibility. The start
page, which knows the visitor's organisations, is organisations.views.start (core knows no app)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/landing.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def quick_exit(request: HttpRequest) -> HttpResponse:
    """The quick exit's destination (issue 12): a redirect to a neutral site, so pages hold no
    third-party address. No referrer, nothing cached, nothing logged about the visitor."""
    response = HttpResponseRedirect(settings.VANGNET_QUICK_EXIT_URL)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
