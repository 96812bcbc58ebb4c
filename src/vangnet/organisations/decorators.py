"""`organisation_view`: the one way a view gets its organisation, membership and actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .selectors import actor_for, membership_get_for_user


def organisation_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Requires login and a membership of the organisation in the URL (`org_slug`); 404 otherwise.

    Sets `request.membership`, `request.organisation` and `request.actor`.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_get_for_user(user=request.user, organisation_slug=org_slug)
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation  # type: ignore[attr-defined]
        request.actor = actor_for(membership)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
