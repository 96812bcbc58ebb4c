"""Reads of the code of conduct, scoped to the asking actor (404 when hidden)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils import timezone

from vangnet.core.anonymity import Cell, suppress_table_with_totals, total_cell
from vangnet.organisations.public import (
    Actor,
    managed_unit_ids_of,
    member_get,
    member_units,
    members_of_unit,
    unit_ancestor_ids,
    units_for_actor,
)

from . import permissions
from .content import paragraphs, section_titles
from .models import (
    SECTION_KEYS,
    Acknowledgement,
    CodeVersion,
    ConductSettings,
    Discussion,
    TeamAgreement,
    WelcomePath,
    YearlyReview,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Unit

STALE_AFTER_DAYS = 365


def settings_get(*, organisation_id: int) -> ConductSettings:
    found = ConductSettings.objects.filter(organisation_id=organisation_id).first()
    return found or ConductSettings(organisation_id=organisation_id)


def published_version(*, organisation_id: int) -> CodeVersion | None:
    return CodeVersion.objects.filter(organisation_id=organisation_id,
                                      status=CodeVersion.Status.PUBLISHED).first()


def published_for_actor(*, actor: Actor) -> CodeVersion | None:
    if not permissions.can_read_code(actor):
        return None
    return published_version(organisation_id=actor.organisation_id)


def public_version(*, organisation_id: int) -> CodeVersion:
    """The published code for the public page, only where the organisation switched it on."""
    if not settings_get(organisation_id=organisation_id).public_page:
        raise Http404
    version = published_version(organisation_id=organisation_id)
    if version is None:
        raise Http404
    return version


def versions_for_actor(*, actor: Actor) -> QuerySet[CodeVersion]:
    if not (permissions.can_edit_code(actor) or permissions.can_record_consent(actor)):
        return CodeVersion.objects.none()
    return CodeVersion.objects.filter(organisation_id=actor.organisation_id)


def version_get_for_actor(*, actor: Actor, pk: int) -> CodeVersion:
    version = versions_for_actor(actor=actor).filter(pk=pk).first()
    if version is None:
        published = published_for_actor(actor=actor)
        if published is not None and published.pk == pk:
            return published
        raise Http404
    return version


def acknowledged(*, actor: Actor, version: CodeVersion) -> bool:
    return Acknowledgement.objects.filter(membership_id=actor.membership_id,
                                          major=version.major).exists()


def needs_acknowledgement(*, actor: Actor) -> CodeVersion | None:
    version = published_for_actor(actor=actor)
    if version is None or acknowledged(actor=actor, version=version):
        return None
    return version


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: list[str]


def sections_of(version: CodeVersion, language: str) -> list[Section]:
    titles = section_titles(language)
    return [Section(key=key, title=titles[key], paragraphs=paragraphs(version.sections.get(key, "")))
            for key in SECTION_KEYS if version.sections.get(key)]


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "same", "removed", "added"
    text: str


@dataclass
class SectionDiff:
    title: str
    changed: bool
    paragraphs: list[list[DiffPart]] = field(default_factory=list)


def _word_diff(old: str, new: str) -> list[DiffPart]:
    old_words, new_words = old.split(), new.split()
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("same", " ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("removed", " ".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("added", " ".join(new_words[j1:j2])))
    return parts


def compare(old: CodeVersion, new: CodeVersion, language: str) -> list[SectionDiff]:
    """Per section, paragraph by paragraph: paragraphs that changed show the words that went
    and the words that came; new and removed paragraphs are shown whole."""
    titles = section_titles(language)
    result = []
    for key in SECTION_KEYS:
        before = paragraphs(old.sections.get(key, ""))
        after = paragraphs(new.sections.get(key, ""))
        diff = SectionDiff(title=titles[key], changed=before != after)
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                diff.paragraphs += [[DiffPart("same", text)] for text in before[i1:i2]]
            elif tag == "replace" and i2 - i1 == j2 - j1:
                diff.paragraphs += [_word_diff(a, b) for a, b in zip(before[i1:i2], after[j1:j2],
                                                                      strict=True)]
            else:
                diff.paragraphs += [[DiffPart("removed", text)] for text in before[i1:i2]]
                diff.paragraphs += [[DiffPart("added", text)] for text in after[j1:j2]]
        result.append(diff)
    return result


# --- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int | None
    label: str
    acknowledged: Cell
    not_yet: Cell
    total: Cell


@dataclass(frozen=True)
class AcknowledgementFigures:
    version: CodeVersion
    rows: list[UnitFigures]
    acknowledged: Cell
    not_yet: Cell
    total: Cell


def acknowledgement_figures(*, actor: Actor, no_unit_label: str) -> AcknowledgementFigures | None:
    """Per unit: how many members acknowledged the current major version and how many not yet,
    through core.anonymity (small cells hidden, also where subtraction would give them away)."""
    if not permissions.can_view_figures(actor):
        raise Http404
    version = published_version(organisation_id=actor.organisation_id)
    if version is None:
        return None
    units = {unit.pk: unit.name for unit in units_for_actor(actor=actor)}
    members = member_units(organisation_id=actor.organisation_id)
    done = set(Acknowledgement.objects.filter(organisation_id=actor.organisation_id,
                                              major=version.major)
               .values_list("membership_id", flat=True))
    table: dict[int | None, dict[str, int]] = {}
    for membership_id, unit_id in members.items():
        row = table.setdefault(unit_id, {"yes": 0, "no": 0})
        row["yes" if membership_id in done else "no"] += 1
    ordered = sorted(table, key=lambda uid: (uid is None, units.get(uid, "") if uid else ""))
    result = suppress_table_with_totals({uid: table[uid] for uid in ordered})
    rows = [UnitFigures(unit_id=uid, label=units.get(uid, no_unit_label) if uid else no_unit_label,
                        acknowledged=result.cells[uid]["yes"], not_yet=result.cells[uid]["no"],
                        total=result.row_totals[uid]) for uid in ordered]
    if not rows:
        empty = total_cell(0)
        return AcknowledgementFigures(version=version, rows=[], acknowledged=empty,
                                      not_yet=empty, total=empty)
    return AcknowledgementFigures(version=version, rows=rows,
                                  acknowledged=result.column_totals["yes"],
                                  not_yet=result.column_totals["no"], total=result.grand_total)


def not_acknowledged_in_team(*, actor: Actor, unit: Unit) -> list[str]:
    """Names, only for a manager of the team where the organisation chose named follow-up."""
    settings = settings_get(organisation_id=actor.organisation_id)
    line = unit_ancestor_ids(unit_id=unit.pk, organisation_id=actor.organisation_id)
    if unit.organisation_id != actor.organisation_id or not permissions.can_see_named_follow_up(
            actor, named_follow_up=settings.named_follow_up, unit_line_ids=line,
            managed_unit_ids=managed_unit_ids_of(membership_id=actor.membership_id)):
        raise Http404
    version = published_version(organisation_id=actor.organisation_id)
    if version is None:
        return []
    done = set(Acknowledgement.objects.filter(major=version.major, organisation_id=actor.organisation_id)
               .values_list("membership_id", flat=True))
    return [m.user.full_name or m.user.email
            for m in members_of_unit(organisation_id=actor.organisation_id, unit_id=unit.pk)
            if m.pk not in done]


# --- team agreements ----------------------------------------------------------------------------


class _LineAndManaged(TypedDict):
    unit_line_ids: list[int]
    managed_unit_ids: set[int]


def _line_and_managed(actor: Actor, unit: Unit) -> _LineAndManaged:
    return {"unit_line_ids": unit_ancestor_ids(unit_id=unit.pk, organisation_id=unit.organisation_id),
            "managed_unit_ids": managed_unit_ids_of(membership_id=actor.membership_id)}


def team_units_for_actor(*, actor: Actor) -> list[Unit]:
    """Teams whose agreements the actor may see: their own, the ones they keep."""
    return [unit for unit in units_for_actor(actor=actor)
            if permissions.can_view_agreements(actor, unit_id=unit.pk, **_line_and_managed(actor, unit))]


def team_get_for_actor(*, actor: Actor, pk: int) -> Unit:
    unit = next((u for u in units_for_actor(actor=actor) if u.pk == pk), None)
    if unit is None or not permissions.can_view_agreements(actor, unit_id=unit.pk,
                                                            **_line_and_managed(actor, unit)):
        raise Http404
    return unit


def can_keep(*, actor: Actor, unit: Unit) -> bool:
    return permissions.can_keep_agreements(actor, **_line_and_managed(actor, unit))


def stale_before(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=STALE_AFTER_DAYS)


def agreements_of(*, unit: Unit) -> QuerySet[TeamAgreement]:
    return TeamAgreement.objects.filter(unit=unit, is_active=True)


def agreement_get_for_actor(*, actor: Actor, pk: int) -> TeamAgreement:
    agreement = TeamAgreement.objects.filter(pk=pk, organisation_id=actor.organisation_id,
                                             is_active=True).select_related("unit").first()
    if agreement is None:
        raise Http404
    team_get_for_actor(actor=actor, pk=agreement.unit_id)
    return agreement


def discussions_of(*, unit: Unit, limit: int = 20) -> list[Discussion]:
    return list(Discussion.objects.filter(unit=unit).prefetch_related("agreements")[:limit])


@dataclass(frozen=True)
class UnitDiscussed:
    label: str
    code_last: date | None
    agreements_last: date | None
    agreements: int
    stale: int


def discussed_per_unit(*, actor: Actor) -> list[UnitDiscussed]:
    """The coordinator's overview: when each unit last discussed the code and its agreements."""
    if not permissions.can_edit_code(actor):
        raise Http404
    code_last = dict(Discussion.objects.filter(organisation_id=actor.organisation_id, about_code=True)
                     .values("unit_id").annotate(last=Max("held_on")).values_list("unit_id", "last"))
    agreements = list(TeamAgreement.objects.filter(organisation_id=actor.organisation_id,
                                                   is_active=True)
                      .values_list("unit_id", "last_discussed_on"))
    limit = stale_before()
    rows = []
    for unit in units_for_actor(actor=actor):
        dates = [on for unit_id, on in agreements if unit_id == unit.pk]
        rows.append(UnitDiscussed(label=unit.name, code_last=code_last.get(unit.pk),
                                  agreements_last=max(dates) if dates else None,
                                  agreements=len(dates), stale=sum(on < limit for on in dates)))
    return rows


