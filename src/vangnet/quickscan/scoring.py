"""Scores, gaps and priorities of a quickscan round. Pure functions: no database, no requests.

Definitions (docs/adr/0021-quickscan-rounds-and-scoring.md):

- An answer x on the 1–5 scale counts as (x − 1) / 4 · 100 points: 1 → 0, 3 → 50, 5 → 100.
  "Weet ik niet" (0) and unanswered statements are left out. A reverse-keyed statement (agreeing
  is the worse answer, instrument version 2) is scored on 6 − x, so a higher score is always better.
- The share of "weet ik niet" per statement is reported; from 25% it is a finding of its own.
- A statement's score is the mean of its answers' points; a pillar's score the mean of the points
  of every answer to its statements (all answers pooled, so a person who answered more statements
  weighs more — the same as the mean of the statement scores when everyone answered everything).
- A figure for a group of respondents is only shown when at least k people contributed to it
  (answered at least one statement of the pillar, or that statement); and every per-group figure
  goes through `core.anonymity.suppress_counts` on the contributor counts, so that a hidden group's
  figure cannot be worked out from the overall figure and the other groups'.
- Which groups are shown at all comes from `core.anonymity.groups_to_report`.
- Padding (docs/adr/0053): only answers through a personal link bound to a member count towards
  any threshold. Answers through a shared link (or an old unbound link) are included in the figures
  of a group that is shown, but never help it, or any figure, over the threshold: whoever holds a
  shared link can answer many times with known values and subtract them. The organisation can
  accept that risk in writing for a round (`shared_risk_accepted`); then every answer counts.
  `core.anonymity.counting_size` is that rule; the pulse uses it too.
- A gap is the difference between two shown groups on a pillar or statement; ≥ 15 points is
  highlighted.
- Priority of a statement = (100 − overall score) + its largest gap between shown groups;
  a statement is a priority when its score is below 60 or it has a gap of 15 or more. The five
  highest come first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from vangnet.core.anonymity import (
    GroupPlan,
    counting_size,
    groups_to_report,
    suppress_counts,
    threshold,
)

from .content import DONT_KNOW, SCALE_VALUES, Instrument, Statement

GAP_THRESHOLD = 15.0
LOW_SCORE = 60.0
PRIORITY_COUNT = 5
# From this share of "weet ik niet" a statement is reported as a finding of its own.
DONT_KNOW_FINDING = 0.25
MERGED_KEY = "overig"


def points(answer: int) -> float:
    """One answer on the 1–5 scale as 0–100 points."""
    if answer not in SCALE_VALUES:
        raise ValueError(f"not an answer on the scale: {answer!r}")
    return (answer - 1) / 4 * 100


def score(answers: Sequence[int]) -> float | None:
    """Mean points of the answers, "weet ik niet" (0) left out; None without any answer."""
    values = [points(a) for a in answers if a != DONT_KNOW]
    if not values:
        return None
    return sum(values) / len(values)


@dataclass(frozen=True)
class SubmittedAnswers:
    group: str
    answers: Mapping[str, int]
    # True for an answer through a personal link bound to a member. Shared-link and unbound
    # answers may be padding by whoever holds the link, so they do not count towards a threshold.
    bound: bool = True


class GroupStatus:
    ALONE = "alone"
    MERGED = "merged"
    TOO_FEW = "too_few"
    TOO_FEW_BOUND = "too_few_bound"  # enough answers only with shared-link answers
    EMPTY = "empty"


@dataclass(frozen=True)
class GroupIntake:
    """How many answers a group has and how many of them came through shared or unbound links."""

    key: str
    label: str
    answers: int
    unbound: int
    status: str

    @property
    def bound(self) -> int:
        return self.answers - self.unbound

    @property
    def shown(self) -> bool:
        return self.status in (GroupStatus.ALONE, GroupStatus.MERGED)


Person = tuple[list[int], bool]  # one person's answers to the codes in question, and `bound`


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    size: int


@dataclass
class PillarResult:
    number: int
    title: str
    overall: float | None
    by_group: dict[str, float | None]


@dataclass
class StatementResult:
    statement: Statement
    overall: float | None
    distribution: dict[int, int] | None
    by_group: dict[str, float | None]

    @property
    def dont_know_share(self) -> float | None:
        """Share (0–1) of the counted people who answered "weet ik niet" or left it open."""
        if not self.distribution:
            return None
        total = sum(self.distribution.values())
        return self.distribution.get(DONT_KNOW, 0) / total if total else None

    @property
    def many_dont_know(self) -> bool:
        """A finding in itself: many people cannot judge this statement."""
        share = self.dont_know_share
        return share is not None and share >= DONT_KNOW_FINDING

    @property
    def max_gap(self) -> float:
        values = [v for v in self.by_group.values() if v is not None]
        return max(values) - min(values) if len(values) >= 2 else 0.0


@dataclass(frozen=True)
class Gap:
    subject: str  # "pillar" or "statement"
    code: str
    title: str
    high: str  # column key
    low: str
    high_score: float
    low_score: float

    @property
    def difference(self) -> float:
        return self.high_score - self.low_score


@dataclass(frozen=True)
class Priority:
    statement: Statement
    score: float
    gap: float

    @property
    def weight(self) -> float:
        return (100 - self.score) + self.gap


@dataclass
class Results:
    k: int
    solo: bool
    plan: GroupPlan[str]
    respondents: int | None  # respondents counted in the figures; None when too few
    columns: list[Column]
    pillars: list[PillarResult]
    statements: list[StatementResult]
    gaps: list[Gap] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    intake: list[GroupIntake] = field(default_factory=list)
    shared_risk_accepted: bool = False

    @property
    def groups_too_few_bound(self) -> list[GroupIntake]:
        return [g for g in self.intake if g.status == GroupStatus.TOO_FEW_BOUND]

    @property
    def has_figures(self) -> bool:
        return self.respondents is not None

    def column_label(self, key: str) -> str:
        return next((c.label for c in self.columns if c.key == key), key)


def _figure_by_group(values_by_group: Mapping[str, list[Person]], min_n: int, solo: bool,
                     count_unbound: bool) -> tuple[float | None, dict[str, float | None]]:
    """The overall score and the per-column scores that may be shown (see module docstring).

    `values_by_group`: per column, per contributing person, that person's answers. Only bound
    people count as contributors unless `count_unbound`: padding cannot lift a figure over k.
    """
    contributors = {g: sum(1 for _, bound in v if bound or count_unbound)
                    for g, v in values_by_group.items()}
    everyone = [person for people in values_by_group.values() for person in people]
    overall = _pooled(everyone) if sum(contributors.values()) >= min_n else None
    if solo:
        return overall, {g: _pooled(v) if v else None for g, v in values_by_group.items()}
    cells = suppress_counts(contributors, k=min_n)
    return overall, {
        g: (_pooled(values_by_group[g]) if not cells[g].suppressed and contributors[g] else None)
        for g in values_by_group
    }


def _pooled(per_person: Sequence[Person]) -> float | None:
    return score([answer for person, _bound in per_person for answer in person])


def compute_results(
    *,
    instrument: Instrument,
    responses: Sequence[SubmittedAnswers],
    group_labels: Mapping[str, str],
    merged_label: str,
    solo: bool = False,
    k: int | None = None,
    shared_risk_accepted: bool = False,
) -> Results:
    """Everything a report shows, already suppressed: pages, PDF, CSV and API all use this.

    Without `shared_risk_accepted`, only bound answers count towards any threshold (module
    docstring); a solo round is one person's own view and has no threshold at all.
    """
    k = threshold() if k is None else k
    min_n = 1 if solo else k
    count_unbound = solo or shared_risk_accepted
    sizes: dict[str, int] = dict.fromkeys(group_labels, 0)
    unbound: dict[str, int] = dict.fromkeys(group_labels, 0)
    for response in responses:
        sizes[response.group] = sizes.get(response.group, 0) + 1
        unbound[response.group] = unbound.get(response.group, 0) + (not response.bound)
    if solo:
        plan: GroupPlan[str] = GroupPlan(k=1, alone=tuple(g for g, n in sizes.items() if n),
                                         merged=(), dropped=(),
                                         empty=tuple(g for g, n in sizes.items() if not n))
    else:
        plan = groups_to_report(
            {g: counting_size(bound=n - unbound[g], unbound=unbound[g],
                              shared_risk_accepted=count_unbound) for g, n in sizes.items()},
            k=k)
        # A group with only shared-link answers counts 0: it is too small, not empty.
        padded_only = tuple(g for g in plan.empty if sizes[g])
        plan = GroupPlan(k=plan.k, alone=plan.alone, merged=plan.merged,
                         dropped=plan.dropped + padded_only,
                         empty=tuple(g for g in plan.empty if not sizes[g]))
    included = set(plan.included)
    column_of = {g: g for g in plan.alone} | dict.fromkeys(plan.merged, MERGED_KEY)
    columns = [Column(g, group_labels.get(g, g), sizes[g]) for g in plan.alone]
    if plan.merged:
        columns.append(Column(MERGED_KEY, merged_label, sum(sizes[g] for g in plan.merged)))
    counted = [r for r in responses if r.group in included]
    counting = sum(1 for r in counted if r.bound or count_unbound)
    respondents = len(counted) if counted and counting >= min_n else None
    if respondents is None:
        counted = []
    show_columns = not solo and len(columns) > 1

    def by_column(statements: Sequence[Statement]) -> dict[str, list[Person]]:
        """Per column, per person who answered at least one of the statements: their answers,
        reverse-keyed ones turned round (6 − x) so that a higher score is always better."""
        result: dict[str, list[Person]] = {c.key: [] for c in columns}
        for response in counted:
            answered = [s.keyed(response.answers[s.code]) for s in statements
                        if response.answers.get(s.code, DONT_KNOW) != DONT_KNOW]
            if answered:
                result[column_of[response.group]].append((answered, response.bound))
        return result

    pillars = []
    for pillar in instrument.pillars:
        overall, groups = _figure_by_group(by_column(instrument.statements_of(pillar.number)),
                                           min_n, solo, count_unbound)
        pillars.append(PillarResult(pillar.number, str(pillar.title), overall,
                                    groups if show_columns else {}))

    statements = []
    for statement in instrument.statements:
        overall, groups = _figure_by_group(by_column([statement]), min_n, solo, count_unbound)
        distribution = None
        if counted:
            distribution = dict.fromkeys((*SCALE_VALUES, DONT_KNOW), 0)
            for response in counted:
                distribution[response.answers.get(statement.code, DONT_KNOW)] += 1
        statements.append(StatementResult(statement, overall, distribution,
                                          groups if show_columns else {}))

    results = Results(k=k, solo=solo, plan=plan, respondents=respondents, columns=columns,
                      pillars=pillars, statements=statements,
                      intake=_intake(group_labels, sizes, unbound, plan, k, count_unbound),
                      shared_risk_accepted=shared_risk_accepted and not solo)
    results.gaps = find_gaps(results)
    results.priorities = rank_priorities(results)
    return results


def _intake(group_labels: Mapping[str, str], sizes: Mapping[str, int],
            unbound: Mapping[str, int], plan: GroupPlan[str], k: int,
            count_unbound: bool) -> list[GroupIntake]:
    def status(g: str) -> str:
        if g in plan.alone:
            return GroupStatus.ALONE
        if g in plan.merged:
            return GroupStatus.MERGED
        if not sizes[g]:
            return GroupStatus.EMPTY
        if not count_unbound and sizes[g] >= k:
            return GroupStatus.TOO_FEW_BOUND
        return GroupStatus.TOO_FEW

    return [GroupIntake(g, group_labels.get(g, g), sizes[g], unbound[g], status(g))
            for g in sizes]


def find_gaps(results: Results, minimum: float = GAP_THRESHOLD) -> list[Gap]:
    gaps: list[Gap] = []
    subjects: list[tuple[str, str, str, dict[str, float | None]]] = [
        ("pillar", str(p.number), p.title, p.by_group) for p in results.pillars
    ] + [("statement", s.statement.code, str(s.statement.text), s.by_group)
         for s in results.statements]
    for kind, code, title, by_group in subjects:
        for a, b in combinations([k for k, v in by_group.items() if v is not None], 2):
            high, low = (a, b) if (by_group[a] or 0) >= (by_group[b] or 0) else (b, a)
            high_score, low_score = by_group[high] or 0.0, by_group[low] or 0.0
            if high_score - low_score >= minimum:
                gaps.append(Gap(kind, code, title, high, low, high_score, low_score))
    gaps.sort(key=lambda g: (g.subject != "pillar", -g.difference, g.code))
    return gaps


def rank_priorities(results: Results, count: int = PRIORITY_COUNT) -> list[Priority]:
    candidates = [
        Priority(s.statement, s.overall, s.max_gap)
        for s in results.statements
        if s.overall is not None and (s.overall < LOW_SCORE or s.max_gap >= GAP_THRESHOLD)
    ]
    candidates.sort(key=lambda p: (-p.weight, p.statement.code))
    return candidates[:count]
