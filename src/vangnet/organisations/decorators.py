"""`organisation_view`: the one way a view gets its organisation, membership and actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .selectors import OrganisationSwitch, actor_for, membership_get_for_user, organisation_switch_for

if TYPE_CHECKING:
    from .models import Membership, Organisation
    from .permissions import Actor


class PublicOrganisationRequest(HttpRequest):
    """A public page of one organisation (no login): the view sets `organisation` for the
    templates (name, logo, theme)."""

    organisation: Organisation


class OrganisationRequest(PublicOrganisationRequest):
    """The request an `organisation_view` receives: who asks, in which organisation. Annotate such
    views with it instead of HttpRequest, so the three attributes are checked, not ignored."""

    membership: Membership
    actor: Actor
    organisation_switch: OrganisationSwitch | None


def organisation_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Requires login and a membership of the organisation in the URL (`org_slug`); 404 otherwise.

    Sets `request.membership`, `request.organisation` and `request.actor`.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_get_for_user(user=request.user, organisation_slug=org_slug)
        scoped = cast(OrganisationRequest, request)
        scoped.membership = membership
        scoped.organisation = membership.organisation
        scoped.actor = actor_for(membership)
        scoped.organisation_switch = organisation_switch_for(membership)
        return view(scoped, *args, **kwargs)

    return wrapper
