"""Every write in the toolbox. Keyword-only, typed, atomic, permission-checked, audited."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vangnet.core.mail import queue_mail
from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from . import permissions, selectors
from .content import ContentBundle, WerkvormData, WerkvormText, content
from .models import (
    CalendarFeed,
    HiddenWerkvorm,
    Routine,
    RoutineOccurrence,
    TeamSession,
    TeamSessionItem,
    Werkvorm,
)
from .recurrence import dates_between, next_date

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Unit

SESSION_MIN_MINUTES = 30
SESSION_MAX_MINUTES = 60
NOTE_MAX_LENGTH = 280



def _tag(values: Sequence[object]) -> str:
    return "," + ",".join(str(v) for v in values) + "," if values else ""


def _body(text: WerkvormText) -> dict:
    return {"preparation": text.preparation, "steps": list(text.steps), "why": text.why,
            "who_what_where": text.who_what_where, "tips": list(text.tips),
            "safety_note": text.safety_note, "materials": text.materials,
            "debrief": list(text.debrief)}


def _search_text(text: WerkvormText) -> str:
    return "\n".join([text.preparation, text.materials, *text.steps, *text.debrief, text.why,
                      text.who_what_where, *text.tips, text.safety_note])


def _apply_data(werkvorm: Werkvorm, data: WerkvormData) -> None:
    werkvorm.kind = data.kind
    werkvorm.pillars, werkvorm.pillars_tag = list(data.pillars), _tag(data.pillars)
    werkvorm.themes, werkvorm.themes_tag = list(data.themes), _tag(data.themes)
    werkvorm.audience, werkvorm.audience_tag = list(data.audience), _tag(data.audience)
    werkvorm.related = list(data.related)
    werkvorm.duration_minutes = data.duration_minutes
    werkvorm.group_min, werkvorm.group_max = data.group_min, data.group_max
    werkvorm.title_nl, werkvorm.title_en = data.nl.title, data.en.title
    werkvorm.purpose_nl, werkvorm.purpose_en = data.nl.purpose, data.en.purpose
    werkvorm.body_nl, werkvorm.body_en = _body(data.nl), _body(data.en)
    werkvorm.search_text_nl, werkvorm.search_text_en = _search_text(data.nl), _search_text(data.en)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    stale: tuple[str, ...]


def builtin_content_load(*, bundle: ContentBundle | None = None) -> LoadResult:
    """Upsert the built-in werkvormen from the (validated) content files. Safe to run again.

    Built-ins that disappeared from the files are reported, not deleted: saved sessions and
    routines may still point at them.
    """
    bundle = bundle or content()
    created = updated = unchanged = 0
    with service_write(action="toolbox.content_load", actor=None) as change:
        existing = {w.slug: w for w in Werkvorm.objects.filter(organisation__isnull=True)}
        for data in bundle.werkvormen:
            werkvorm = existing.get(data.slug) or Werkvorm(slug=data.slug, organisation=None)
            before = _snapshot(werkvorm) if werkvorm.pk else None
            _apply_data(werkvorm, data)
            if before is not None and before == _snapshot(werkvorm):
                unchanged += 1
                continue
            werkvorm.full_clean(validate_unique=False)
            werkvorm.save()
            if before is None:
                created += 1
            else:
                updated += 1
        stale = tuple(sorted(set(existing) - {d.slug for d in bundle.werkvormen}))
        change.data = {"created": created, "updated": updated, "stale": list(stale)}
        if not (created or updated):
            change.nothing_changed()
    return LoadResult(created=created, updated=updated, unchanged=unchanged, stale=stale)


def _snapshot(werkvorm: Werkvorm) -> tuple:
    fields = ("kind", "pillars", "themes", "audience", "related", "duration_minutes", "group_min",
              "group_max", "title_nl", "title_en", "purpose_nl", "purpose_en", "body_nl", "body_en")
    # JSON with sorted keys: PostgreSQL's jsonb does not keep the key order we wrote.
    return tuple(json.dumps(getattr(werkvorm, name), sort_keys=True) for name in fields)


# --- the organisation's own catalogue -------------------------------------------------------------


@dataclass(frozen=True)
class OwnWerkvormInput:
    """What a coordinator writes for an own werkvorm (in one language; shown in both)."""

    title: str
    purpose: str
    kind: str
    pillars: tuple[int, ...]
    themes: tuple[str, ...]
    audience: tuple[str, ...]
    duration_minutes: int
    group_min: int
    group_max: int
    preparation: str
    steps: tuple[str, ...]
    why: str
    who_what_where: str
    tips: tuple[str, ...]
    safety_note: str


def _own_data(slug: str, data: OwnWerkvormInput) -> WerkvormData:
    text = WerkvormText(title=data.title, purpose=data.purpose, preparation=data.preparation,
                        steps=data.steps, why=data.why, who_what_where=data.who_what_where,
                        tips=data.tips, safety_note=data.safety_note)
    return WerkvormData(slug=slug, kind=data.kind, pillars=data.pillars, themes=data.themes,
                        audience=data.audience, duration_minutes=data.duration_minutes,
                        group_min=data.group_min, group_max=data.group_max, related=(),
                        nl=text, en=text)


def _free_slug(organisation_id: int, title: str) -> str:
    base = slugify(title)[:80] or "werkvorm"
    taken = set(Werkvorm.objects.filter(slug__startswith=base).filter(
        selectors._visible_q(organisation_id)).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_input(data: OwnWerkvormInput) -> None:
    if data.group_max < data.group_min:
        raise ValidationError({"group_max": _("The largest group cannot be smaller than the smallest.")})
    if not data.steps:
        raise ValidationError({"steps": _("Write at least one step.")})


def werkvorm_create(*, actor: Actor, data: OwnWerkvormInput) -> Werkvorm:
    require(permissions.can_manage_catalogue(actor))
    _check_input(data)
    with service_write(action="toolbox.werkvorm_create", actor=actor) as change:
        slug = _free_slug(actor.organisation_id, data.title)
        werkvorm = Werkvorm(organisation_id=actor.organisation_id, slug=slug)
        _apply_data(werkvorm, _own_data(slug, data))
        werkvorm.full_clean(validate_unique=False)
        werkvorm.save()
        change.target = werkvorm
    return werkvorm


def werkvorm_update(*, actor: Actor, werkvorm: Werkvorm, data: OwnWerkvormInput) -> Werkvorm:
    """Only the organisation's own werkvormen can be edited; built-ins come from the content files."""
    require(permissions.can_manage_catalogue(actor)
            and werkvorm.organisation_id == actor.organisation_id)
    _check_input(data)
    with service_write(action="toolbox.werkvorm_update", actor=actor, target=werkvorm):
        _apply_data(werkvorm, _own_data(werkvorm.slug, data))
        werkvorm.full_clean(validate_unique=False)
        werkvorm.save()
    return werkvorm