# --- welcome path -------------------------------------------------------------------------------


def welcome_for_actor(*, actor: Actor) -> WelcomePath | None:
    return WelcomePath.objects.filter(membership_id=actor.membership_id,
                                      organisation_id=actor.organisation_id).first()


def welcome_paths_to_follow(*, actor: Actor) -> list[WelcomePath]:
    """Paths the actor follows as buddy, as manager of the newcomer's team, or as coordinator."""
    paths = WelcomePath.objects.filter(organisation_id=actor.organisation_id).prefetch_related(
        "checkins").order_by("-started_on", "-pk")
    managed = managed_unit_ids_of(membership_id=actor.membership_id)
    visible = []
    for path in paths[:200]:
        newcomer = member_get(organisation_id=actor.organisation_id, membership_id=path.membership_id)
        if newcomer is None:
            continue
        line = (unit_ancestor_ids(unit_id=newcomer.unit_id, organisation_id=actor.organisation_id)
                if newcomer.unit_id else [])
        if path.buddy_id == actor.membership_id or permissions.can_set_buddy(
                actor, unit_line_ids=line, managed_unit_ids=managed):
            path.newcomer = newcomer  # type: ignore[attr-defined]
            visible.append(path)
    return visible


def welcome_path_get_for_actor(*, actor: Actor, pk: int) -> WelcomePath:
    path = next((p for p in welcome_paths_to_follow(actor=actor) if p.pk == pk), None)
    if path is None:
        raise Http404
    return path


# --- yearly review ------------------------------------------------------------------------------


def open_review(*, actor: Actor) -> YearlyReview | None:
    if not permissions.can_review(actor):
        return None
    return YearlyReview.objects.filter(organisation_id=actor.organisation_id,
                                       completed_at__isnull=True).first()


def review_get_for_actor(*, actor: Actor, pk: int) -> YearlyReview:
    if not permissions.can_review(actor):
        raise Http404
    review = YearlyReview.objects.filter(organisation_id=actor.organisation_id, pk=pk).first()
    if review is None:
        raise Http404
    return review


def reviews_done(*, actor: Actor) -> QuerySet[YearlyReview]:
    if not permissions.can_review(actor):
        return YearlyReview.objects.none()
    return YearlyReview.objects.filter(organisation_id=actor.organisation_id,
                                       completed_at__isnull=False)


def buddy_choices(*, actor: Actor, newcomer: Membership) -> list[Membership]:
    """A buddy comes from the newcomer's own team."""
    if newcomer.unit_id is None:
        return []
    return [m for m in members_of_unit(organisation_id=actor.organisation_id, unit_id=newcomer.unit_id)
            if m.pk != newcomer.pk]
