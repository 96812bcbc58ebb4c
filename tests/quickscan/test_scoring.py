"""Scoring against hand-computed examples (see the definitions in quickscan/scoring.py)."""

from __future__ import annotations

import pytest

from vangnet.quickscan.content import instrument
from vangnet.quickscan.scoring import (
    MERGED_KEY,
    SubmittedAnswers,
    compute_results,
    points,
    score,
)

LABELS = {"management": "Leiding", "hr": "HR", "or": "OR", "employees": "Medewerkers"}


# The hand-computed examples below are on the version 1 statements (24, none reverse-keyed): the
# arithmetic is the same for every version. Reverse keying (version 2) is tested at the end.
V1 = 1


def everyone(value, **overrides):
    answers = dict.fromkeys(instrument(V1).codes, value)
    answers.update({code.replace("_", "."): v for code, v in overrides.items()})
    return answers


def results(responses, k=5, solo=False):
    return compute_results(instrument=instrument(V1), responses=responses, group_labels=LABELS,
                           merged_label="Overig", k=k, solo=solo)


def pillar(res, number):
    return next(p for p in res.pillars if p.number == number)


def statement(res, code):
    return next(s for s in res.statements if s.statement.code == code)


def test_points_and_score():
    assert [points(x) for x in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert score([5, 3, 0]) == 75  # "don't know" (0) is left out: (100 + 50) / 2
    assert score([0, 0]) is None
    with pytest.raises(ValueError):
        points(6)


def test_one_group_hand_computed():
    # Five employees. R5 only answered 1.1 (with 1) and said "don't know" to everything else.
    responses = [SubmittedAnswers("employees", everyone(v)) for v in (5, 4, 3, 2)]
    responses.append(SubmittedAnswers("employees", everyone(0, **{"1_1": 1})))
    res = results(responses)
    assert res.respondents == 5
    # 1.1: points 100, 75, 50, 25, 0 → 50.
    assert statement(res, "1.1").overall == 50
    # 1.2: only four people answered it (< 5) → hidden.
    assert statement(res, "1.2").overall is None
    # Pillar 1: 6 answers × (100 + 75 + 50 + 25) + one answer of 0 = 1500 points / 25 answers = 60.
    assert pillar(res, 1).overall == 60
    # Pillar 2: only four people contributed → hidden.
    assert pillar(res, 2).overall is None
    # Distribution of 1.1: one person per answer 1–5, no "don't know".
    assert statement(res, "1.1").distribution == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 0: 0}
    # One group: nothing to compare.
    assert pillar(res, 1).by_group == {}
    assert res.gaps == []


def two_groups_with_a_small_one():
    management = [SubmittedAnswers("management", everyone(5, **{f"4_{i}": 4 for i in range(1, 7)}))
                  for _ in range(5)]
    employees = [SubmittedAnswers("employees", everyone(4, **{"2_1": 1, "3_1": 2}))
                 for _ in range(6)]
    hr = [SubmittedAnswers("hr", everyone(1)) for _ in range(2)]
    return management + employees + hr


def test_groups_gaps_and_priorities_hand_computed():
    res = results(two_groups_with_a_small_one())
    # HR (2 people) is left out of everything; 11 people count.
    assert res.plan.dropped == ("hr",)
    assert res.respondents == 11
    assert [c.key for c in res.columns] == ["management", "employees"]
    # 2.1: management 100, employees 0 → overall (5·100 + 6·0) / 11.
    s21 = statement(res, "2.1")
    assert s21.overall == pytest.approx(500 / 11)
    assert s21.by_group == {"management": 100, "employees": 0}
    # Pillar 2: management 100; employees (5·75 + 0) / 6 = 62.5;
    # overall (30 answers · 100 + 6 · 375) / 66 answers = 79.545...
    p2 = pillar(res, 2)
    assert p2.by_group == {"management": 100, "employees": 62.5}
    assert p2.overall == pytest.approx(5250 / 66)
    # Pillar 4: both 75 → no gap. Pillar 1: 100 vs 75 → gap 25.
    pillar_gaps = {g.code: g.difference for g in res.gaps if g.subject == "pillar"}
    assert pillar_gaps == {"1": 25, "2": 37.5, "3": pytest.approx(100 - (5 * 75 + 25) / 6)}
    # Priorities: 2.1 (45.5 + gap 100), 3.1 (59.1 + gap 75), then the 25-point gaps by code.
    assert [p.statement.code for p in res.priorities] == ["2.1", "3.1", "1.1", "1.2", "1.3"]
    assert res.priorities[0].weight == pytest.approx(100 - 500 / 11 + 100)
    # Nothing anywhere is computed from HR's answers (all 1s would pull scores down).
    assert pillar(res, 4).overall == 75


