"""The seam for the pulse (issue 15): the yearly review shows the pulse's trends when a pulse app
is installed, exactly as the pulse gives them (suppressed there), and only to those who review."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps

from vangnet.conduct import review_inputs as seam

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class _Trend:
    label: str
    display: str


@pytest.fixture
def fake_pulse(monkeypatch: Any) -> list[Any]:
    asked: list[Any] = []
    module = ModuleType("vangnet.pulse.public")

    def review_trends(*, actor: Any) -> list[_Trend]:
        asked.append(actor)
        return [_Trend("We spreken elkaar aan", "3,8 → 4,1"), _Trend("Grapjes over afkomst", "—")]

    module.review_trends = review_trends  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vangnet.pulse", ModuleType("vangnet.pulse"))
    monkeypatch.setitem(sys.modules, "vangnet.pulse.public", module)
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed",
                        lambda name: name == seam.PULSE_APP or installed(name))
    return asked


def test_the_real_pulse_without_a_closed_wave_gives_no_inputs(org: Any) -> None:
    # The pulse app is installed (issue 14); its review_trends is tested in tests/pulse.
    assert apps.is_installed(seam.PULSE_APP)
    assert seam.review_inputs(actor=org.actor(org.coordinator)).pulse == []


def test_the_review_shows_the_pulse_trends_as_given(org: Any, fake_pulse: list[Any]) -> None:
    coordinator = org.actor(org.coordinator)
    inputs = seam.review_inputs(actor=coordinator)
    assert inputs.pulse == [seam.Figure("We spreken elkaar aan", "3,8 → 4,1"),
                            seam.Figure("Grapjes over afkomst", "—")]
    assert fake_pulse == [coordinator]  # the pulse decides what this actor may see


def test_who_does_not_review_does_not_even_ask_the_pulse(org: Any, fake_pulse: list[Any]) -> None:
    assert seam.review_inputs(actor=org.actor(org.employee)).pulse == []
    assert fake_pulse == []
