"""Every write of the pulse (ADR 0081), through `core.service.service_write` (permission, one
transaction, audit entry with ids only). The survey mechanics are the engine's (ADR 0080).
Respondents' writes are authorised by their link and deliberately not audited (ADR 0021)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vangnet.core.anonymity import threshold
from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor, active_memberships_in, unit_names, unit_parents
from vangnet.surveys import public as engine

from . import results as results_module
from .content import SCALE_VALUES, instrument
from .models import (
    PulseGroup,
    PulseLink,
    PulsePlan,
    PulseResponse,
    PulseRound,
    PulseSettings,
    PulseUnitResult,
    TeamAction,
)
from .permissions import can_change_settings, can_close, can_plan, can_record_actions
from .selectors import TABLES, managed_subtree
from .tasks import send_links

MAX_OPEN_DAYS = 60
MIN_OPEN_DAYS = 3
TITLE_MAX = 150


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


CADENCE_MONTHS = {PulsePlan.Cadence.MONTHLY: 1, PulsePlan.Cadence.QUARTERLY: 3}


# --- planning --------------------------------------------------------------------------------


def plan_create(*, actor: Actor, title: str, unit_ids: Iterable[int], cadence: str,
                first_start: date, open_days: int = 14) -> PulsePlan:
    """Plan a pulse for units (each unit its own group of its own members). Starts the first wave
    at once when `first_start` is today or earlier."""
    unit_ids = set(unit_ids)
    title = title.strip()
    errors: dict[str, str] = {}
    known = set(unit_parents(organisation_id=actor.organisation_id))
    if not title:
        errors["title"] = _("Give the pulse a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under 150 characters.")
    if not unit_ids or unit_ids - known:
        errors["units"] = _("Choose at least one department or team from the list.")
    if cadence not in PulsePlan.Cadence.values:
        errors["cadence"] = _("Choose how often.")
    if not MIN_OPEN_DAYS <= open_days <= MAX_OPEN_DAYS:
        errors["open_days"] = _("A wave stays open between 3 and 60 days.")
    if first_start < timezone.localdate():
        errors["first_start"] = _("Choose today or a day in the future.")
    allowed = can_plan(actor, unit_ids=unit_ids,
                       managed_subtree=managed_subtree(actor=actor)) if not errors else True
    require(allowed)
    if errors:
        raise ValidationError(errors)
    with service_write(action="pulse.plan.create", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        plan = PulsePlan.objects.create(organisation_id=actor.organisation_id, title=title,
                                        cadence=cadence, open_days=open_days,
                                        next_start=first_start, created_by_id=actor.membership_id)
        plan.units.set(sorted(unit_ids))
        change.target = plan
        change.data = {"units": sorted(unit_ids), "cadence": cadence}
    if first_start <= timezone.localdate():
        wave_open(plan=plan)
    return plan


def wave_open(*, plan: PulsePlan) -> PulseRound | None:
    """Open the plan's next wave (the system, from the plan): a group per unit, a link row per
    active member who was a member before the wave opened; the worker mints and sends the links.
    The threshold is fixed now and told to respondents."""
    with service_write(action="pulse.wave.open", actor=None,
                       organisation_id=plan.organisation_id) as change:
        plan = PulsePlan.objects.select_for_update().get(pk=plan.pk)
        today = timezone.localdate()
        if not plan.active or plan.next_start is None or plan.next_start > today:
            change.nothing_changed()
            return None
        wave = plan.rounds.count() + 1
        round_ = PulseRound.objects.create(
            organisation_id=plan.organisation_id, plan=plan, wave=wave,
            title=f"{plan.title} — {today:%Y-%m-%d}"[:TITLE_MAX], threshold=threshold(),
            closes_on=today + timedelta(days=plan.open_days),
            instrument_version=instrument().version)
        names = unit_names(organisation_id=plan.organisation_id)
        parents = unit_parents(organisation_id=plan.organisation_id)
        unit_ids = sorted(plan.units.values_list("pk", flat=True))
        groups = PulseGroup.objects.bulk_create(
            PulseGroup(round=round_, slug=f"unit-{unit_id}", unit_id=unit_id,
                       unit_name=names.get(unit_id, "")[:150], parent_unit_id=parents.get(unit_id))
            for unit_id in unit_ids)
        members = active_memberships_in(organisation_id=plan.organisation_id).filter(
            unit_id__in=unit_ids, created_at__lt=round_.created_at)
        by_unit: dict[int, list[int]] = {}
        for membership_id, unit_id in members.values_list("pk", "unit_id"):
            by_unit.setdefault(unit_id, []).append(membership_id)
        for group in groups:
            engine.links_add(TABLES, round_id=round_.pk, group=group,
                             membership_ids=by_unit.get(cast("int", group.unit_id), []))
        months = CADENCE_MONTHS.get(plan.cadence)  # type: ignore[call-overload]
        plan.next_start = add_months(plan.next_start, months) if months else None
        plan.active = months is not None
        plan.save(update_fields=["next_start", "active"])
        change.target = round_
        change.data = {"plan": plan.pk, "wave": wave, "units": len(unit_ids)}
        round_id = round_.pk
        transaction.on_commit(lambda: send_links.enqueue(round_id=round_id))
    return round_


def plan_stop(*, actor: Actor, plan: PulsePlan) -> PulsePlan:
    allowed = plan.organisation_id == actor.organisation_id and can_plan(
        actor, unit_ids=set(plan.units.values_list("pk", flat=True)),
        managed_subtree=managed_subtree(actor=actor))
    with service_write(allowed=allowed, action="pulse.plan.stop", actor=actor,
                       organisation_id=actor.organisation_id, target=plan):
        plan.active = False
        plan.next_start = None
        plan.save(update_fields=["active", "next_start"])
    return plan


# --- links -----------------------------------------------------------------------------------


def links_send(*, round_id: int, reminder: bool = False) -> int:
    """In the worker (ADR 0053): the engine mints and mails each waiting link of an open wave."""
    round_ = (PulseRound.objects.filter(pk=round_id, status=PulseRound.Status.OPEN)
              .select_related("organisation").first())
    if round_ is None:
        return 0

    def make_email(raw: str, to: str, language: str) -> EmailMessage:
        return _link_email(round_=round_, raw=raw, to=to, language=language, reminder=reminder)

    return engine.links_send(TABLES, round_id=round_.pk, reminder=reminder, make_email=make_email)


def respondent_url(*, organisation_slug: str, raw: str) -> str:
    """Built from the configured site address, never from the request (issue 14)."""
    return settings.SITE_URL + reverse("pulse:respond", args=[organisation_slug, raw])


def _link_email(*, round_: PulseRound, raw: str, to: str, language: str,
                reminder: bool) -> EmailMessage:
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = {"organisation_name": round_.organisation.name, "reminder": reminder,
               "closes_on": round_.closes_on, "k": round_.threshold,
               "minutes": instrument().minutes,
               "url": respondent_url(organisation_slug=round_.organisation.slug, raw=raw)}
    with translation.override(language):
        subject = render_to_string("pulse/email/link_subject.txt", context)
        body = render_to_string("pulse/email/link_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[to])


# --- respondents (authorised by their link) --------------------------------------------------


def draft_for_link(*, link: PulseLink) -> PulseResponse:
    return cast("PulseResponse", engine.draft_for_link(TABLES, link))


def clean_answers(raw: Mapping[str, object]) -> dict[str, Any]:
    """Known items with a value on the 7-point scale, and the open answer (trimmed, capped)."""
    questionnaire = instrument()
    codes = set(questionnaire.codes)
    cleaned: dict[str, Any] = {}
    for code, value in raw.items():
        if code == questionnaire.open.code:
            text = " ".join(str(value).split())[:questionnaire.open.max_length]
            cleaned[code] = text
            continue
        try:
            number = int(str(value))
        except ValueError:
            continue
        if code in codes and number in SCALE_VALUES:
            cleaned[code] = number
    return cleaned


def missing_codes(response: PulseResponse) -> list[str]:
    return [code for code in instrument().codes if code not in response.answers]


def answers_save(*, response: PulseResponse, answers: Mapping[str, object]) -> PulseResponse:
    if response.submitted or not response.round.is_open:
        raise ValidationError(_("This questionnaire can no longer be changed."))
    engine.answers_merge(response, clean_answers(answers))
    return response


def response_submit(*, response: PulseResponse) -> PulseResponse:
    if response.submitted or not response.round.is_open:
        raise ValidationError(_("This questionnaire can no longer be changed."))
    if missing_codes(response):
        raise ValidationError(_("Some statements have no answer yet."))
    with transaction.atomic():
        engine.submit_and_detach(TABLES, response)
    return response


# --- closing and results ---------------------------------------------------------------------


def round_close(*, actor: Actor | None, round_: PulseRound) -> PulseRound:
    """Close a wave (the coordinator, or the system on its closing date): the engine freezes the
    answers; the results are computed once, suppressed, and kept with the wave."""
    allowed = actor is None or (can_close(actor) and round_.organisation_id == actor.organisation_id)
    with service_write(allowed=allowed, action="pulse.wave.close", actor=actor,
                       organisation_id=round_.organisation_id) as change:
        round_ = PulseRound.objects.select_for_update().get(pk=round_.pk)
        change.target = round_
        if not round_.is_open:
            change.nothing_changed()
            return round_
        # The threshold was fixed when the wave opened and told to respondents: it stays.
        engine.close(TABLES, round_)
        round_.results = snapshot(round_)
        round_.save(update_fields=["results"])
        keep_unit_results(round_)
    return round_


def keep_unit_results(round_: PulseRound) -> None:
    """Each unit's entry of the snapshot in its own row (ADR 0135), so that a team's trend reads
    only that team's rows: the same suppressed dict, nothing recomputed. A wave made again
    replaces its rows, so they always equal the snapshot."""
    PulseUnitResult.objects.filter(round=round_).delete()
    PulseUnitResult.objects.bulk_create(
        [PulseUnitResult(round=round_, unit_id=entry["unit_id"], group_id=entry["group_id"],
                         entry=entry)
         for entry in (round_.results or {}).get("units", []) if entry["unit_id"] is not None],
        batch_size=1000)


def snapshot(round_: PulseRound) -> dict[str, Any]:
    """The results of a closed wave from its answers, aggregated once (results.compute)."""
    invited: dict[int, int] = {}
    for group_id in PulseLink.objects.filter(round=round_).values_list("group_id", flat=True):
        invited[group_id] = invited.get(group_id, 0) + 1
    groups = [results_module.GroupInput(group_id=g.pk, unit_id=g.unit_id, name=g.unit_name,
                                        parent_unit_id=g.parent_unit_id,
                                        invited=invited.get(g.pk, 0))
              for g in PulseGroup.objects.filter(round=round_)]
    answers = [results_module.AnswerInput(group_id=group_id, answers=data, channel=channel)
               for group_id, data, channel in PulseResponse.objects.filter(
                   round=round_, submitted=True).values_list("group_id", "answers", "channel")]
    earlier_units, earlier_organisation = _earlier_counts(round_, {g.unit_id for g in groups})
    return results_module.compute(instrument=instrument(), groups=groups, responses=answers,
                                  k=round_.threshold, shared_risk_accepted=False,
                                  earlier_units=earlier_units,
                                  earlier_organisation=earlier_organisation)


def _earlier_counts(round_: PulseRound,
                    unit_ids: set[int | None]) -> tuple[dict[int, list[int]], list[int]]:
    """The numbers of answers published before this wave (core.anonymity.wave_may_be_shown): per
    unit, in every earlier closed wave in which it was shown; and the organisation figure's, in
    the earlier closed waves of the same plan. Read from the units' rows and the organisation part of
