"""Toolbox API: the werkvormen an organisation's members can see, for intranets and integrations.

Read-only. Authenticated with the Vangnet session (same rules as the pages): a member sees the
built-in werkvormen plus the organisation's own, without the hidden ones; anyone else gets 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from vangnet.organisations.public import actor_for, membership_get_for_user

from . import selectors

PREFIX = "toolbox/"
router = Router(tags=["toolbox"], auth=django_auth)


class WerkvormSummaryOut(Schema):
    slug: str
    kind: str
    title: str
    purpose: str
    pillars: list[int]
    themes: list[str]
    audience: list[str]
    duration_minutes: int
    group_min: int
    group_max: int
    is_builtin: bool
    url: str


class WerkvormOut(WerkvormSummaryOut):
    preparation: str
    steps: list[str]
    why: str
    who_what_where: str
    tips: list[str]
    safety_note: str
    related: list[str]


class WerkvormFilterIn(Schema):
    q: str = ""
    pillar: int | None = None
    theme: str = ""
    audience: str = ""
    max_minutes: int | None = None
    group_size: int | None = None
    language: Literal["nl", "en"] = "nl"


def _actor(request: HttpRequest, org_slug: str) -> Any:
    try:
        return actor_for(membership_get_for_user(user=request.user, organisation_slug=org_slug))
    except Http404 as error:
        raise HttpError(404, "Not found") from error


def _summary(werkvorm: Any, language: str, org_slug: str) -> dict[str, Any]:
    return {
        "slug": werkvorm.slug, "kind": werkvorm.kind, "title": werkvorm.title(language),
        "purpose": werkvorm.purpose(language), "pillars": werkvorm.pillars,
        "themes": werkvorm.themes, "audience": werkvorm.audience,
        "duration_minutes": werkvorm.duration_minutes, "group_min": werkvorm.group_min,
        "group_max": werkvorm.group_max, "is_builtin": werkvorm.is_builtin,
        "url": reverse("toolbox:werkvorm_detail", kwargs={"org_slug": org_slug,
                                                          "slug": werkvorm.slug}),
    }


@router.get("/{org_slug}/werkvormen", response=list[WerkvormSummaryOut])
def werkvorm_list(request: HttpRequest, org_slug: str,
                  filters: Query[WerkvormFilterIn]) -> list[dict[str, Any]]:
    actor = _actor(request, org_slug)
    chosen = selectors.WerkvormFilters(
        query=filters.q[:100], pillar=filters.pillar if filters.pillar in (1, 2, 3, 4) else None,
        theme=filters.theme, audience=filters.audience,
        max_minutes=filters.max_minutes if filters.max_minutes and filters.max_minutes > 0 else None,
        group_size=filters.group_size if filters.group_size and filters.group_size > 0 else None)
    found = selectors.werkvormen_filtered(actor=actor, filters=chosen, language=filters.language)
    return [_summary(w, filters.language, org_slug) for w in found]


@router.get("/{org_slug}/werkvormen/{slug}", response=WerkvormOut)
def werkvorm_detail(request: HttpRequest, org_slug: str, slug: str,
                    language: Literal["nl", "en"] = "nl") -> dict[str, Any]:
    actor = _actor(request, org_slug)
    try:
        werkvorm = selectors.werkvorm_get_for_actor(actor=actor, slug=slug)
    except Http404 as error:
        raise HttpError(404, "Not found") from error
    body = werkvorm.body(language)
    return {**_summary(werkvorm, language, org_slug), **{
        key: body.get(key, [] if key in ("steps", "tips") else "")
        for key in ("preparation", "steps", "why", "who_what_where", "tips", "safety_note")},
        "related": werkvorm.related}
