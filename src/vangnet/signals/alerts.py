"""Alerts: rules over the figures that may be shown (ADR 0092). Pure functions, no database.

Four rules, each with a plain explanation:
- *several sources*: a unit is low on measures of at least two sources in the same quarter;
- *falling trend*: a measure got worse in each of the last two waves and the change over both is
  larger than its uncertainty (the source's margin, or the measure's smallest meaningful change);
- *speak-up*: the advisors' contacts rise while the speak-up scale falls by more than its
  uncertainty (measures tagged `advisor_contacts` and `speak_up`);
- *no discussion*: a unit has not discussed its agreements for a year (tag `days_since_discussion`).
Only shown figures are read, so an alert never points at a hidden unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vangnet.core.signal_sources import Figure, Measure, Quarter

SEVERAL = "several"
FALLING = "falling"
SPEAK_UP = "speak_up"
NO_DISCUSSION = "no_discussion"

Shown = Mapping[tuple[str, int | None, Quarter], Figure]


@dataclass(frozen=True)
class Alert:
    kind: str
    unit_id: int | None
    quarter: Quarter
    measures: tuple[str, ...]
    explanation: str
    werkvormen: tuple[str, ...]

    @property
    def key(self) -> str:
        unit = "org" if self.unit_id is None else str(self.unit_id)
        return f"{self.kind}:{unit}:{self.quarter.label}:{','.join(self.measures)}"


def _worse(measure: Measure, before: float, after: float) -> float:
    """How much worse `after` is than `before` (negative: better)."""
    return before - after if measure.higher_is_better else after - before


def _werkvormen(measures: Sequence[Measure]) -> tuple[str, ...]:
    slugs: list[str] = []
    for measure in measures:
        slugs += [s for s in measure.werkvormen if s not in slugs]
    return tuple(slugs[:4])


def find_alerts(shown: Shown, *, measures: Mapping[str, Measure], source_of: Mapping[str, str],
                quarter: Quarter) -> list[Alert]:
    alerts: list[Alert] = []
    # One pass over the figures, not one per unit: the dashboard of 2,000 units holds about a
    # million figures, and a pass per unit made this quadratic (minutes in the benchmark).
    in_quarter: dict[int | None, dict[str, Figure]] = {}
    for (key, unit_id, at), figure in shown.items():
        if at == quarter:
            in_quarter.setdefault(unit_id, {})[key] = figure
    units = sorted(in_quarter, key=lambda u: (u is not None, u or 0))
    previous, before = quarter.previous(), quarter.previous().previous()
    for unit in units:
        here = in_quarter[unit]
        low = [m for m, f in here.items() if f.value is not None and measures[m].is_low(f.value)]
        low_sources = sorted({source_of[m] for m in low})
        if len(low_sources) >= 2:
            chosen = [measures[m] for m in sorted(low)]
            alerts.append(Alert(
                SEVERAL, unit, quarter, tuple(sorted(low)),
                _("This unit is low on %(count)d sources at once: %(list)s. "
                  "One low figure can be chance; several at the same time usually mean "
                  "something is going on in the team. Talk with the team about how working "
                  "together feels.")
                % {"count": len(low_sources), "list": ", ".join(str(m.label) for m in chosen)},
                _werkvormen(chosen)))
        for key, figure in sorted(here.items()):
            measure = measures[key]
            if (figure.value is not None and "days_since_discussion" in measure.tags
                    and figure.value >= 365):
                alerts.append(Alert(
                    NO_DISCUSSION, unit, quarter, (key,),
                    _("This unit has not discussed its agreements for more than a "
                      "year. Agreements that nobody talks about are forgotten; plan a team "
                      "meeting about them."),
                    _werkvormen([measure])))
            older = shown.get((key, unit, previous)), shown.get((key, unit, before))
            if measure.kind == "days":
                continue  # days since a date grow by themselves: no trend to read
            if figure.value is None or older[0] is None or older[1] is None:
                continue
            mid, first = older[0].value, older[1].value
            if mid is None or first is None:
                continue
            uncertainty = max(figure.margin or 0.0, older[1].margin or 0.0,
                              measure.min_change)
            if (_worse(measure, first, mid) > 0 and _worse(measure, mid, figure.value) > 0
                    and _worse(measure, first, figure.value) > uncertainty):
                alerts.append(Alert(
                    FALLING, unit, quarter, (key,),
                    _("%(measure)s got worse two quarters in a row (%(first)s, %(mid)s, "
                      "%(now)s), by more than its uncertainty of %(margin)s. This is more than "
                      "chance.")
                    % {"measure": measure.label, "first": _fmt(first), "mid": _fmt(mid),
                       "now": _fmt(figure.value), "margin": _fmt(uncertainty)},
                    _werkvormen([measure])))
        contacts = [m for m in here if "advisor_contacts" in measures[m].tags]
        speak = [m for m in here if "speak_up" in measures[m].tags]
        for c in contacts:
            for s in speak:
                c_before, s_before = shown.get((c, unit, previous)), shown.get((s, unit, previous))
                if c_before is None or s_before is None:
                    continue
                cv, cb = here[c].value, c_before.value
                sv, sb = here[s].value, s_before.value
                if cv is None or cb is None or sv is None or sb is None:
                    continue
                # Falling beyond the scale's own uncertainty (a wave's 95% interval), as for a
                # trend: a pulse mean that moves within its margin has not fallen.
                uncertainty = max(here[s].margin or 0.0, s_before.margin or 0.0,
                                  measures[s].min_change)
                if cv > cb and _worse(measures[s], sb, sv) > uncertainty:
                    alerts.append(Alert(
                        SPEAK_UP, unit, quarter, (c, s),
                        _("More people went to the confidential advisors while fewer say they "
                          "dare to speak up. Problems may be going around the team instead of "
                          "being discussed in it."),
                        _werkvormen([measures[s], measures[c]])))
    return alerts


def _fmt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def follow_up(shown: Shown, *, measures: Mapping[str, Measure], measure_keys: Sequence[str],
              unit_id: int | None, since: Quarter, latest: Quarter) -> str:
    """After an action: 'better', 'worse', 'same' or 'unknown' (no later measurement)."""
    changes: list[float] = []
    for key in measure_keys:
        then, now = shown.get((key, unit_id, since)), shown.get((key, unit_id, latest))
        if latest <= since or then is None or now is None or then.value is None or now.value is None:
            continue
        changes.append(_worse(measures[key], then.value, now.value))
    if not changes:
        return "unknown"
    if all(c < 0 for c in changes):
        return "better"
    if all(c > 0 for c in changes):
        return "worse"
    return "same"