def werkvorm_set_hidden(*, actor: Actor, werkvorm: Werkvorm, hidden: bool) -> None:
    with service_write(
        allowed=permissions.can_manage_catalogue(actor)
        and werkvorm.organisation_id in (None, actor.organisation_id),
        action="toolbox.werkvorm_hide" if hidden else "toolbox.werkvorm_show",
        actor=actor, target=werkvorm, organisation_id=actor.organisation_id,
    ):
        if hidden:
            HiddenWerkvorm.objects.get_or_create(organisation_id=actor.organisation_id,
                                                 werkvorm=werkvorm)
        else:
            HiddenWerkvorm.objects.filter(organisation_id=actor.organisation_id,
                                          werkvorm=werkvorm).delete()


# --- team sessions --------------------------------------------------------------------------------


def _require_planner(actor: Actor, unit: Unit) -> None:
    require(selectors.can_plan_for(actor=actor, unit=unit))


def session_check_duration(total_minutes: int) -> None:
    if total_minutes < SESSION_MIN_MINUTES or total_minutes > SESSION_MAX_MINUTES:
        raise ValidationError(
            _("A team session takes %(min)d to %(max)d minutes; this one takes %(total)d. "
              "Add or remove a werkvorm.")
            % {"min": SESSION_MIN_MINUTES, "max": SESSION_MAX_MINUTES, "total": total_minutes}
        )