the snapshots (ADR 0135), in two queries that do not grow with the other teams."""
    units: dict[int, list[int]] = {}
    organisation: list[int] = []
    earlier = PulseRound.objects.filter(organisation_id=round_.organisation_id,
                                        status=PulseRound.Status.CLOSED,
                                        results__isnull=False).exclude(pk=round_.pk)
    wanted = {unit_id for unit_id in unit_ids if unit_id is not None}
    for unit_id, entry in PulseUnitResult.objects.filter(
            round__in=earlier, unit_id__in=wanted).values_list("unit_id", "entry"):
        if entry["shown"]:
            units.setdefault(unit_id, []).append(entry["answers"])
    if round_.plan_id is not None:
        for figure in earlier.filter(plan_id=round_.plan_id).values_list(
                "results__organisation", flat=True):
            if (figure or {}).get("shown"):
                organisation.append(figure["answers"])
    return units, organisation


# --- from score to action --------------------------------------------------------------------


def action_record(*, actor: Actor, round_: PulseRound, unit_id: int, text: str) -> TeamAction:
    """An action the team agreed after discussing the wave; the next wave shows it."""
    text = " ".join(text.split())
    allowed = round_.organisation_id == actor.organisation_id and can_record_actions(
        actor, unit_id=unit_id, managed_subtree=managed_subtree(actor=actor))
    require(allowed)
    if not text:
        raise ValidationError({"text": _("Write down what the team agreed.")})
    if len(text) > 300:
        raise ValidationError({"text": _("Keep it under 300 characters.")})
    if not round_.groups.filter(unit_id=unit_id).exists():
        raise ValidationError({"text": _("This department or team was not in this wave.")})
    with service_write(action="pulse.action.record", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        action = TeamAction.objects.create(organisation_id=actor.organisation_id, round=round_,
                                           unit_id=unit_id, text=text)
        change.target = action
    return action


# --- settings --------------------------------------------------------------------------------


def settings_update(*, actor: Actor, employees_see_results: bool) -> PulseSettings:
    require(can_change_settings(actor))
    with service_write(action="pulse.settings.update", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        current, _created = PulseSettings.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id)
        current.employees_see_results = employees_see_results
        current.save(update_fields=["employees_see_results"])
        change.target = current
        change.data = {"employees_see_results": employees_see_results}
    return current


# --- the periodic job ------------------------------------------------------------------------


def _remind(round_: PulseRound) -> bool:
    with service_write(action="pulse.links.remind", actor=None,
                       organisation_id=round_.organisation_id) as change:
        claimed = PulseRound.objects.filter(pk=round_.pk, status=PulseRound.Status.OPEN,
                                            reminded_at__isnull=True).update(
            reminded_at=timezone.now())
        if not claimed:
            change.nothing_changed()
            return False
        change.target = round_
        round_id = round_.pk
        transaction.on_commit(lambda: send_links.enqueue(round_id=round_id, reminder=True))
    return True


def due_work(*, today: date | None = None) -> dict[str, int]:
    """Open due waves, remind once halfway (a new link to every unused link: nobody learns who
    answered), close waves whose closing date has passed."""
    today = today or timezone.localdate()
    opened = reminded = closed = 0
    for plan in PulsePlan.objects.filter(active=True, next_start__lte=today):
        opened += wave_open(plan=plan) is not None
    for round_ in PulseRound.objects.filter(status=PulseRound.Status.OPEN,
                                            reminded_at__isnull=True):
        halfway = round_.created_at.date() + (round_.closes_on - round_.created_at.date()) / 2
        if today >= halfway and today < round_.closes_on:
            reminded += _remind(round_)
    for round_ in PulseRound.objects.filter(status=PulseRound.Status.OPEN, closes_on__lt=today):
        round_close(actor=None, round_=round_)
        closed += 1
    return {"opened": opened, "reminded": reminded, "closed": closed}
