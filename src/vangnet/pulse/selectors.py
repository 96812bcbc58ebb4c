"""Every read of the pulse, scoped to the asking person or the respondent's link (ADR 0081).
Results are read from the snapshot a wave keeps from its closing: a page costs the same whatever
the number of answers, and shows only what the snapshot allows and the reader may see."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

from vangnet.core.statistics import Interval, change_is_beyond_uncertainty
from vangnet.organisations.public import (
    Actor,
    Role,
    managed_unit_ids_of,
    unit_parents,
    unit_tree,
)
from vangnet.surveys.public import SurveyTables, link_get_open
from vangnet.toolbox.public import werkvormen_by_slugs

from .content import CONTENT_DIR, Texts
from .content import instrument as pulse_instrument
from .models import PulseGroup, PulseLink, PulsePlan, PulseResponse, PulseRound, TeamAction
from .permissions import can_see_organisation_figures, can_view_pulse, visible_unit_ids

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation

TABLES = SurveyTables(round=PulseRound, group=PulseGroup, link=PulseLink, response=PulseResponse)


def _subtree(organisation_id: int, roots: set[int]) -> set[int]:
    parents = unit_parents(organisation_id=organisation_id)
    chosen = set(roots) & set(parents)
    grew = True
    while grew:
        more = {pk for pk, parent in parents.items() if parent in chosen} - chosen
        chosen |= more
        grew = bool(more)
    return chosen


def managed_subtree(*, actor: Actor) -> set[int]:
    """The units a manager manages and every unit below them (empty for non-managers)."""
    if not actor.has(Role.MANAGER):
        return set()
    return _subtree(actor.organisation_id, managed_unit_ids_of(membership_id=actor.membership_id))


# --- plans and waves -------------------------------------------------------------------------


def plans_for_actor(*, actor: Actor) -> QuerySet[PulsePlan]:
    plans = PulsePlan.objects.filter(organisation_id=actor.organisation_id)
    if actor.has(Role.COORDINATOR):
        return plans
    return plans.filter(units__in=managed_subtree(actor=actor)).distinct()


def rounds_for_actor(*, actor: Actor) -> QuerySet[PulseRound]:
    if not can_view_pulse(actor):
        return PulseRound.objects.none()
    return PulseRound.objects.filter(organisation_id=actor.organisation_id)


def round_get_for_actor(*, actor: Actor, pk: int) -> PulseRound:
    round_ = rounds_for_actor(actor=actor).filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


def link_get_open_for(*, organisation: Organisation, raw: str) -> PulseLink | None:
    link = link_get_open(TABLES, organisation_id=organisation.pk, raw=raw)
    return link if isinstance(link, PulseLink) else None


def response_counts(*, round_: PulseRound) -> dict[str, int]:
    """While a wave runs: invited and answered over the whole wave (no per-unit counts, which
    would tell a manager of a small team who has answered)."""
    invited = PulseLink.objects.filter(round=round_).count()
    answered = PulseResponse.objects.filter(round=round_, submitted=True).count()
    return {"invited": invited, "answered": answered}


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveView:
    """What one reader may see of one closed wave: the snapshot, cut to their units."""

    round: PulseRound
    k: int
    units: list[dict[str, Any]]  # shown units the reader may see
    hidden_count: int  # units in the wave the reader may see but below the threshold
    organisation: dict[str, Any] | None
    icc: dict[str, Any] | None
    open_answers: list[str]


def wave_view(*, actor: Actor, round_: PulseRound) -> WaveView:
    """The closed wave's results for this reader (404 while open or for another organisation)."""
    if round_.organisation_id != actor.organisation_id or round_.is_open or not round_.results:
        raise Http404
    data = round_.results
    all_units = {u["unit_id"] for u in data["units"] if u["unit_id"] is not None}
    mine = visible_unit_ids(actor, all_unit_ids=all_units, managed_subtree=managed_subtree(
        actor=actor))
    org_figures = can_see_organisation_figures(actor)
    if not mine and not org_figures:
        raise Http404
    units = [u for u in data["units"] if u["unit_id"] in mine and u["shown"]]
    hidden = sum(1 for u in data["units"] if u["unit_id"] in mine and not u["shown"])
    return WaveView(round=round_, k=data["k"], units=units, hidden_count=hidden,
                    organisation=data["organisation"] if org_figures else None,
                    icc=data["icc"] if org_figures else None,
                    open_answers=data["open"] if org_figures else [])


