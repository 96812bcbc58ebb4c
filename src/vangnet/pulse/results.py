"""The results of one closed wave, computed once at closing and kept (ADR 0081). Pure functions:
no database, no request. Every figure about people goes through `core.anonymity`; the statistics
are `core.statistics`'.

Rules (ADR 0053, 0081):
- A unit's answers count towards the threshold k through `core.anonymity.counting_size`: only
  answers through personal links bound to members, unless the organisation accepted the risk of
  shared links for the wave in writing. A unit below k is shown nowhere.
- Subtraction: the organisation's figures include the hidden units only when those together have
  at least k counting answers; otherwise they are dropped from every figure, so that the
  organisation's figure minus the shown units never describes fewer than k people.
- Across waves (`core.anonymity.wave_may_be_shown`): a unit is shown only when its number of
  answers differs from that of every earlier wave in which it was shown by 0 or by at least k;
  likewise the organisation's figure against the earlier waves of the same plan. Otherwise the
  difference of two waves would describe the few who came or went ("too_close").
- Open answers only when at least max(k, open_minimum) counting answers are included, never per
  unit, in random order.
- A unit's scale score: the mean of its people's scores (each the mean of their keyed answers on
  the scale's items) with a 95 % interval; agreement r_wg(j) per unit, ICC(1)/ICC(2) across the
  shown units, Cronbach's α of each scale over everyone included.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vangnet.core.anonymity import counting_size, wave_may_be_shown
from vangnet.core.statistics import cronbach_alpha, icc, mean_interval, r_wg_j

from .content import OPTIONS, Instrument

SHARED_CHANNELS = frozenset({"shared", "unbound"})


@dataclass(frozen=True)
class GroupInput:
    group_id: int
    unit_id: int | None
    name: str
    parent_unit_id: int | None
    invited: int


@dataclass(frozen=True)
class AnswerInput:
    group_id: int
    answers: Mapping[str, Any]
    channel: str


def agreement_key(r: float | None) -> str:
    """One plain sentence per band (texts in selectors): r_wg(j) ≥ .70 is the usual bar."""
    if r is None:
        return "unknown"
    if r >= 0.70:
        return "agrees"
    if r >= 0.50:
        return "partly"
    return "differs"


def _person_scale_scores(instrument: Instrument, answers: Mapping[str, Any],
                         scale: str) -> tuple[float | None, list[int] | None]:
    items = instrument.items_of(scale)
    values: list[int] = []
    for item in items:
        value = answers.get(item.code)
        if not isinstance(value, int) or not 1 <= value <= OPTIONS:
            return None, None
        values.append(item.keyed(value))
    return sum(values) / len(values), values


def _scale_figures(instrument: Instrument, rows: Sequence[Mapping[str, Any]],
                   scale: str) -> dict[str, Any]:
    scores, keyed_rows = [], []
    for answers in rows:
        score, keyed = _person_scale_scores(instrument, answers, scale)
        if score is not None and keyed is not None:
            scores.append(score)
            keyed_rows.append(keyed)
    interval = mean_interval(scores)
    agreement = r_wg_j(keyed_rows, options=OPTIONS)
    return {
        "n": len(scores),
        "mean": round(interval.mean, 4) if interval else None,
        "low": round(interval.low, 4) if interval else None,
        "high": round(interval.high, 4) if interval else None,
        "rwg_j": None if agreement is None else round(agreement, 4),
        "agreement": agreement_key(agreement),
        "_scores": scores,
        "_keyed": keyed_rows,
    }


def _item_distribution(instrument: Instrument,
                       rows: Sequence[Mapping[str, Any]]) -> dict[str, list[int]]:
    counts = {item.code: [0] * OPTIONS for item in instrument.items}
    for answers in rows:
        for item in instrument.items:
            value = answers.get(item.code)
            if isinstance(value, int) and 1 <= value <= OPTIONS:
                counts[item.code][value - 1] += 1
    return counts


def _public(figures: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in figures.items() if not key.startswith("_")}


def compute(*, instrument: Instrument, groups: Sequence[GroupInput],
            responses: Sequence[AnswerInput], k: int, shared_risk_accepted: bool,
            earlier_units: Mapping[int, Sequence[int]] | None = None,
            earlier_organisation: Sequence[int] = ()) -> dict[str, Any]:
    """The wave's results as JSON-ready data: what may be shown and nothing else.

    `earlier_units`: per unit id, its number of answers in every earlier wave in which it was
    shown; `earlier_organisation`: the organisation figure's number of answers in the earlier
    waves of the same plan in which it was shown (the rule across waves)."""
    earlier_units = earlier_units or {}
    by_group: dict[int, list[AnswerInput]] = {g.group_id: [] for g in groups}
    for response in responses:
        by_group.setdefault(response.group_id, []).append(response)
    counting: dict[int, int] = {}
    for group in groups:
        rows = by_group[group.group_id]
        unbound = sum(1 for r in rows if r.channel in SHARED_CHANNELS)
        counting[group.group_id] = counting_size(bound=len(rows) - unbound, unbound=unbound,
                                                 shared_risk_accepted=shared_risk_accepted)
    too_close = {g.group_id for g in groups if counting[g.group_id] >= k
                 and g.unit_id is not None and not wave_may_be_shown(
                     len(by_group[g.group_id]), earlier=earlier_units.get(g.unit_id, ()), k=k)}
    shown = {g.group_id for g in groups if counting[g.group_id] >= k} - too_close
    # A unit held back across waves is left out of the organisation's figure as well: with it
    # in, the organisation minus the shown units would give its figure after all.
    hidden = [g.group_id for g in groups
              if g.group_id not in shown and g.group_id not in too_close and by_group[g.group_id]]
    # Small hidden units stay in the organisation's figures only when together they are k or more.
    hidden_counting = sum(counting[g] for g in hidden)
    included = shown | (set(hidden) if hidden_counting >= k else set())
    units = []
    scale_scores_by_unit: dict[str, list[list[float]]] = {s.code: [] for s in instrument.scales}
    for group in groups:
        answer_rows: list[Mapping[str, Any]] = [r.answers for r in by_group[group.group_id]]
        entry: dict[str, Any] = {"group_id": group.group_id, "unit_id": group.unit_id,
                                 "name": group.name, "parent_unit_id": group.parent_unit_id,
                                 "shown": group.group_id in shown}
        if group.group_id in shown:
            scales = {s.code: _scale_figures(instrument, answer_rows, s.code)
                      for s in instrument.scales}
            for code, figures in scales.items():
                scale_scores_by_unit[code].append(figures["_scores"])
            entry.update({
                "answers": len(answer_rows), "invited": group.invited,
                "shared": sum(1 for r in by_group[group.group_id]
                              if r.channel in SHARED_CHANNELS),
                "scales": {code: _public(f) for code, f in scales.items()},
                "items": _item_distribution(instrument, answer_rows),
            })
        else:
            entry["reason"] = ("too_close" if group.group_id in too_close
                               else "too_few_bound" if len(by_group[group.group_id]) >= k
                               else "too_few")
        units.append(entry)
    included_rows = [r.answers for g in groups if g.group_id in included
                     for r in by_group[g.group_id]]
    included_counting = sum(counting[g] for g in included)
    organisation: dict[str, Any] = {"shown": included_counting >= k and wave_may_be_shown(
        len(included_rows), earlier=earlier_organisation, k=k)}
    if organisation["shown"]:
        organisation["answers"] = len(included_rows)
        organisation["units_left_out"] = (len(hidden) if hidden_counting < k else 0) + len(
            too_close)
        organisation["scales"] = {}
        for scale in instrument.scales:
            figures = _scale_figures(instrument, included_rows, scale.code)
            alpha = cronbach_alpha(figures["_keyed"])
            public = _public(figures)
            public["alpha"] = None if alpha is None else round(alpha, 4)
            organisation["scales"][scale.code] = public
    between: dict[str, Any] = {}
    for scale in instrument.scales:
        result = icc(scale_scores_by_unit[scale.code])
        between[scale.code] = None if result is None else {
            "icc1": round(result.icc1, 4), "icc2": round(result.icc2, 4),
            "k": round(result.k, 2), "units": result.groups}
    open_minimum = max(k, instrument.open_minimum)
    open_answers: list[str] = []
    if included_counting >= open_minimum:
        open_answers = [str(r.get(instrument.open.code, "")).strip() for r in included_rows]
        open_answers = [text for text in open_answers if text]
        secrets.SystemRandom().shuffle(open_answers)
    return {"k": k, "version": instrument.version, "shared_risk_accepted": shared_risk_accepted,
            "units": units, "organisation": organisation, "icc": between,
            "open_minimum": open_minimum, "open": open_answers}
