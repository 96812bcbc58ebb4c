"""Results that do not slow down as answers grow (issue 14, ADR 0115): the database counts the
answers in one query, closing keeps those counts as the round's snapshot, and every report of a
closed round (page, PDF, CSV, API) is computed from the snapshot, never again from the answers."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vangnet.quickscan import services
from vangnet.quickscan.content import DONT_KNOW, instrument
from vangnet.quickscan.models import Response, Round, RoundGroup
from vangnet.quickscan.scoring import (
    SubmittedAnswers,
    Tally,
    compute_results,
    points,
    tally_responses,
)
from vangnet.quickscan.selectors import round_results, round_tally

pytestmark = pytest.mark.django_db

SLUGS = ("management", "or", "employees")
CODES = instrument().codes

one_answer_set = st.dictionaries(st.sampled_from(CODES), st.integers(0, 5), max_size=len(CODES))
# Every group has at least three answers (the lowest threshold there is), so each is shown.
answer_sets = st.tuples(*(st.lists(st.tuples(st.just(slug), st.booleans(), one_answer_set),
                                   min_size=3, max_size=8) for slug in SLUGS)).map(
    lambda per_group: [row for rows in per_group for row in rows])


class _Rollback(Exception):
    pass


def _reference_score(given: list[SubmittedAnswers], codes: list[str]) -> float | None:
    """Independent of the tally: every answer scored one by one (DOMAIN/ADR 0021 definition)."""
    statements = [instrument().statement(code) for code in codes]
    values = [points(s.keyed(r.answers[s.code])) for r in given for s in statements
              if r.answers.get(s.code, DONT_KNOW) != DONT_KNOW]
    return sum(values) / len(values) if values else None


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=answer_sets)
def test_the_databases_tally_equals_counting_each_answer_and_gives_the_same_scores(
        coordinator_actor, rows):
    given = [SubmittedAnswers(slug, answers, bound) for slug, bound, answers in rows]
    try:
        with transaction.atomic():
            round_ = services.round_start(actor=coordinator_actor, title="R", group_slugs=SLUGS)
            groups = {g.slug: g for g in RoundGroup.objects.filter(round=round_)}
            Response.objects.bulk_create(
                Response(round=round_, group=groups[r.group], answers=r.answers, submitted=True,
                         channel="personal" if r.bound else "shared") for r in given)
            Response.objects.create(round=round_, group=groups["or"], answers={"1.1": 5})  # draft
            from_db = round_tally(round_=round_)
            raise _Rollback
    except _Rollback:
        pass
    assert from_db == tally_responses(instrument(), given)
    # Everyone counted, nothing suppressed (k = 1, risk accepted): the overall scores are those
    # of scoring every answer one by one.
    results = compute_results(instrument=instrument(), tally=from_db, k=1,
                              group_labels=dict.fromkeys(SLUGS, "x"), merged_label="rest",
                              shared_risk_accepted=True)
    for pillar in results.pillars:
        codes = [s.code for s in instrument().statements_of(pillar.number)]
        assert pillar.overall == pytest.approx(_reference_score(given, codes))
    for statement in results.statements:
        assert statement.overall == pytest.approx(_reference_score(given, [statement.statement.code]))


def test_closing_keeps_the_counts_and_the_report_never_reads_the_answers_again(
        client, coordinator, coordinator_actor, organisation, make_links):
    from .conftest import answer_all

    round_ = services.round_start(actor=coordinator_actor, title="Snapshot",
                                  group_slugs=["employees"])
    for link in make_links(RoundGroup.objects.get(round=round_), 5):
        answer_all(client, link, default=4)
    closed = services.round_close(actor=coordinator_actor, round_=round_)
    closed.refresh_from_db()
    assert Tally.from_json(closed.results_snapshot) == round_tally(round_=closed)
    before = round_results(round_=closed)
    assert before.respondents == 5 and before.pillars[0].overall == 75
    # The snapshot holds counts only: no answer of any one person, no label.
    assert "Medewerkers" not in str(closed.results_snapshot)

    # Change the rows behind the round's back: the closed round's figures do not move.
    Response.objects.filter(round=closed).update(answers={})
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{closed.pk}/"
    html = client.get(f"{base}rapport/").content.decode()
    assert ">75<" in html
    assert ",75," in client.get(f"{base}rapport.csv").content.decode()
    api = client.get(f"/api/v1/quickscan/rounds/{closed.pk}/results").json()
    assert api["pillars"][0]["score"] == 75 and api["respondents"] == 5


def test_report_costs_the_same_number_of_queries_at_5_and_at_40_answers(
        client, coordinator, coordinator_actor, organisation, django_assert_max_num_queries):
    """The page's queries do not depend on the answers (the time does not either: the work is
    per group and statement; `make bench` measures 500 against 50,000)."""
    def closed_with(n: int) -> Round:
        round_ = services.round_start(actor=coordinator_actor, title=f"R{n}",
                                      group_slugs=["employees", "management"])
        groups = list(RoundGroup.objects.filter(round=round_))
        Response.objects.bulk_create(
            Response(round=round_, group=groups[i % 2], submitted=True, channel="personal",
                     answers=dict.fromkeys(instrument().codes, 1 + i % 5)) for i in range(n))
        return services.round_close(actor=coordinator_actor, round_=round_)

    closed_with(5)  # an earlier round: both measured reports have a trend to show
    small, large = closed_with(5), closed_with(40)
    client.force_login(coordinator.user)
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    for round_ in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/o/{organisation.slug}/quickscan/rondes/{round_.pk}/rapport/"
                              ).status_code == 200
        counts.append(len(captured))
        assert not any("quickscan_response" in q["sql"] for q in captured.captured_queries)
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(f"/o/{organisation.slug}/quickscan/rondes/{large.pk}/rapport.csv")
