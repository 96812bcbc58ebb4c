"""What the pulse feeds the signals dashboard (ADR 0090): each scale's mean per unit, from the
last wave closed in the quarter, read from the stored results (already suppressed: a unit below
the wave's threshold is not there), and the organisation's own mean where the wave shows it (the
advice-only contacts exist for the organisation only, so the alert "more advice, less speaking
up" compares the two there). The uncertainty is the wave's own 95% interval, so a change
counts only when it is larger than that. A unit's figure covers its own members only (a wave has a
group per unit), which the measures declare (`covers="own"`, ADR 0138) so that suppression does
not take a parent's figure for its whole subtree. The reporting-climate scale carries the `speak_up` tag
(the alert "more advice, less speaking up" reads it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.signal_sources import Figure, Measure, Quarter

from .content import instrument
from .selectors import scale_scores_in

SPEAK_UP_SCALE = "melden"
LOW_MEAN = 4.0  # the middle of the 7-point scale: below it, more disagree than agree


def scale_measure(code: str, name: str, werkvormen: tuple[str, ...]) -> Measure:
    return Measure(
        key=f"pulse.{code}", label=_("Pulse: %(scale)s") % {"scale": name}, kind="score",
        higher_is_better=True, concern=LOW_MEAN, population="pulse", werkvormen=werkvormen,
        covers="own",  # a wave's group is a unit's own members, not its sub-units (ADR 0138)
        tags=frozenset({"speak_up"}) if code == SPEAK_UP_SCALE else frozenset(),
        explanation=_("Mean of the scale (1–7) in the last pulse wave closed in the quarter, "
                      "with its 95% interval."))


class PulseSource:
    key = "pulse"
    label = _("Pulse")

    def measures(self) -> Sequence[Measure]:
        return tuple(scale_measure(scale.code, str(scale.name), scale.werkvormen)
                     for scale in instrument().scales)

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        if not quarters:
            return []
        wanted = set(quarters)
        since = timezone.make_aware(datetime.combine(min(quarters).start, time.min))
        latest: dict[tuple[str, int | None, Quarter], Figure] = {}
        quarter_of: dict[datetime, Quarter] = {}  # a wave's scores share its closing time
        # Oldest first: a later wave in the same quarter replaces an earlier one.
        for score in scale_scores_in(organisation_id=organisation_id, since=since,
                                     with_organisation=True):
            quarter = quarter_of.get(score.closed_at)
            if quarter is None:
                quarter = quarter_of[score.closed_at] = Quarter.of(
                    timezone.localtime(score.closed_at).date())
            if quarter not in wanted:
                continue
            latest[(score.scale, score.unit_id, quarter)] = Figure(
                f"pulse.{score.scale}", score.unit_id, quarter, round(score.mean, 2),
                score.respondents, margin=round((score.high - score.low) / 2, 2))
        return list(latest.values())
