"""Ready-made team sessions, one per pillar: a quick start for a team leader.

Each preset is a list of built-in werkvorm slugs; a test checks they exist and fit 30–60 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionPreset:
    pillar: int
    slugs: tuple[str, ...]


PRESETS: tuple[SessionPreset, ...] = (
    SessionPreset(pillar=1, slugs=("wekelijkse-check-in", "dilemma-bespreken")),
    SessionPreset(pillar=2, slugs=("werkdruk-check-in", "signalen-herkennen")),
    SessionPreset(pillar=3, slugs=("grappen-die-te-ver-gaan", "zo-werkt-de-vertrouwenspersoon")),
    SessionPreset(pillar=4, slugs=("wekelijkse-check-in", "meldroute-verkennen")),
)


def preset_for(pillar: int) -> SessionPreset | None:
    return next((p for p in PRESETS if p.pillar == pillar), None)
