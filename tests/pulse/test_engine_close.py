"""The survey engine's close step, set-based (ADR 0136): the frozen answers written again under
new ids in a random order, cut loose from links, in a constant number of statements."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vangnet.pulse.models import PulseGroup, PulseLink, PulseResponse, PulseRound
from vangnet.pulse.selectors import TABLES
from vangnet.surveys import public as engine
from vangnet.surveys.public import SurveyTables

pytestmark = pytest.mark.django_db


def _round_with_answers(organisation: Any, people: dict[str, Any], n: int) -> PulseRound:
    round_ = PulseRound.objects.create(organisation=organisation, title="Pulse",
                                       closes_on="2027-01-01")
    north, south = (PulseGroup.objects.create(round=round_, unit=people["units"][name],
                                              unit_name=name, slug=name)
                    for name in ("north", "south"))
    link = PulseLink.objects.create(round=round_, group=north)
    PulseResponse.objects.bulk_create(
        PulseResponse(round=round_, group=north if i % 3 else south, submitted=True,
                      channel="personal" if i % 4 else "shared", answers={"n": i})
        for i in range(n))
    # A draft, with its link and draft key: closing throws it away.
    PulseResponse.objects.create(round=round_, group=north, token=link, draft_key_hash="d" * 64,
                                 answers={"n": -1})
    return round_


def _rows(round_: PulseRound) -> list[tuple[int, int, Any, str]]:
    return list(PulseResponse.objects.filter(round=round_).order_by("pk").values_list(
        "pk", "group_id", "answers", "channel"))


def _close(round_: PulseRound) -> None:
    PulseRound.objects.select_for_update().get(pk=round_.pk)
    engine.close(TABLES, round_)


def test_closing_keeps_every_answer_cut_loose_under_new_ids_in_random_order(
        organisation: Any, people: dict[str, Any]) -> None:
    round_ = _round_with_answers(organisation, people, 300)
    before = _rows(round_)
    _close(round_)
    after = _rows(round_)
    kept = sorted((g, a["n"], c) for _pk, g, a, c in before if a["n"] >= 0)
    assert sorted((g, a["n"], c) for _pk, g, a, c in after) == kept  # the draft is gone
    assert min(pk for pk, *_rest in after) > max(pk for pk, *_rest in before)
    assert not PulseResponse.objects.filter(round=round_).exclude(
        submitted=True, token=None, draft_key_hash="", draft_updated_at=None).exists()
    # The stored order (and the ids) no longer follow the submission order. The chance that
    # 300 shuffled answers keep their order, or nearly, is nil.
    order = [a["n"] for _pk, _g, a, _c in after]
    assert order != sorted(order)
    rising = sum(1 for x, y in itertools.pairwise(order) if y > x)
    assert 100 < rising < 200
    if connection.vendor == "postgresql":  # the rows' physical order too
        with connection.cursor() as cursor:
            cursor.execute("SELECT (answers->>'n')::int FROM pulse_pulseresponse "
                           "WHERE round_id = %s ORDER BY ctid", [round_.pk])
            assert [r[0] for r in cursor.fetchall()] != sorted(order)


def test_two_closings_give_different_orders(organisation: Any, people: dict[str, Any]) -> None:
    orders = []
    for _ in range(2):
        round_ = _round_with_answers(organisation, people, 60)
        _close(round_)
        orders.append([a["n"] for _pk, _g, a, _c in _rows(round_)])
    assert orders[0] != orders[1]


def test_closing_costs_the_same_statements_at_any_size(
        organisation: Any, people: dict[str, Any]) -> None:
    counts = []
    for n in (5, 400):
        round_ = _round_with_answers(organisation, people, n)
        with CaptureQueriesContext(connection) as captured:
            _close(round_)
        counts.append(len(captured))
        assert PulseResponse.objects.filter(round=round_).count() == n
    assert counts[0] == counts[1]


def test_a_response_table_with_an_unknown_column_is_refused(
        organisation: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    round_ = _round_with_answers(organisation, people, 3)
    from django.db import models

    extra = models.IntegerField(name="mood")
    extra.set_attributes_from_name("mood")
    monkeypatch.setattr(PulseResponse._meta, "concrete_fields",
                        (*PulseResponse._meta.concrete_fields, extra))
    with pytest.raises(ImproperlyConfigured):
        engine.rewrite_in_random_order(SurveyTables(round=PulseRound, group=PulseGroup,
                                                    link=PulseLink, response=PulseResponse),
                                       round_)
