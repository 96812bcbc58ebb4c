"""Every read of toolbox data, scoped to the asking member's organisation.

Other apps call `werkvormen_by_slugs` to link to werkvormen (quickscan recommendations, reporting
pages) and reverse `toolbox:werkvorm_detail` with (org_slug, slug).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from vangnet.organisations.public import (
    Actor,
    active_memberships_in,
    unit_ancestor_ids,
    unit_parents,
    units_in,
)

from . import permissions
from .models import CalendarFeed, HiddenWerkvorm, Routine, RoutineOccurrence, TeamSession, Werkvorm
from .recurrence import next_date

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Unit

# --- werkvormen -----------------------------------------------------------------------------------


def _visible_q(organisation_id: int) -> Q:
    return Q(organisation__isnull=True) | Q(organisation_id=organisation_id)


def _hidden_subquery(organisation_id: int) -> Exists:
    return Exists(HiddenWerkvorm.objects.filter(organisation_id=organisation_id,
                                                werkvorm_id=OuterRef("pk")))


def werkvormen_for_organisation(*, organisation_id: int, include_hidden: bool = False
                                ) -> QuerySet[Werkvorm]:
    """Built-in werkvormen plus the organisation's own; hidden ones left out unless asked.

    `is_hidden` is annotated so that list pages need one query whatever the number of rows.
    """
    queryset = (Werkvorm.objects.filter(_visible_q(organisation_id))
                .annotate(is_hidden=_hidden_subquery(organisation_id)))
    if not include_hidden:
        queryset = queryset.filter(is_hidden=False)
    return queryset.order_by("title_nl", "pk")


def werkvormen_for_actor(*, actor: Actor, include_hidden: bool = False) -> QuerySet[Werkvorm]:
    include_hidden = include_hidden and permissions.can_manage_catalogue(actor)
    return werkvormen_for_organisation(organisation_id=actor.organisation_id,
                                       include_hidden=include_hidden)


def werkvormen_by_slugs(organisation_id: int, slugs: Sequence[str]) -> list[Werkvorm]:
    """The visible werkvormen with these slugs, in the order asked; unknown or hidden are skipped.

    An organisation's own werkvorm with the same slug as a built-in one wins.
    """
    found: dict[str, Werkvorm] = {}
    for werkvorm in werkvormen_for_organisation(organisation_id=organisation_id).filter(
        slug__in=list(slugs)
    ):
        if werkvorm.slug not in found or werkvorm.organisation_id is not None:
            found[werkvorm.slug] = werkvorm
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


def werkvorm_get_for_actor(*, actor: Actor, slug: str) -> Werkvorm:
    """One werkvorm by slug; 404 when it does not exist, belongs elsewhere, or is hidden.

    Coordinators may still open a hidden werkvorm (to show it again).
    """
    candidates = list(
        werkvormen_for_actor(actor=actor, include_hidden=True).filter(slug=slug)
    )
    candidates.sort(key=lambda w: w.organisation_id is None)  # the organisation's own first
    if not candidates:
        raise Http404
    werkvorm = candidates[0]
    if werkvorm.is_hidden and not permissions.can_manage_catalogue(actor):  # type: ignore[attr-defined]
        raise Http404
    return werkvorm


@dataclass(frozen=True)
class WerkvormFilters:
    query: str = ""
    pillar: int | None = None
    theme: str = ""
    audience: str = ""
    kind: str = ""
    max_minutes: int | None = None
    group_size: int | None = None


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _search(queryset: QuerySet[Werkvorm], query: str, language: str) -> QuerySet[Werkvorm]:
    """Full-text search: PostgreSQL's Dutch (or English) text search, ranked; else `icontains`."""
    suffix = "en" if language == "en" else "nl"
    if _is_postgresql():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector  # noqa: PLC0415 - PostgreSQL only

        config = "english" if suffix == "en" else "dutch"
        vector = (SearchVector(f"title_{suffix}", weight="A", config=config)
                  + SearchVector(f"purpose_{suffix}", weight="B", config=config)
                  + SearchVector(f"search_text_{suffix}", weight="C", config=config))
        search_query = SearchQuery(query, config=config, search_type="websearch")
        return (queryset.annotate(rank=SearchRank(vector, search_query))
                .filter(rank__gt=0).order_by("-rank", "title_nl", "pk"))
    # SQLite: every word must appear somewhere; title hits rank above purpose above body hits.
    words = [word for word in query.split() if len(word) > 1][:8]
    if not words:
        return queryset
    rank_parts = []
    for word in words:
        in_title = Q(**{f"title_{suffix}__icontains": word})
        in_purpose = Q(**{f"purpose_{suffix}__icontains": word})
        in_body = Q(**{f"search_text_{suffix}__icontains": word})
        queryset = queryset.filter(in_title | in_purpose | in_body)
        rank_parts.append(Case(When(in_title, then=Value(4)), When(in_purpose, then=Value(2)),
                               default=Value(1), output_field=IntegerField()))
    rank: Any = rank_parts[0]
    for part in rank_parts[1:]:
        rank = rank + part
    return queryset.annotate(rank=rank).order_by("-rank", "title_nl", "pk")


def werkvormen_filtered(*, actor: Actor, filters: WerkvormFilters, language: str,
                        include_hidden: bool = False) -> QuerySet[Werkvorm]:
    queryset = werkvormen_for_actor(actor=actor, include_hidden=include_hidden)
    if filters.pillar:
        queryset = queryset.filter(pillars_tag__contains=f",{filters.pillar},")
    if filters.theme:
        queryset = queryset.filter(themes_tag__contains=f",{filters.theme},")
    if filters.audience:
        queryset = queryset.filter(audience_tag__contains=f",{filters.audience},")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.max_minutes:
        queryset = queryset.filter(duration_minutes__lte=filters.max_minutes)
    if filters.group_size:
        queryset = queryset.filter(group_min__lte=filters.group_size,
                                   group_max__gte=filters.group_size)
    if filters.query.strip():
        queryset = _search(queryset, filters.query.strip(), language)
    return queryset