@dataclass(frozen=True)
class TrendPoint:
    round_id: int
    wave: int
    closed_at: Any
    scale: str
    mean: float | None
    low: float | None
    high: float | None
    n: int | None
    changed: bool  # beyond the uncertainty compared with the previous shown point
    actions: list[str]


def unit_trend(*, actor: Actor, unit_id: int, plan: PulsePlan | None = None) -> list[TrendPoint]:
    """Every closed wave of this unit, per scale, with intervals; a change is flagged only when
    it is larger than the uncertainty of both waves. A wave in which the unit was below the
    threshold is a gap, never a figure."""
    all_units = set(unit_parents(organisation_id=actor.organisation_id))
    if unit_id not in visible_unit_ids(actor, all_unit_ids=all_units,
                                       managed_subtree=managed_subtree(actor=actor)):
        raise Http404
    rounds = PulseRound.objects.filter(organisation_id=actor.organisation_id,
                                       status=PulseRound.Status.CLOSED,
                                       groups__unit_id=unit_id).order_by("closed_at", "pk")
    if plan is not None:
        rounds = rounds.filter(plan=plan)
    actions: dict[int, list[str]] = {}
    for round_id, text in TeamAction.objects.filter(unit_id=unit_id).values_list("round_id",
                                                                                 "text"):
        actions.setdefault(round_id, []).append(text)
    points: list[TrendPoint] = []
    previous: dict[str, Interval] = {}
    for round_id, wave, closed_at, data in rounds.values_list("pk", "wave", "closed_at",
                                                             "results"):
        unit = next((u for u in (data or {}).get("units", []) if u["unit_id"] == unit_id), None)
        shown_scales: dict[str, Any] = unit["scales"] if unit and unit["shown"] else {}
        for scale, figures in shown_scales.items():
            interval = (Interval(mean=figures["mean"], low=figures["low"], high=figures["high"],
                                 n=figures["n"]) if figures["mean"] is not None else None)
            before = previous.get(scale)
            changed = bool(interval and before and change_is_beyond_uncertainty(before, interval))
            points.append(TrendPoint(round_id=round_id, wave=wave, closed_at=closed_at,
                                     scale=scale, mean=figures["mean"], low=figures["low"],
                                     high=figures["high"], n=figures["n"], changed=changed,
                                     actions=actions.get(round_id, [])))
            if interval:
                previous[scale] = interval
    return points


# --- for other apps (public.py) ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitScaleScore:
    """One scale score of one unit in one closed wave, already suppressed (only units at or above
    the wave's threshold exist here)."""

    round_id: int
    closed_at: Any
    unit_id: int | None  # None: the organisation as a whole (only `with_organisation=True`)
    scale: str
    mean: float
    low: float
    high: float
    respondents: int
    rwg_j: float | None


def scale_scores_in(*, organisation_id: int, since: Any = None,
                    with_organisation: bool = False) -> list[UnitScaleScore]:
    """Scale scores per unit per closed wave of one organisation, from the suppressed snapshots:
    a unit below the threshold never appears. For the signals app. `with_organisation` adds the
    organisation's own figures of each wave (`unit_id=None`) where the wave shows them (its
    hidden units are in them only when together they are k or more)."""
    rounds = PulseRound.objects.filter(organisation_id=organisation_id,
                                       status=PulseRound.Status.CLOSED).order_by("closed_at", "pk")
    if since is not None:
        rounds = rounds.filter(closed_at__gte=since)
    scores = []
    for round_id, closed_at, data in rounds.values_list("pk", "closed_at", "results"):
        for unit in (data or {}).get("units", []):
            if not unit["shown"] or unit["unit_id"] is None:
                continue
            for scale, figures in unit["scales"].items():
                if figures["mean"] is None:
                    continue
                scores.append(UnitScaleScore(
                    round_id=round_id, closed_at=closed_at, unit_id=unit["unit_id"], scale=scale,
                    mean=figures["mean"], low=figures["low"], high=figures["high"],
                    respondents=figures["n"], rwg_j=figures["rwg_j"]))
        organisation = (data or {}).get("organisation") or {}
        if with_organisation and organisation.get("shown"):
            for scale, figures in (organisation.get("scales") or {}).items():
                if figures.get("mean") is None:
                    continue
                scores.append(UnitScaleScore(
                    round_id=round_id, closed_at=closed_at, unit_id=None, scale=scale,
                    mean=figures["mean"], low=figures["low"], high=figures["high"],
                    respondents=figures["n"], rwg_j=figures.get("rwg_j")))
    return scores