def session_create(*, actor: Actor, unit: Unit, title: str, werkvormen: Sequence[Werkvorm],
                   planned_for: datetime | None = None) -> TeamSession:
    _require_planner(actor, unit)
    if not werkvormen:
        raise ValidationError(_("Choose at least one werkvorm."))
    visible = {w.pk for w in selectors.werkvormen_for_actor(actor=actor).filter(
        pk__in=[w.pk for w in werkvormen])}
    if any(w.pk not in visible for w in werkvormen):
        raise PermissionDenied
    session_check_duration(sum(w.duration_minutes for w in werkvormen))
    with service_write(action="toolbox.session_create", actor=actor) as change:
        session = TeamSession.objects.create(
            organisation_id=actor.organisation_id, unit=unit, title=title.strip(),
            planned_for=planned_for, created_by_id=actor.membership_id,
        )
        TeamSessionItem.objects.bulk_create([
            TeamSessionItem(session=session, werkvorm=w, position=i, minutes=w.duration_minutes)
            for i, w in enumerate(werkvormen, start=1)
        ])
        change.target = session
    return session


def session_item_move(*, actor: Actor, session: TeamSession, position: int, up: bool) -> None:
    """Swap an agenda item with its neighbour, so a team leader can set the order without script."""
    _require_planner(actor, session.unit)
    with service_write(action="toolbox.session_reorder", actor=actor, target=session) as change:
        items = list(session.items.select_for_update().order_by("position"))
        index = next((i for i, item in enumerate(items) if item.position == position), None)
        if index is None:
            raise ValidationError(_("This part is no longer on the agenda."))
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            change.nothing_changed()
            return
        items[index], items[other] = items[other], items[index]
        # Two passes: positions are unique per session, so park them out of the way first.
        for offset, item in enumerate(items, start=1):
            item.position = 1000 + offset
            item.save(update_fields=["position"])
        for offset, item in enumerate(items, start=1):
            item.position = offset
            item.save(update_fields=["position"])


def session_delete(*, actor: Actor, session: TeamSession) -> None:
    _require_planner(actor, session.unit)
    with service_write(action="toolbox.session_delete", actor=actor, target=session):
        session.delete()


# --- routines -------------------------------------------------------------------------------------


def routine_create(*, actor: Actor, unit: Unit, werkvorm: Werkvorm, title: str, frequency: str,
                   starts_on: date, time_of_day: time, duration_minutes: int | None = None,
                   remind_days_before: int = 1) -> Routine:
    _require_planner(actor, unit)
    if not selectors.werkvormen_for_actor(actor=actor).filter(pk=werkvorm.pk).exists():
        raise PermissionDenied
    with service_write(action="toolbox.routine_create", actor=actor) as change:
        routine = Routine(
            organisation_id=actor.organisation_id, unit=unit, werkvorm=werkvorm,
            title=title.strip() or werkvorm.title_nl, frequency=frequency, starts_on=starts_on,
            time_of_day=time_of_day, duration_minutes=duration_minutes or werkvorm.duration_minutes,
            remind_days_before=remind_days_before, created_by_id=actor.membership_id,
        )
        routine.full_clean()
        routine.save()
        change.target = routine
    return routine


def routine_set_active(*, actor: Actor, routine: Routine, active: bool) -> Routine:
    _require_planner(actor, routine.unit)
    with service_write(action="toolbox.routine_resume" if active else "toolbox.routine_stop",
                       actor=actor, target=routine):
        routine.is_active = active
        routine.save(update_fields=["is_active"])
    return routine


