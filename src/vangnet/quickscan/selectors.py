"""Every read of the quickscan, scoped to the asking person (or to the respondent's link)."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.organisations.public import (
    Actor,
    active_memberships_in,
    managed_subtree,
    unit_tree,
    units_and_below,
)
from vangnet.surveys.public import Texts, link_get_open
from vangnet.surveys.public import shared_group_get_open as shared_group_get
from vangnet.toolbox.public import werkvormen_by_slugs

from .content import CONTENT_DIR, SCALE_VALUES, comparable_codes, instrument
from .models import (
    Action,
    GroupName,
    RespondentToken,
    Response,
    RiskAcceptance,
    Round,
    RoundGroup,
)
from .permissions import can_manage_rounds, can_run_round, can_view_actions, can_view_report
from .scoring import GroupTally, Results, Tally, compute_results
from .tokens import SOLO_GROUP, TABLES

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

# --- rounds ----------------------------------------------------------------------------------


def unit_scope(*, round_: Round) -> set[int] | None:
    """The units whose members may take part: the round's unit and every unit below it; None for
    a round of the whole organisation (and an empty set when the round's unit was deleted)."""
    if not round_.for_unit:
        return None
    if round_.unit_id is None:
        return set()
    return units_and_below(organisation_id=round_.organisation_id, roots={round_.unit_id})


def rounds_for_actor(*, actor: Actor) -> QuerySet[Round]:
    rounds = Round.objects.filter(organisation_id=actor.organisation_id)
    counted = Count("responses", filter=Q(responses__submitted=True))
    if can_manage_rounds(actor):
        return rounds.annotate(response_count=counted)
    subtree = managed_subtree(actor=actor)
    visible = Q(pk__in=[])
    if can_view_actions(actor):  # closed rounds of the whole organisation
        visible |= Q(status=Round.Status.CLOSED, kind=Round.Kind.GROUPS, unit_name="")
    if subtree:  # a manager's own units' rounds, open or closed
        visible |= Q(kind=Round.Kind.GROUPS, unit_id__in=subtree)
    return rounds.filter(visible).annotate(response_count=counted)


def may_run(*, actor: Actor, round_: Round) -> bool:
    return can_run_round(actor, organisation_id=round_.organisation_id,
                         for_unit=round_.for_unit, unit_id=round_.unit_id,
                         managed_subtree=managed_subtree(actor=actor))


def round_get_for_actor(*, actor: Actor, pk: int, manage: bool = False) -> Round:
    """The round when the actor may see its report (or manage it); 404 otherwise (no hint)."""
    round_ = Round.objects.filter(pk=pk, organisation_id=actor.organisation_id).first()
    if round_ is None:
        raise Http404
    if round_.is_solo:
        allowed = can_manage_rounds(actor)
    elif manage:
        allowed = may_run(actor=actor, round_=round_)
    else:
        allowed = can_view_report(
            actor, organisation_id=round_.organisation_id, is_closed=not round_.is_open,
            is_solo=round_.is_solo, for_unit=round_.for_unit, unit_id=round_.unit_id,
            managed_subtree=managed_subtree(actor=actor))
    if not allowed:
        raise Http404
    return round_


def group_get_for_actor(*, actor: Actor, round_: Round, pk: int) -> RoundGroup:
    group = RoundGroup.objects.filter(pk=pk, round=round_).select_related("round").first()
    if group is None or not may_run(actor=actor, round_=round_):
        raise Http404
    return group


def start_unit_choices(*, actor: Actor) -> list[tuple[int, str]]:
    """The units this person may start a round for, in tree order and indented."""
    subtree = None if can_manage_rounds(actor) else managed_subtree(actor=actor)
    return [(unit.pk, "— " * depth + unit.name) for unit, depth in unit_tree(actor=actor)
            if subtree is None or unit.pk in subtree]


def group_options(*, organisation_id: int) -> list[tuple[str, str]]:
    """The organisation's respondent groups, (slug, name): the instrument's groups under the
    organisation's own names where it gave one, then the groups it added (ADR 0117)."""
    own = dict(GroupName.objects.filter(organisation_id=organisation_id)
               .values_list("slug", "name"))
    options = [(g.slug, own.get(g.slug) or str(g.name)) for g in instrument().groups]
    return options + [(slug, name) for slug, name in own.items()
                      if instrument().group(slug) is None]


def group_labels(*, organisation_id: int) -> dict[str, str]:
    return {SOLO_GROUP: _("Just me"), **dict(group_options(organisation_id=organisation_id))}


def group_label(slug: str, *, organisation_id: int) -> str:
    return group_labels(organisation_id=organisation_id).get(slug, slug)


def merged_label() -> str:
    return _("Other groups together")


@dataclass(frozen=True)
class GroupCount:
    """A running group, in counts only: never who was invited, who answered, or what."""

    group: RoundGroup
    label: str
    responses: int
    shared_responses: int  # through the shared link or an old unbound link
    invited: int  # members with a personal link
    has_shared_link: bool


def response_counts(*, round_: Round) -> list[GroupCount]:
    """Per group: submitted responses (and how many through shared links) and invited members."""
    submitted = Q(responses__submitted=True)
    labels = group_labels(organisation_id=round_.organisation_id)
    groups = RoundGroup.objects.filter(round=round_).annotate(
        submitted=Count("responses", filter=submitted, distinct=True),
        shared=Count("responses", filter=submitted & ~Q(
            responses__channel=Response.Channel.PERSONAL), distinct=True),
        invited=Count("tokens", filter=Q(tokens__membership__isnull=False), distinct=True),
    )
    return [GroupCount(g, labels.get(g.slug, g.slug), g.submitted, g.shared, g.invited,
                       bool(g.shared_token_hash)) for g in groups]


def shared_risk_acceptance(*, round_: Round) -> RiskAcceptance | None:
    return RiskAcceptance.objects.filter(round=round_).first()


def round_tally(*, round_: Round) -> Tally:
    """The counts of the round's submitted answers, made by the database in one query.

    Per group and per kind of link: the responses, per statement how many gave each answer, per
    pillar how many answered at least one of its statements. The answers themselves never leave
    the database.
    """
    instrument_ = instrument(round_.instrument_version)
    aggregates: dict[str, Any] = {"n": Count("pk")}
    for index, statement in enumerate(instrument_.statements):
        for value in SCALE_VALUES:
            aggregates[f"s{index}_{value}"] = Count(
                "pk", filter=Q(**{f"answers__{statement.code}": value}))
    for pillar in instrument_.pillars:
        answered = Q()
        for statement in instrument_.statements_of(pillar.number):
            answered |= Q(**{f"answers__{statement.code}__in": SCALE_VALUES})
        aggregates[f"p{pillar.number}"] = Count("pk", filter=answered)
    rows: Any = (Response.objects.filter(round=round_, submitted=True).order_by()
                 .values("group__slug", "channel").annotate(**aggregates))
    tally = Tally()
    row: dict[str, Any]
    for row in rows:
        by_kind = tally.groups.setdefault(row["group__slug"], {})
        bound = row["channel"] == Response.Channel.PERSONAL
        group = by_kind.setdefault(bound, GroupTally())
        group.responses += row["n"]
        for index, statement in enumerate(instrument_.statements):
            counts = group.answers.setdefault(statement.code, [0] * 6)
            given = [row[f"s{index}_{value}"] for value in SCALE_VALUES]
            counts[0] += row["n"] - sum(given)
            for value, n in zip(SCALE_VALUES, given, strict=True):
                counts[value] += n
        for pillar in instrument_.pillars:
            group.pillar_people[pillar.number] = (group.pillar_people.get(pillar.number, 0)
                                                  + row[f"p{pillar.number}"])
    return tally


def results_tally(*, round_: Round) -> Tally:
    """A closed round's snapshot when it has one; otherwise the database's counts now."""
    if not round_.is_open and round_.results_snapshot is not None:
        return Tally.from_json(round_.results_snapshot)
    return round_tally(round_=round_)


def round_results(*, round_: Round) -> Results:
    """The round's figures, suppressed. Used by the page, the PDF, the CSV and the API.

    A closed round's figures come from its snapshot (made once at closing, ADR 0115): the cost
    does not grow with the number of answers. Answers through shared or unbound links count
    towards no threshold unless the organisation accepted that risk for this round (ADR 0053);
    that acceptance may come after closing, so it is applied here, not in the snapshot.
    """
    groups = list(RoundGroup.objects.filter(round=round_).values_list("slug", flat=True))
    labels = group_labels(organisation_id=round_.organisation_id)
    return compute_results(
        instrument=instrument(round_.instrument_version), tally=results_tally(round_=round_),
        group_labels={slug: labels.get(slug, slug) for slug in groups},
        merged_label=merged_label(), solo=round_.is_solo,
        k=None if round_.is_open else max(round_.threshold, 1),
        shared_risk_accepted=RiskAcceptance.objects.filter(round=round_).exists(),
    )


def previous_round(*, round_: Round) -> Round | None:
    """The last closed group round of the organisation before this one (for the trend)."""
    if round_.is_solo:
        return None
    # The same scope: the whole organisation, or the same unit (ADR 0116).
    return (Round.objects.filter(organisation_id=round_.organisation_id,
                                 status=Round.Status.CLOSED, kind=Round.Kind.GROUPS,
                                 unit_name=round_.unit_name,
                                 created_at__lt=round_.created_at)
            .filter(Q(unit_id=round_.unit_id) if round_.unit_id is not None
                    else Q(unit__isnull=True))
            .exclude(pk=round_.pk).order_by("-created_at").first())


@dataclass(frozen=True)
class TrendRow:
    number: int
    title: str
    previous: float | None
    current: float | None
    # False when the statements of this pillar differ between the two rounds' versions: a break
    # in the trend. `previous` is then left out: the two scores do not measure the same thing.
    comparable: bool = True

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class StatementTrendRow:
    """A statement asked in both rounds (the same question, perhaps under another code)."""

    code: str
    previous_code: str
    text: str
    previous: float | None
    current: float | None

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


def trend(*, round_: Round, results: Results) -> tuple[Round | None, list[TrendRow]]:
    """Pillar scores against the previous closed round; a break where the statements changed."""
    previous = previous_round(round_=round_)
    if previous is None:
        return None, []
    old, new = instrument(previous.instrument_version), instrument(round_.instrument_version)
    same = comparable_codes(old, new)
    before = {p.number: p.overall for p in round_results(round_=previous).pillars}
    rows = []
    for p in results.pillars:
        new_codes = {s.code for s in new.statements_of(p.number)}
        old_codes = {s.code for s in old.statements_of(p.number)}
        comparable = new_codes <= set(same) and {same[c] for c in new_codes} == old_codes
        rows.append(TrendRow(p.number, p.title, before.get(p.number) if comparable else None,
                             p.overall, comparable=comparable))
    return previous, rows


def statement_trend(*, round_: Round, previous: Round | None,
                    results: Results) -> list[StatementTrendRow]:
    """Per statement that both rounds asked: its score then and now (only across a version
    change; within one version the pillar trend says it all)."""
    if previous is None or previous.instrument_version == round_.instrument_version:
        return []
    same = comparable_codes(instrument(previous.instrument_version),
                            instrument(round_.instrument_version))
    before = {s.statement.code: s.overall for s in round_results(round_=previous).statements}
    return [StatementTrendRow(s.statement.code, same[s.statement.code], str(s.statement.text),
                              before.get(same[s.statement.code]), s.overall)
            for s in results.statements if s.statement.code in same]


# --- respondents -----------------------------------------------------------------------------


def token_get_open(*, organisation: Organisation, raw: str) -> RespondentToken | None:
    """A personal link that can still be used: unspent, in an open round of this organisation,
    and (when bound) of a member who is still active there (the engine's rule, ADR 0080).
    """
    link = link_get_open(TABLES, organisation_id=organisation.pk, raw=raw)
    return link if isinstance(link, RespondentToken) else None


# --- choosing who gets a link ----------------------------------------------------------------


def invite_unit_choices(*, actor: Actor, round_: Round | None = None) -> list[tuple[int, str]]:
    """Units for the invite form in tree order, indented: those of the round's scope."""
    if round_ is None or not may_run(actor=actor, round_=round_):
        return []
    scope = unit_scope(round_=round_)
    return [(unit.pk, "— " * depth + unit.name) for unit, depth in unit_tree(actor=actor)
            if scope is None or unit.pk in scope]


def shared_group_get_open(*, organisation: Organisation, raw: str) -> RoundGroup | None:
    group = shared_group_get(TABLES, organisation_id=organisation.pk, raw=raw,
                             kind=Round.Kind.GROUPS)
    return group if isinstance(group, RoundGroup) else None


# --- werkvormen --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WerkvormLink:
    slug: str
    title: str
    url: str | None


@lru_cache(maxsize=128)
def _werkvorm_title_from_content(slug: str) -> Texts | None:
    path = CONTENT_DIR / "werkvormen" / f"{slug}.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None
    return Texts(nl=data.get("nl", {}).get("title", slug), en=data.get("en", {}).get("title", slug))


def werkvormen_for(*, organisation: Organisation, slugs: Sequence[str]) -> list[WerkvormLink]:
    """Linked to the toolbox when it is installed and knows the werkvorm; otherwise (toolbox not
    installed, or its content not loaded yet) the title from the content file, without a link.
    """
    found: dict[str, WerkvormLink] = {}
    if apps.is_installed("vangnet.toolbox"):
        for werkvorm in werkvormen_by_slugs(organisation.pk, list(slugs)):
            title = Texts(nl=werkvorm.title_nl, en=werkvorm.title_en)
            found[werkvorm.slug] = WerkvormLink(werkvorm.slug, str(title), reverse(
                "toolbox:werkvorm_detail",
                kwargs={"org_slug": organisation.slug, "slug": werkvorm.slug}))
    links = []
    for slug in slugs:
        if slug in found:
            links.append(found[slug])
            continue
        texts = _werkvorm_title_from_content(slug)
        if texts is not None:
            links.append(WerkvormLink(slug, str(texts), None))
    return links


# --- action plan -------------------------------------------------------------------------------


def actions_for_actor(*, actor: Actor) -> QuerySet[Action]:
    if not can_view_actions(actor):
        return Action.objects.none()
    return (Action.objects.filter(organisation_id=actor.organisation_id)
            .select_related("owner__user", "round"))


def action_get_for_actor(*, actor: Actor, pk: int) -> Action:
    action = actions_for_actor(actor=actor).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


def action_owner_choices(*, actor: Actor) -> QuerySet[Membership]:
    return (active_memberships_in(organisation_id=actor.organisation_id)
            .select_related("user").order_by("user__full_name", "user__email"))


@dataclass(frozen=True)
class ActionProgress:
    total: int
    open: int
    in_progress: int
    done: int

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def action_progress(*, actions: QuerySet[Action]) -> ActionProgress:
    counts = {row["status"]: row["n"] for row in actions.order_by().values("status")
              .annotate(n=Count("pk"))}
    return ActionProgress(
        total=sum(counts.values()), open=counts.get(Action.Status.OPEN, 0),
        in_progress=counts.get(Action.Status.IN_PROGRESS, 0),
        done=counts.get(Action.Status.DONE, 0),
    )
