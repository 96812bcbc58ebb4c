"""`organisation_view`: the one way a view gets its organisation, membership and actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .selectors import actor_for, membership_get_for_user


def organisation_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Requires login and a membership of the organisation in the URL (`org_slug`); 404 otherwise.

    Sets `request.membership`, `request.organisation` and `request.actor`. Every answer is
    `private, no-store` unless the view chose otherwise: behind login a page shows people,
    roles, cases or survey results, and no browser cache or proxy may keep them.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_get_for_user(user=request.user, organisation_slug=org_slug)
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation  # type: ignore[attr-defined]
        request.actor = actor_for(membership)  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    return wrapper