def routine_mark_done(*, actor: Actor, routine: Routine, on: date, note: str = "",
                      today: date | None = None) -> RoutineOccurrence:
    """Tick one date off. The date must be a date of the routine and not in the future."""
    today = today or timezone.localdate()
    unit_line = selectors.unit_ancestor_ids(unit_id=routine.unit_id,
                                            organisation_id=routine.organisation_id)
    if routine.organisation_id != actor.organisation_id or not permissions.can_mark_routine_done(
        actor, unit_id=routine.unit_id, unit_line_ids=unit_line,
        managed_unit_ids=selectors.managed_unit_ids(actor=actor),
    ):
        raise PermissionDenied
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note short (at most %(max)d characters).")
                               % {"max": NOTE_MAX_LENGTH}})
    if on > today:
        raise ValidationError({"on": _("You can only mark a date as done once it has come.")})
    if on not in dates_between(starts_on=routine.starts_on, frequency=routine.frequency,
                               first=on, last=on):
        raise ValidationError({"on": _("This routine is not planned on that date.")})
    # The note may hold practical remarks only; it stays out of the audit log regardless.
    with service_write(action="toolbox.routine_done", actor=actor, target=routine) as change:
        occurrence, _created = RoutineOccurrence.objects.select_for_update().get_or_create(
            routine=routine, date=on)
        occurrence.done_at = timezone.now()
        occurrence.done_by_id = actor.membership_id
        occurrence.note = note
        occurrence.save(update_fields=["done_at", "done_by", "note"])
        change.data = {"date": on.isoformat()}
    return occurrence


def last_due_date(routine: Routine, today: date) -> date | None:
    """The most recent date of the routine on or before today (what a team would tick off)."""
    dates = dates_between(starts_on=routine.starts_on, frequency=routine.frequency,
                          first=routine.starts_on, last=today, limit=100000)
    return dates[-1] if dates else None


# --- calendar feeds -------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, actor: Actor, unit: Unit) -> str:
    """Make (or replace) this person's secret calendar address for a team; return the token once.

    Only the SHA-256 of the token is stored, so a copy of the database does not reveal any feed
    address. Making a new one invalidates the old address.
    """
    require(selectors.visible_routine_units(actor=actor).filter(pk=unit.pk).exists())
    token = secrets.token_urlsafe(32)
    with service_write(action="toolbox.calendar_feed_create", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        CalendarFeed.objects.filter(unit=unit, membership_id=actor.membership_id).delete()
        feed = CalendarFeed.objects.create(unit=unit, membership_id=actor.membership_id,
                                           token_hash=token_hash(token))
        change.target = feed
    return token


def calendar_feed_revoke(*, actor: Actor, unit: Unit) -> None:
    with service_write(action="toolbox.calendar_feed_revoke", actor=actor, target=unit) as change:
        deleted, _rows = CalendarFeed.objects.filter(
            unit=unit, membership_id=actor.membership_id).delete()
        if not deleted:
            change.nothing_changed()


# --- reminders ------------------------------------------------------------------------------------


def _recipients(unit: Unit) -> list[Membership]:
    people = {m.pk: m for m in selectors.unit_members(unit=unit)}
    for manager in unit.managers.filter(is_active=True).select_related("user"):
        people.setdefault(manager.pk, manager)
    return list(people.values())


def send_due_reminders(*, now: datetime | None = None) -> int:
    """E-mail the team about routines due soon. Each occurrence is reminded once, ever.

    The claim is a conditional UPDATE on `reminder_sent_at IS NULL`: when two runs overlap only
    one of them wins the row, so a reminder is never sent twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    routines = Routine.objects.filter(is_active=True).select_related("unit", "organisation",
                                                                    "werkvorm")
    for routine in routines:
        due = next_date(starts_on=routine.starts_on, frequency=routine.frequency, today=today)
        if (due - today).days > routine.remind_days_before:
            continue
        occurrence, _created = RoutineOccurrence.objects.get_or_create(routine=routine, date=due)
        if occurrence.done_at is not None:
            continue
        claimed = RoutineOccurrence.objects.filter(
            pk=occurrence.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
        if not claimed:
            continue
        user_ids = [person.user_id for person in _recipients(routine.unit)]
        if user_ids:
            # One task per occurrence: the worker reads the routine and each person's address.
            queue_mail("toolbox/email/routine_reminder", user_ids=user_ids,
                       occurrence_id=occurrence.pk)
        sent += 1
    return sent


def default_start(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=7)
