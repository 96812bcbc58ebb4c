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


# --- the tally: counts that are enough for every figure ----------------------------------------
#
# A round's figures need no single answer: per group and per kind of link (bound or not), the
# number of responses, per statement how many people gave each answer (0–5, an unanswered
# statement counted as "weet ik niet"), and per pillar how many people answered at least one of its
# statements. The database makes that tally in one query (`selectors.round_tally`); a closed round
# keeps it as its snapshot (ADR 0115), so its results cost the same whatever the number of answers.

ANSWER_VALUES = (DONT_KNOW, *SCALE_VALUES)


@dataclass
class GroupTally:
    """The counts of one group's responses through one kind of link."""

    responses: int = 0
    # Per statement code: how many people answered 0 (or nothing), 1, 2, 3, 4, 5 (list index).
    answers: dict[str, list[int]] = field(default_factory=dict)
    # Per pillar number: how many people answered at least one of its statements (not 0).
    pillar_people: dict[int, int] = field(default_factory=dict)

    def counts(self, code: str) -> list[int]:
        return self.answers.get(code) or [self.responses, 0, 0, 0, 0, 0]


@dataclass
class Tally:
    """Per group slug, per `bound` (True: a personal link bound to a member): its counts."""

    groups: dict[str, dict[bool, GroupTally]] = field(default_factory=dict)

    def of(self, group: str, bound: bool) -> GroupTally:
        return self.groups.get(group, {}).get(bound) or GroupTally()

    def to_json(self) -> dict[str, object]:
        return {"groups": {
            slug: {("bound" if bound else "unbound"): {
                "responses": t.responses, "answers": t.answers,
                "pillar_people": {str(n): c for n, c in t.pillar_people.items()}}
                for bound, t in by_kind.items()}
            for slug, by_kind in self.groups.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Tally:
        groups: dict[str, dict[bool, GroupTally]] = {}
        for slug, by_kind in dict(data.get("groups") or {}).items():  # type: ignore[call-overload]
            groups[slug] = {
                kind == "bound": GroupTally(
                    responses=int(t["responses"]),
                    answers={code: [int(c) for c in counts]
                             for code, counts in t["answers"].items()},
                    pillar_people={int(n): int(c) for n, c in t["pillar_people"].items()})
                for kind, t in by_kind.items()}
        return cls(groups)


def tally_responses(instrument: Instrument, responses: Sequence[SubmittedAnswers]) -> Tally:
    """The tally of answers held in memory (what the database's query does, in Python)."""
    tally = Tally()
    for response in responses:
        by_kind = tally.groups.setdefault(response.group, {})
        group = by_kind.setdefault(response.bound, GroupTally(
            answers={s.code: [0] * len(ANSWER_VALUES) for s in instrument.statements},
            pillar_people={p.number: 0 for p in instrument.pillars}))
        group.responses += 1
        for statement in instrument.statements:
            group.answers[statement.code][response.answers.get(statement.code, DONT_KNOW)] += 1
        for pillar in instrument.pillars:
            if any(response.answers.get(s.code, DONT_KNOW) != DONT_KNOW
                   for s in instrument.statements_of(pillar.number)):
                group.pillar_people[pillar.number] += 1
    return tally


@dataclass
class _Cell:
    """One column's share of a figure: the people who answered, and the points they gave."""

    bound_people: int = 0
    unbound_people: int = 0
    points: float = 0.0
    answers: int = 0

    def people(self, count_unbound: bool) -> int:
        return self.bound_people + (self.unbound_people if count_unbound else 0)

    @property
    def anyone(self) -> bool:
        return bool(self.bound_people or self.unbound_people)

    @property
    def score(self) -> float | None:
        return self.points / self.answers if self.answers else None


def _figure_by_group(cells: Mapping[str, _Cell], min_n: int, solo: bool,
                     count_unbound: bool) -> tuple[float | None, dict[str, float | None]]:
    """The overall score and the per-column scores that may be shown (see module docstring).

    Only bound people count as contributors unless `count_unbound`: padding cannot lift a
    figure over k.
    """
    contributors = {g: cell.people(count_unbound) for g, cell in cells.items()}
    total = _Cell(points=sum(c.points for c in cells.values()),
                  answers=sum(c.answers for c in cells.values()))
    overall = total.score if sum(contributors.values()) >= min_n else None
    if solo:
        return overall, {g: cell.score if cell.anyone else None for g, cell in cells.items()}
    suppressed = suppress_counts(contributors, k=min_n)
    return overall, {
        g: (cells[g].score if not suppressed[g].suppressed and contributors[g] else None)
        for g in cells
    }


def compute_results(
    *,
    instrument: Instrument,
    group_labels: Mapping[str, str],
    merged_label: str,
    responses: Sequence[SubmittedAnswers] = (),
    tally: Tally | None = None,
    solo: bool = False,
    k: int | None = None,
    shared_risk_accepted: bool = False,
) -> Results:
    """Everything a report shows, already suppressed: pages, PDF, CSV and API all use this.

    From the `tally` when given (the database's counts or a closed round's snapshot), otherwise
    from `responses`; the work depends on the number of groups and statements, not of answers.
    Without `shared_risk_accepted`, only bound answers count towards any threshold (module
    docstring); a solo round is one person's own view and has no threshold at all.
    """
    if tally is None:
        tally = tally_responses(instrument, responses)
    k = threshold() if k is None else k
    min_n = 1 if solo else k
    count_unbound = solo or shared_risk_accepted
    sizes: dict[str, int] = dict.fromkeys(group_labels, 0)
    unbound: dict[str, int] = dict.fromkeys(group_labels, 0)
    for group in tally.groups:
        sizes[group] = tally.of(group, True).responses + tally.of(group, False).responses
        unbound[group] = tally.of(group, False).responses
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
    included = list(plan.included)
    column_of = {g: g for g in plan.alone} | dict.fromkeys(plan.merged, MERGED_KEY)
    columns = [Column(g, group_labels.get(g, g), sizes[g]) for g in plan.alone]
    if plan.merged:
        columns.append(Column(MERGED_KEY, merged_label, sum(sizes[g] for g in plan.merged)))
    counted_n = sum(sizes[g] for g in included)
    counting = sum(sizes[g] if count_unbound else sizes[g] - unbound[g] for g in included)
    respondents = counted_n if counted_n and counting >= min_n else None
    counted = included if respondents is not None else []
    show_columns = not solo and len(columns) > 1

    def by_column(statements: Sequence[Statement], pillar: int | None) -> dict[str, _Cell]:
        """Per column: who answered at least one of the statements (bound or not) and their
        points, reverse-keyed answers turned round (6 − x) so that a higher score is better."""
        cells = {c.key: _Cell() for c in columns}
        for group in counted:
            cell = cells[column_of[group]]
            for bound in (True, False):
                counts = tally.of(group, bound)
                for statement in statements:
                    answer_counts = counts.counts(statement.code)
                    for value in SCALE_VALUES:
                        n = answer_counts[value]
                        cell.points += n * points(statement.keyed(value))
                        cell.answers += n
                people = (counts.pillar_people.get(pillar, 0) if pillar is not None
                          else sum(counts.counts(statements[0].code)[1:]))
                if bound:
                    cell.bound_people += people
                else:
                    cell.unbound_people += people
        return cells

    pillars = []
    for pillar in instrument.pillars:
        overall, groups = _figure_by_group(
            by_column(instrument.statements_of(pillar.number), pillar.number),
            min_n, solo, count_unbound)
        pillars.append(PillarResult(pillar.number, str(pillar.title), overall,
                                    groups if show_columns else {}))

    statements = []
    for statement in instrument.statements:
        overall, groups = _figure_by_group(by_column([statement], None), min_n, solo,
                                           count_unbound)
        distribution = None
        if counted:
            distribution = dict.fromkeys((*SCALE_VALUES, DONT_KNOW), 0)
            for group in counted:
                for bound in (True, False):
                    for value, n in zip(ANSWER_VALUES,
                                        tally.of(group, bound).counts(statement.code),
                                        strict=True):
                        distribution[value] += n
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