def test_hidden_group_figure_gets_a_complement():
    responses = two_groups_with_a_small_one()
    # Two managers say "don't know" to 1.1: only 3 managers contributed to 1.1.
    for response in responses[:2]:
        response.answers["1.1"] = 0
    res = results(responses)
    s11 = statement(res, "1.1")
    # Management (3) is hidden; employees' figure would give it away via the overall → hidden too.
    assert s11.by_group == {"management": None, "employees": None}
    assert s11.overall == pytest.approx((3 * 100 + 6 * 75) / 9)


def test_small_groups_that_together_reach_k_are_merged():
    responses = [SubmittedAnswers("management", everyone(5)) for _ in range(6)]
    responses += [SubmittedAnswers("hr", everyone(3)) for _ in range(3)]
    responses += [SubmittedAnswers("or", everyone(1)) for _ in range(3)]
    responses += [SubmittedAnswers("employees", everyone(4)) for _ in range(10)]
    res = results(responses)
    assert [c.key for c in res.columns] == ["management", "employees", MERGED_KEY]
    # Merged: 3 × 50 and 3 × 0 → 25.
    assert pillar(res, 1).by_group[MERGED_KEY] == 25
    assert res.respondents == 22


def test_too_few_people_shows_nothing():
    res = results([SubmittedAnswers("employees", everyone(4)) for _ in range(4)])
    assert not res.has_figures
    assert all(p.overall is None for p in res.pillars)
    assert all(s.distribution is None for s in res.statements)
    assert res.priorities == []


def test_solo_shows_one_persons_view():
    res = results([SubmittedAnswers("solo", everyone(2, **{"1_1": 5}))], solo=True)
    assert res.respondents == 1
    assert statement(res, "1.1").overall == 100
    # Pillar 1: (100 + 5 × 25) / 6 = 37.5
    assert pillar(res, 1).overall == 37.5
    assert [p.statement.code for p in res.priorities][:1] == ["1.2"]


def test_threshold_is_configurable_but_never_below_three(settings):
    responses = [SubmittedAnswers("employees", everyone(4)) for _ in range(6)]
    responses += [SubmittedAnswers("or", everyone(2)) for _ in range(3)]
    labels = {"employees": "Medewerkers", "or": "OR"}

    def plan():
        return compute_results(instrument=instrument(V1), responses=responses, group_labels=labels,
                               merged_label="Overig").plan

    settings.VANGNET_ANONYMITY_THRESHOLD = 5
    assert plan().dropped == ("or",)
    settings.VANGNET_ANONYMITY_THRESHOLD = 3
    assert plan().alone == ("employees", "or")
    settings.VANGNET_ANONYMITY_THRESHOLD = 2  # below the minimum: 3 is used
    res = compute_results(instrument=instrument(V1), responses=responses[:6] + responses[6:8],
                          group_labels=labels, merged_label="Overig")
    assert res.plan.dropped == ("or",) and res.k == 3


# --- the shared-link rule (ADR 0053) ----------------------------------------------------------


