"""The wave's results (pure): DOMAIN.md's worked examples through the pulse's own scoring, and the
suppression rules — threshold, subtraction against the organisation's figure, padding."""

from __future__ import annotations

import pytest

from vangnet.pulse.content import instrument
from vangnet.pulse.results import AnswerInput, GroupInput, compute


def person(value: int, open_text: str = "") -> dict[str, object]:
    """Every item answered so that the keyed answer is `value` (reverse items turned around)."""
    answers: dict[str, object] = {item.code: (8 - value if item.reverse else value)
                                  for item in instrument().items}
    if open_text:
        answers["open"] = open_text
    return answers


def groups(*sizes: int) -> list[GroupInput]:
    return [GroupInput(group_id=i, unit_id=100 + i, name=f"Team {i}", parent_unit_id=None,
                       invited=n) for i, n in enumerate(sizes)]


def test_worked_example_icc_and_agreement_through_the_pulse() -> None:
    # DOMAIN.md: teams A = 4,5,5,6; B = 3,3,4,2; C = 5,4,4,3 (here every item of a person carries
    # their value, so each scale score is that value).
    teams = [[4, 5, 5, 6], [3, 3, 4, 2], [5, 4, 4, 3]]
    answers = [AnswerInput(group_id=i, answers=person(v), channel="personal")
               for i, team in enumerate(teams) for v in team]
    result = compute(instrument=instrument(), groups=groups(4, 4, 4), responses=answers, k=4,
                     shared_risk_accepted=False)
    between = result["icc"]["veiligheid"]
    assert (between["icc1"], between["icc2"], between["k"]) == (0.5556, 0.8333, 4.0)
    team_a = result["units"][0]["scales"]["veiligheid"]
    assert team_a["mean"] == 5.0
    # s = 0.8165, t(3) = 3.1824: 5 ± 1.2992
    assert (team_a["low"], team_a["high"]) == (3.7008, 6.2992)
    # identical items: mean item variance 0.6667 on σ²EU = 4, J = 7 → 7·(5/6) / (7·(5/6) + 1/6)
    assert team_a["rwg_j"] == pytest.approx(0.9722, abs=1e-4)
    assert team_a["agreement"] == "agrees"


def test_worked_example_alpha_and_rwg_j_for_one_team_of_five() -> None:
    # DOMAIN.md's team of five on seven items with items 1, 3 and 5 reverse-keyed: the pulse's
    # safety scale has exactly that shape (V1, V3, V5 reverse-keyed).
    raw = [[2, 6, 2, 6, 3, 5, 6], [3, 5, 3, 5, 3, 5, 5], [1, 7, 2, 6, 2, 6, 7],
           [4, 4, 5, 4, 4, 3, 4], [5, 3, 4, 3, 5, 4, 3]]
    safety = instrument().items_of("veiligheid")
    assert [item.reverse for item in safety] == [True, False, True, False, True, False, False]
    answers = []
    for row in raw:
        data: dict[str, object] = {item.code: 4 for item in instrument().items}
        data.update({item.code: value for item, value in zip(safety, row, strict=True)})
        answers.append(AnswerInput(group_id=0, answers=data, channel="personal"))
    result = compute(instrument=instrument(), groups=groups(5), responses=answers, k=5,
                     shared_risk_accepted=False)
    assert result["organisation"]["scales"]["veiligheid"]["alpha"] == pytest.approx(0.98289,
                                                                                    abs=1e-4)
    assert result["units"][0]["scales"]["veiligheid"]["rwg_j"] == pytest.approx(0.88261,
                                                                                 abs=1e-4)


def test_a_team_below_the_threshold_is_shown_nowhere_and_not_derivable() -> None:
    answers = ([AnswerInput(0, person(6), "personal") for _ in range(5)]
               + [AnswerInput(1, person(6), "personal") for _ in range(5)]
               + [AnswerInput(2, person(1), "personal") for _ in range(3)])
    result = compute(instrument=instrument(), groups=groups(5, 5, 3), responses=answers, k=5,
                     shared_risk_accepted=False)
    small = result["units"][2]
    assert small == {"group_id": 2, "unit_id": 102, "name": "Team 2", "parent_unit_id": None,
                     "shown": False, "reason": "too_few"}
    organisation = result["organisation"]
    # The small team is left out of the organisation's figure as well: with it, the figure
    # minus the two shown teams would give its mean exactly.
    assert organisation["answers"] == 10
    assert organisation["units_left_out"] == 1
    assert organisation["scales"]["veiligheid"]["mean"] == 6.0


def test_small_teams_that_together_reach_k_stay_in_the_organisation_figure() -> None:
    answers = ([AnswerInput(0, person(6), "personal") for _ in range(5)]
               + [AnswerInput(1, person(2), "personal") for _ in range(3)]
               + [AnswerInput(2, person(2), "personal") for _ in range(3)])
    result = compute(instrument=instrument(), groups=groups(5, 3, 3), responses=answers, k=5,
                     shared_risk_accepted=False)
    assert [u["shown"] for u in result["units"]] == [True, False, False]
    assert result["organisation"]["answers"] == 11
    assert result["organisation"]["units_left_out"] == 0


def test_padding_answers_never_lift_a_team_over_the_threshold() -> None:
    # Four real members and four answers through a link nobody is bound to: the attacker's
    # padding would make eight, but only the four bound answers count.
    answers = ([AnswerInput(0, person(3), "personal") for _ in range(4)]
               + [AnswerInput(0, person(7), "unbound") for _ in range(4)])
    result = compute(instrument=instrument(), groups=groups(8), responses=answers, k=5,
                     shared_risk_accepted=False)
    assert result["units"][0]["shown"] is False
    assert result["units"][0]["reason"] == "too_few_bound"
    assert result["organisation"] == {"shown": False}
    assert result["open"] == []


def test_open_answers_only_from_ten_and_never_per_team() -> None:
    nine = [AnswerInput(0, person(5, f"idee {i}"), "personal") for i in range(9)]
    result = compute(instrument=instrument(), groups=groups(9), responses=nine, k=5,
                     shared_risk_accepted=False)
    assert result["open"] == []
    assert "open" not in str(result["units"])
    ten = [*nine, AnswerInput(0, person(5, "idee 9"), "personal")]
    result = compute(instrument=instrument(), groups=groups(10), responses=ten, k=5,
                     shared_risk_accepted=False)
    assert sorted(result["open"]) == sorted(f"idee {i}" for i in range(10))
    assert all("idee" not in str(unit) for unit in result["units"])
