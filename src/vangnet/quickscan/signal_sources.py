"""What the quickscan feeds the signals dashboard (ADR 0090): the four pillar scores (0–100) of
the organisation for the quarter in which a round of several groups was closed (the last one of
that quarter). Rounds are organised by groups, not by unit, so the quickscan gives no unit
figures; a round's figures are suppressed by its own group plan (`round_results`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.signal_sources import Figure, Measure, Quarter

from .content import instrument
from .models import Round
from .scoring import LOW_SCORE
from .selectors import round_results

PILLAR_WERKVORMEN = {
    1: ("teamafspraken-maken", "rollen-helder"),
    2: ("risicos-samen-in-kaart", "signalen-herkennen"),
    3: ("aanspreken-in-het-moment", "omstander-grijpt-in"),
    4: ("nazorg-na-een-melding", "leren-na-incident"),
}


def pillar_measure(number: int, title: str) -> Measure:
    return Measure(
        key=f"quickscan.pillar{number}", label=_("Quickscan: %(pillar)s") % {"pillar": title},
        kind="score", higher_is_better=True, concern=LOW_SCORE, min_change=10.0,
        unit_level=False, population="quickscan", werkvormen=PILLAR_WERKVORMEN.get(number, ()),
        tags=frozenset({"speak_up"}) if number == 3 else frozenset(),
        explanation=_("Average score on the pillar's statements (0–100) in the last closed round."))


class QuickscanSource:
    key = "quickscan"
    label = _("Quickscan")

    def measures(self) -> Sequence[Measure]:
        return tuple(pillar_measure(p.number, str(p.title)) for p in instrument().pillars)

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]:
        if not quarters:
            return []
        start = timezone.make_aware(datetime.combine(quarters[0].start, time.min))
        end = timezone.make_aware(datetime.combine(quarters[-1].next().start, time.min))
        last: dict[Quarter, Round] = {}
        for round_ in Round.objects.filter(organisation_id=organisation_id,
                                           status=Round.Status.CLOSED, kind=Round.Kind.GROUPS,
                                           unit_name="", closed_at__gte=start, closed_at__lt=end
                                           ).order_by("closed_at"):
            if round_.closed_at is None:
                continue
            last[Quarter.of(timezone.localdate(round_.closed_at))] = round_
        figures: list[Figure] = []
        for quarter, round_ in sorted(last.items()):
            results = round_results(round_=round_)
            n = results.respondents or 0
            for pillar in results.pillars:
                figures.append(Figure(f"quickscan.pillar{pillar.number}", None, quarter,
                                      None if pillar.overall is None else round(pillar.overall, 1), n))
        return figures