def test_unbound_answers_never_lift_a_group_or_a_merged_group_over_the_threshold():
    def padded(group, real, pads, value=3):
        return ([SubmittedAnswers(group, everyone(value))] * real
                + [SubmittedAnswers(group, everyone(5), bound=False)] * pads)

    res = results(padded("management", 5, 0) + padded("employees", 1, 4))
    assert res.plan.alone == ("management",) and res.plan.dropped == ("employees",)
    assert [g.status for g in res.intake if g.key == "employees"] == ["too_few_bound"]
    assert res.respondents == 5 and pillar(res, 1).overall == 50
    # Two small padded groups are not merged into "other groups" either: 1 + 2 bound < 5.
    res = results(padded("management", 5, 0) + padded("hr", 1, 4) + padded("or", 2, 3))
    assert res.plan.merged == () and set(res.plan.dropped) == {"hr", "or"}
    # A group of only shared-link answers is "too small", not "empty".
    res = results(padded("management", 5, 0) + padded("employees", 0, 6))
    assert res.plan.dropped == ("employees",) and res.plan.empty == ("hr", "or")
    # One group alone, padded: no figure at all.
    res = results(padded("employees", 1, 4))
    assert res.respondents is None and all(p.overall is None for p in res.pillars)


def test_with_accepted_risk_every_answer_counts_and_bound_groups_keep_their_unbound_answers():
    responses = ([SubmittedAnswers("management", everyone(3))] * 5
                 + [SubmittedAnswers("employees", everyone(1))]
                 + [SubmittedAnswers("employees", everyone(5), bound=False)] * 4)
    accepted = compute_results(instrument=instrument(V1), responses=responses, group_labels=LABELS,
                               merged_label="Overig", k=5, shared_risk_accepted=True)
    assert accepted.plan.alone == ("management", "employees")
    assert pillar(accepted, 1).by_group["employees"] == 80  # (0 + 4 · 100) / 5
    assert accepted.shared_risk_accepted
    # A group with enough bound answers shows, its shared-link answers included in the figure.
    responses = ([SubmittedAnswers("employees", everyone(1))] * 5
                 + [SubmittedAnswers("employees", everyone(5), bound=False)] * 5)
    res = results(responses)
    assert res.respondents == 10 and pillar(res, 1).overall == 50


def test_a_figure_needs_k_bound_contributors_not_k_answers():
    """Four bound "don't know" and one bound answer, plus four known shared-link answers."""
    responses = ([SubmittedAnswers("employees", everyone(0))] * 4
                 + [SubmittedAnswers("employees", everyone(2))]
                 + [SubmittedAnswers("employees", everyone(5), bound=False)] * 4)
    res = results(responses)
    assert res.respondents == 9
    assert all(s.overall is None for s in res.statements)
    assert all(p.overall is None for p in res.pillars)


def test_reverse_keyed_statements_score_6_minus_the_answer_and_dont_know_is_reported():
    v2 = instrument()
    reverse = [s for s in v2.statements if s.reverse]
    assert len(reverse) >= 4
    code = reverse[0].code
    # Five people fully agree with a reverse-keyed statement (agreeing is bad): score 0, not 100.
    # Two of them say "weet ik niet" to everything else.
    answers = [dict.fromkeys(v2.codes, 5) for _ in range(3)]
    answers += [{**dict.fromkeys(v2.codes, 0), code: 5} for _ in range(2)]
    res = compute_results(instrument=v2, responses=[SubmittedAnswers("employees", a)
                                                    for a in answers],
                          group_labels=LABELS, merged_label="Overig", k=5)
    assert statement(res, code).overall == 0
    assert statement(res, code).distribution[5] == 5  # the raw answers are shown as given
    assert statement(res, code).dont_know_share == 0
    plain = next(s.code for s in v2.statements if not s.reverse)
    assert statement(res, plain).overall is None  # three answers: below k
    assert statement(res, plain).dont_know_share == pytest.approx(2 / 5)
    assert statement(res, plain).many_dont_know
    # In the pillar, a 5 on a reverse item counts 0 points and a 5 on a normal item 100.
    pillar_codes = list(v2.statements_of(reverse[0].pillar))
    expected_points = [0 if s.reverse else 100 for s in pillar_codes for _ in range(3)]
    expected_points += [0, 0]  # the two who only answered the reverse item
    assert pillar(res, reverse[0].pillar).overall == pytest.approx(
        sum(expected_points) / len(expected_points))
