"""Every read of the pulse, scoped to the asking person or the respondent's link (ADR 0081).
Results are read from the snapshot a wave keeps from its closing: a page costs the same whatever
the number of answers, and shows only what the snapshot allows and the reader may see."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
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
    managed_subtree,
    unit_names,
    unit_parents,
    unit_tree,
)
from vangnet.surveys.public import SurveyTables, Texts, link_get_open
from vangnet.toolbox.public import werkvormen_by_slugs

from .content import CONTENT_DIR
from .content import instrument as pulse_instrument
from .models import (
    PulseGroup,
    PulseLink,
    PulsePlan,
    PulseResponse,
    PulseRound,
    PulseSettings,
    PulseUnitResult,
    TeamAction,
)
from .permissions import (
    can_see_organisation_figures,
    can_see_own_unit,
    can_view_pulse,
    visible_unit_ids,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation

TABLES = SurveyTables(round=PulseRound, group=PulseGroup, link=PulseLink, response=PulseResponse)


# --- settings --------------------------------------------------------------------------------


def settings_get(*, organisation_id: int) -> PulseSettings:
    """The organisation's pulse settings (the defaults when none were saved)."""
    found = PulseSettings.objects.filter(organisation_id=organisation_id).first()
    return found or PulseSettings(organisation_id=organisation_id)


def employees_see_results(*, organisation_id: int) -> bool:
    return settings_get(organisation_id=organisation_id).employees_see_results


def own_unit_shared(*, actor: Actor) -> bool:
    """Whether this person sees their own unit's closed waves as an employee (one query, none
    for someone without a unit)."""
    if actor.unit_id is None:
        return False
    return can_see_own_unit(actor, employees_see_results=employees_see_results(
        organisation_id=actor.organisation_id))


def has_own_unit_results(*, actor: Actor) -> bool:
    """For the menu: a closed wave with this employee's unit exists and the organisation shares
    results with employees (one query)."""
    if actor.unit_id is None or can_view_pulse(actor):
        return False
    return (PulseRound.objects.filter(organisation_id=actor.organisation_id,
                                      status=PulseRound.Status.CLOSED,
                                      groups__unit_id=actor.unit_id)
            .exclude(organisation__pulse_settings__employees_see_results=False).exists())


# --- plans and waves -------------------------------------------------------------------------


def plans_for_actor(*, actor: Actor) -> QuerySet[PulsePlan]:
    plans = PulsePlan.objects.filter(organisation_id=actor.organisation_id)
    if actor.has(Role.COORDINATOR):
        return plans
    return plans.filter(units__in=managed_subtree(actor=actor)).distinct()


def rounds_for_actor(*, actor: Actor, shared: bool | None = None) -> QuerySet[PulseRound]:
    """Every wave for those who run or read the pulse; for an employee only the closed waves of
    their own unit, when the organisation shares results with employees (`shared`, looked up
    when not given)."""
    rounds = PulseRound.objects.filter(organisation_id=actor.organisation_id)
    if can_view_pulse(actor):
        return rounds
    if shared is None:
        shared = own_unit_shared(actor=actor)
    if not shared or actor.unit_id is None:
        return PulseRound.objects.none()
    unit_id: int = actor.unit_id
    return rounds.filter(status=PulseRound.Status.CLOSED, groups__unit_id=unit_id)


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
    held_back: int = 0  # of the hidden: held back because too few differ from an earlier wave


