"""Statements version 2 in the product: the intro's threshold, reverse keying end to end, and the
share of "weet ik niet" as a finding (issue 18)."""

from __future__ import annotations

import pytest
from django.test import Client

from vangnet.quickscan import services
from vangnet.quickscan.content import instrument
from vangnet.quickscan.models import RoundGroup

from .conftest import answer_all

pytestmark = pytest.mark.django_db


def _round(coordinator_actor):
    round_ = services.round_start(actor=coordinator_actor, title="Najaar",
                                  group_slugs=["employees"])
    return round_, RoundGroup.objects.get(round=round_, slug="employees")


def test_the_respondent_intro_states_the_configured_threshold(settings, coordinator_actor,
                                                              make_links):
    settings.VANGNET_ANONYMITY_THRESHOLD = 7
    round_, group = _round(coordinator_actor)
    assert round_.instrument_version == 2
    [link] = make_links(group, 1)
    html = Client().get(link).content.decode()
    assert "minstens 7 mensen" in html
    assert f"{len(instrument().statements)} uitspraken" in html
    assert "minstens 5 mensen" not in html


def test_report_turns_reverse_keyed_answers_round_and_reports_the_dont_know_share(
        client, coordinator, coordinator_actor, make_links):
    round_, group = _round(coordinator_actor)
    reverse = next(s for s in instrument().statements if s.reverse)
    plain = next(s for s in instrument().statements if not s.reverse and s.pillar == 4)
    for index, link in enumerate(make_links(group, 5)):
        # Everyone is positive (answer_all turns reverse-keyed statements round for that), two
        # people do not know about one statement.
        values = {plain.code: 0} if index < 2 else {}
        assert answer_all(Client(), link, values=values, default=5).status_code == 200
    services.round_close(actor=coordinator_actor, round_=round_)
    client.force_login(coordinator.user)
    base = f"/o/{coordinator.organisation.slug}/quickscan/rondes/{round_.pk}/"
    api = client.get(f"/api/v1/quickscan/rounds/{round_.pk}/results")
    html = client.get(f"{base}rapport/").content.decode()
    findings = html.split("data-dont-know-findings")[1].split("</section>")[0]
    assert plain.code in findings and "40%" in findings
    assert reverse.code not in findings
    csv_text = client.get(f"{base}rapport.csv").content.decode()
    assert f"{plain.code}," in csv_text and "40%" in csv_text
    assert api.status_code == 200
    statements = {s["code"]: s for s in api.json()["statements"]}
    assert statements[reverse.code]["score"] == 100 and statements[reverse.code]["reverse_keyed"]
    assert statements[reverse.code]["distribution"]["1"] == 5  # as answered: fully disagree
    assert statements[plain.code]["dont_know_share"] == 0.4
    assert api.json()["round"]["statements_version"] == 2