# --- from score to action ----------------------------------------------------------------------


@dataclass(frozen=True)
class WerkvormLink:
    slug: str
    title: str
    linked: bool  # known to the toolbox of this organisation (else: the content's title only)


@lru_cache(maxsize=128)
def _content_title(slug: str) -> Texts | None:
    try:
        with (CONTENT_DIR / "werkvormen" / f"{slug}.toml").open("rb") as handle:
            data = tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None
    return Texts(nl=data.get("nl", {}).get("title", slug), en=data.get("en", {}).get("title", slug))


def werkvormen_map(*, organisation_id: int,
                   wanted: dict[str, tuple[str, ...]]) -> dict[str, list[WerkvormLink]]:
    """The toolbox's werkvormen (visible to this organisation) for several keys, in one query;
    one the toolbox does not know (yet) keeps the title from the content file, without a link."""
    language_en = (get_language() or "nl").startswith("en")
    slugs = sorted({slug for group in wanted.values() for slug in group})
    found = {w.slug: WerkvormLink(w.slug, w.title_en if language_en else w.title_nl, True)
             for w in werkvormen_by_slugs(organisation_id, slugs)}
    for slug in slugs:
        title = found.get(slug) or _content_title(slug)
        if slug not in found and title is not None:
            found[slug] = WerkvormLink(slug, str(title), False)
    return {key: [found[slug] for slug in group if slug in found]
            for key, group in wanted.items()}


def plan_unit_choices(*, actor: Actor) -> list[tuple[int, str]]:
    """Units this person may plan a pulse for, in tree order, indented."""
    allowed = None if actor.has(Role.COORDINATOR) else managed_subtree(actor=actor)
    return [(unit.pk, "— " * depth + unit.name) for unit, depth in unit_tree(actor=actor)
            if allowed is None or unit.pk in allowed]


# --- for the yearly review of the code of conduct ----------------------------------------------


@dataclass(frozen=True)
class ReviewTrend:
    """One scale for the code of conduct's yearly review: a label and a display, suppressed."""

    label: str
    display: str


def review_trends(*, actor: Actor) -> list[ReviewTrend]:
    """Each scale's organisation figure in the last closed wave, beside the wave before, for the
    yearly review of the code of conduct (conduct.review_inputs). Organisation figures only, from
    the stored suppressed results; nothing for someone who may not see organisation figures."""
    if not can_see_organisation_figures(actor):
        return []
    waves = list(PulseRound.objects.filter(organisation_id=actor.organisation_id,
                                           status=PulseRound.Status.CLOSED)
                 .order_by("-closed_at", "-pk").values_list("results", flat=True)[:2])
    if not waves:
        return []
    latest = _organisation_scales(waves[0])
    before = _organisation_scales(waves[1]) if len(waves) > 1 else {}
    trends = []
    for scale in pulse_instrument().scales:
        now = latest.get(scale.code)
        trends.append(ReviewTrend(label=str(scale.name),
                                  display=_trend_display(now, before.get(scale.code))))
    return trends


def _organisation_scales(results: dict[str, Any] | None) -> dict[str, Interval]:
    organisation = (results or {}).get("organisation") or {}
    if not organisation.get("shown"):
        return {}
    return {code: Interval(mean=f["mean"], low=f["low"], high=f["high"], n=f["n"])
            for code, f in (organisation.get("scales") or {}).items() if f.get("mean") is not None}


def _trend_display(now: Interval | None, before: Interval | None) -> str:
    if now is None:
        return str(gettext("too few answers to show"))
    shown = number_format(now.mean, 1)
    if before is None:
        return shown
    if change_is_beyond_uncertainty(before, now):
        change = gettext("up from %(before)s") if now.mean > before.mean else gettext(
            "down from %(before)s")
    else:
        change = gettext("about the same as %(before)s")
    return f"{shown} ({change % {'before': number_format(before.mean, 1)}})"
