from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_items_for


def vangnet(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the active membership (if any) and the demo flag."""
    actor = getattr(request, "actor", None)
    return {
        "nav_items": nav_items_for(actor) if actor is not None else [],
        "membership": getattr(request, "membership", None),
        "organisation": getattr(request, "organisation", None),
        "organisation_switch": getattr(request, "organisation_switch", None),
        "VANGNET_DEMO": settings.VANGNET_DEMO,
    }