def wave_view(*, actor: Actor, round_: PulseRound) -> WaveView:
    """The closed wave's results for this reader (404 while open or for another organisation)."""
    if round_.organisation_id != actor.organisation_id or round_.is_open or not round_.results:
        raise Http404
    data = round_.results
    all_units = {u["unit_id"] for u in data["units"] if u["unit_id"] is not None}
    mine = visible_unit_ids(actor, all_unit_ids=all_units, managed_subtree=managed_subtree(
        actor=actor), employees_see_results=own_unit_shared(actor=actor))
    org_figures = can_see_organisation_figures(actor)
    if not mine and not org_figures:
        raise Http404
    units = [u for u in data["units"] if u["unit_id"] in mine and u["shown"]]
    hidden = sum(1 for u in data["units"] if u["unit_id"] in mine and not u["shown"])
    held_back = sum(1 for u in data["units"] if u["unit_id"] in mine and not u["shown"]
                    and u.get("reason") == "too_close")
    return WaveView(round=round_, k=data["k"], units=units, hidden_count=hidden,
                    held_back=held_back,
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
    """Every closed wave of this unit, per scale, with intervals (404 for a unit this person may
    not see); see `unit_trends`."""
    return unit_trends(actor=actor, unit_ids=[unit_id], plan=plan, strict=True)[unit_id]


def unit_name(*, actor: Actor, unit_id: int) -> str:
    """The name of a unit of this person's organisation (call after checking they may see it)."""
    return unit_names(organisation_id=actor.organisation_id).get(unit_id, "")


def unit_trends(*, actor: Actor, unit_ids: Collection[int], plan: PulsePlan | None = None,
                strict: bool = False) -> dict[int, list[TrendPoint]]:
    """Every closed wave of these units, per scale, with intervals, in a constant number of
    queries; a change is flagged only when it is larger than its uncertainty
    (`core.statistics.change_is_beyond_uncertainty`). A wave in which a unit was below the
    threshold is a gap, never a figure. Units this person may not see are left out (with
    `strict`, any of them is a 404)."""
    all_units = set(unit_parents(organisation_id=actor.organisation_id))
    allowed = visible_unit_ids(actor, all_unit_ids=all_units,
                               managed_subtree=managed_subtree(actor=actor),
                               employees_see_results=own_unit_shared(actor=actor))
    wanted = set(unit_ids)
    if strict and not wanted <= allowed:
        raise Http404
    wanted &= allowed
    if not wanted:
        return {}
    # Only these units' rows of the closed waves (ADR 0135): one row per unit per wave, found
    # through the (unit, round) index, never the other teams' results.
    rows = PulseUnitResult.objects.filter(unit_id__in=wanted,
                                          round__organisation_id=actor.organisation_id,
                                          round__status=PulseRound.Status.CLOSED)
    if plan is not None:
        rows = rows.filter(round__plan=plan)
    actions: dict[tuple[int, int], list[str]] = {}
    for unit_id, round_id, text in TeamAction.objects.filter(unit_id__in=wanted).values_list(
            "unit_id", "round_id", "text"):
        actions.setdefault((unit_id, round_id), []).append(text)
    points: dict[int, list[TrendPoint]] = {unit_id: [] for unit_id in wanted}
    previous: dict[tuple[int, str], Interval] = {}
    for unit_id, round_id, wave, closed_at, unit in rows.order_by(
            "round__closed_at", "round_id", "group_id").values_list(
            "unit_id", "round_id", "round__wave", "round__closed_at", "entry"):
        shown_scales: dict[str, Any] = unit["scales"] if unit["shown"] else {}
        for scale, figures in shown_scales.items():
            interval = (Interval(mean=figures["mean"], low=figures["low"],
                                 high=figures["high"], n=figures["n"])
                        if figures["mean"] is not None else None)
            before = previous.get((unit_id, scale))
            changed = bool(interval and before
                           and change_is_beyond_uncertainty(before, interval))
            points[unit_id].append(TrendPoint(
                round_id=round_id, wave=wave, closed_at=closed_at, scale=scale,
                mean=figures["mean"], low=figures["low"], high=figures["high"],
                n=figures["n"], changed=changed,
                actions=actions.get((unit_id, round_id), [])))
            if interval:
                previous[(unit_id, scale)] = interval
        if not unit["shown"]:
            # A gap: the wave exists for this unit, without a figure.
            points[unit_id].append(TrendPoint(
                round_id=round_id, wave=wave, closed_at=closed_at, scale="", mean=None,
                low=None, high=None, n=None, changed=False, actions=[]))
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
