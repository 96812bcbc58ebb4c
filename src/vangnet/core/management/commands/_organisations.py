"""Resolving an organisation slug in core's commands without importing a domain app."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import CommandError


def organisation_id_for(slug: str | None) -> int | None:
    """The organisation's id, or None (the platform chain) when no slug is given."""
    if not slug:
        return None
    organisation_model = apps.get_model("organisations", "Organisation")
    found = organisation_model.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if found is None:
        raise CommandError(f"No organisation with slug {slug!r}.")
    return int(found)