# --- units, sessions, routines --------------------------------------------------------------------


def managed_unit_ids(*, actor: Actor) -> set[int]:
    return set(units_in(organisation_id=actor.organisation_id)
               .filter(managers__pk=actor.membership_id).values_list("pk", flat=True))


def _unit_tree(organisation_id: int) -> dict[int, int | None]:
    return unit_parents(organisation_id=organisation_id)


def _line(unit_id: int, parents: dict[int, int | None]) -> list[int]:
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def plannable_units(*, actor: Actor) -> QuerySet[Unit]:
    """Units this person may plan sessions and routines for."""
    units = units_in(organisation_id=actor.organisation_id).order_by("name")
    if permissions.can_plan_anywhere(actor):
        return units
    managed = managed_unit_ids(actor=actor)
    if not managed or not permissions.can_plan_for_unit(actor, unit_line_ids=managed,
                                                        managed_unit_ids=managed):
        return units.none()
    parents = _unit_tree(actor.organisation_id)
    allowed = [unit_id for unit_id in parents if set(_line(unit_id, parents)) & managed]
    return units.filter(pk__in=allowed)


def can_plan_for(*, actor: Actor, unit: Unit) -> bool:
    if unit.organisation_id != actor.organisation_id:
        return False
    return permissions.can_plan_for_unit(
        actor, unit_line_ids=unit_ancestor_ids(unit_id=unit.pk, organisation_id=unit.organisation_id),
        managed_unit_ids=managed_unit_ids(actor=actor),
    )


def visible_routine_units(*, actor: Actor) -> QuerySet[Unit]:
    """The member's own team and every unit they may plan for."""
    plannable = plannable_units(actor=actor)
    own = Q(pk=actor.unit_id) if actor.unit_id else Q(pk__in=[])
    return (units_in(organisation_id=actor.organisation_id)
            .filter(own | Q(pk__in=plannable.values("pk"))).order_by("name"))


def unit_get_for_planning(*, actor: Actor, pk: int) -> Unit:
    unit = plannable_units(actor=actor).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def sessions_for_actor(*, actor: Actor) -> QuerySet[TeamSession]:
    return (TeamSession.objects.filter(organisation_id=actor.organisation_id,
                                       unit__in=visible_routine_units(actor=actor))
            .select_related("unit").order_by("-created_at"))


def session_get_for_actor(*, actor: Actor, pk: int) -> TeamSession:
    session = sessions_for_actor(actor=actor).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def routines_for_actor(*, actor: Actor) -> QuerySet[Routine]:
    return (Routine.objects.filter(organisation_id=actor.organisation_id,
                                   unit__in=visible_routine_units(actor=actor))
            .select_related("unit", "werkvorm").order_by("unit__name", "title"))


def routine_get_for_actor(*, actor: Actor, pk: int) -> Routine:
    routine = routines_for_actor(actor=actor).filter(pk=pk).first()
    if routine is None:
        raise Http404
    return routine


@dataclass(frozen=True)
class UpcomingRoutine:
    routine: Routine
    next_on: date
    done: bool


def upcoming_routines(*, routines: Iterable[Routine], today: date) -> list[UpcomingRoutine]:
    """What is next per routine, soonest first (one query for the done marks)."""
    active = [r for r in routines if r.is_active]
    nexts = {r.pk: next_date(starts_on=r.starts_on, frequency=r.frequency, today=today)
             for r in active}
    done = set(RoutineOccurrence.objects.filter(
        routine__in=[r.pk for r in active], done_at__isnull=False, date__gte=today
    ).values_list("routine_id", "date"))
    items = [UpcomingRoutine(routine=r, next_on=nexts[r.pk], done=(r.pk, nexts[r.pk]) in done)
             for r in active]
    return sorted(items, key=lambda item: (item.next_on, item.routine.title))


def recent_occurrences(*, routine: Routine, limit: int = 10) -> list[RoutineOccurrence]:
    return list(routine.occurrences.filter(done_at__isnull=False).order_by("-date")[:limit])


def feed_for_token_hash(*, token_hash: str) -> CalendarFeed | None:
    """The feed for a secret token, while its holder is still an active member of the organisation."""
    feed = (CalendarFeed.objects.select_related("unit", "unit__organisation", "membership")
            .filter(token_hash=token_hash, membership__is_active=True).first())
    if feed is None or feed.membership.organisation_id != feed.unit.organisation_id:
        return None
    return feed


def routines_for_unit(*, unit: Unit) -> QuerySet[Routine]:
    """For the calendar feed, after the feed's holder was checked against the unit."""
    return Routine.objects.filter(unit=unit, is_active=True).select_related("werkvorm")


def routines_of_team(*, actor: Actor, unit: Unit, werkvorm_slugs: Sequence[str],
                     today: date) -> list[UpcomingRoutine]:
    """The team's active routines with one of these werkvormen, with their next date; for pages of
    other apps that show a team's rhythm (conduct: the quarterly discussion of the code)."""
    if unit.organisation_id != actor.organisation_id:
        return []
    routines = (Routine.objects.filter(organisation_id=actor.organisation_id, unit=unit,
                                       is_active=True, werkvorm__slug__in=list(werkvorm_slugs))
                .select_related("werkvorm"))
    return upcoming_routines(routines=routines, today=today)


def unit_members(*, unit: Unit) -> QuerySet[Membership]:
    return (active_memberships_in(organisation_id=unit.organisation_id)
            .filter(unit=unit).select_related("user"))
