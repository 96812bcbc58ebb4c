"""Every write of the quickscan. Keyword-only, typed, atomic, permission-checked, audited.

Respondents have no account: their writes are authorised by their link (checked by the caller
through the selectors) and are deliberately NOT audited — an audit entry with a time stamp per
answer would be a trail back to a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vangnet.core.anonymity import threshold
from vangnet.core.service import require, service_write
from vangnet.organisations.public import (
    Actor,
    Role,
    active_memberships_in,
    membership_for_actor,
    unit_names,
    unit_parents,
)
from vangnet.surveys import public as engine

from .content import CURRENT_VERSION, DONT_KNOW, SCALE_VALUES, instrument
from .models import (
    Action,
    GroupName,
    RespondentToken,
    Response,
    RiskAcceptance,
    Round,
    RoundGroup,
)
from .permissions import can_manage_actions, can_manage_rounds, can_start_round
from .selectors import group_options, managed_subtree, may_run, round_tally, unit_scope
from .tasks import send_personal_links
from .tokens import SOLO_GROUP, TABLES, hash_token, new_token

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership

DRAFT_RETENTION = engine.DRAFT_RETENTION
MIN_REASON_LENGTH = 10
VALID_ANSWERS = frozenset((*SCALE_VALUES, DONT_KNOW))




def _may_manage(actor: Actor, round_: Round) -> bool:
    if round_.is_solo:
        return can_manage_rounds(actor) and round_.organisation_id == actor.organisation_id
    return may_run(actor=actor, round_=round_)


def _require_round(actor: Actor, round_: Round) -> None:
    require(_may_manage(actor, round_))


# --- rounds ----------------------------------------------------------------------------------


def round_start(*, actor: Actor, title: str, group_slugs: Iterable[str],
                unit_id: int | None = None) -> Round:
    """A round for the whole organisation, or (`unit_id`) for a unit and the units below it: the
    coordinator for any unit, a manager for a unit they manage or one below it (ADR 0116)."""
    require(can_start_round(actor, unit_id=unit_id, managed_subtree=managed_subtree(actor=actor)))
    known = {slug for slug, _name in group_options(organisation_id=actor.organisation_id)}
    slugs = list(dict.fromkeys(group_slugs))
    if not slugs or any(slug not in known for slug in slugs):
        raise ValidationError({"groups": _("Choose at least one group.")})
    unit_name = ""
    if unit_id is not None:
        unit_name = unit_names(organisation_id=actor.organisation_id).get(unit_id, "")
        if not unit_name:
            raise ValidationError({"unit": _("Choose units from the list.")})
    with service_write(action="quickscan.round.start", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        round_ = Round.objects.create(organisation_id=actor.organisation_id, title=title.strip(),
                                      kind=Round.Kind.GROUPS, created_by_id=actor.membership_id,
                                      threshold=threshold(), unit_id=unit_id,
                                      unit_name=unit_name[:150])
        RoundGroup.objects.bulk_create(RoundGroup(round=round_, slug=slug) for slug in slugs)
        change.target = round_
        change.data = {"groups": slugs, "unit": unit_id}
    return round_


def solo_start(*, actor: Actor, title: str) -> tuple[Round, str]:
    """A round for one person on their own; returns the round and the link token to fill it in.

    The only link ever handed to the person who starts a round: it is their own (bound to them),
    in a round of one with no groups and no threshold, and nobody else sees its report.
    """
    require(can_manage_rounds(actor))
    raw = new_token()
    with service_write(action="quickscan.round.solo_start", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        round_ = Round.objects.create(organisation_id=actor.organisation_id, title=title.strip(),
                                      kind=Round.Kind.SOLO, created_by_id=actor.membership_id,
                                      threshold=threshold())
        group = RoundGroup.objects.create(round=round_, slug=SOLO_GROUP)
        RespondentToken.objects.create(round=round_, group=group, token_hash=hash_token(raw),
                                       membership_id=actor.membership_id)
        change.target = round_
    return round_, raw


def round_close(*, actor: Actor, round_: Round) -> Round:
    """Closing freezes the results: links stop working, drafts are thrown away."""
    with service_write(allowed=_may_manage(actor, round_), action="quickscan.round.close",
                       actor=actor, organisation_id=actor.organisation_id) as change:
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        change.target = round_
        if not round_.is_open:
            change.nothing_changed()
            return round_
        _close(round_)
    return round_


def _close(round_: Round) -> None:
    """The engine closes (drafts gone, links spent, answers rewritten in random order); the
    threshold is frozen at its value now."""
    engine.close(TABLES, round_, threshold=threshold())
    # The snapshot (ADR 0115): the counts, made once now; a closed round cannot change.
    round_.results_snapshot = round_tally(round_=round_).to_json()
    round_.save(update_fields=["results_snapshot"])


# --- the organisation's own groups (ADR 0117) ----------------------------------------------


def _check_group_name(actor: Actor, name: str, slug: str) -> str:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 100:
        raise ValidationError({"name": _("Give the group a name of 2 to 100 characters.")})
    taken = {label.casefold() for other, label in group_options(
        organisation_id=actor.organisation_id) if other != slug}
    if name.casefold() in taken:
        raise ValidationError({"name": _("Another group already has this name.")})
    return name


def group_rename(*, actor: Actor, slug: str, name: str) -> GroupName:
    """The organisation's own name for one of its groups; rounds that used the group show it."""
    require(can_manage_rounds(actor))
    if slug not in {s for s, _name in group_options(organisation_id=actor.organisation_id)}:
        raise ValidationError(_("Choose a group from the list."))
    name = _check_group_name(actor, name, slug)
    with service_write(action="quickscan.group.rename", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        row, _created = GroupName.objects.update_or_create(
            organisation_id=actor.organisation_id, slug=slug, defaults={"name": name})
        change.target = row
        change.data = {"slug": slug}
    return row


def group_add(*, actor: Actor, name: str) -> GroupName:
    """A respondent group of the organisation's own, next to the instrument's."""
    require(can_manage_rounds(actor))
    name = _check_group_name(actor, name, "")
    taken = {s for s, _name in group_options(organisation_id=actor.organisation_id)}
    base = slugify(name)[:30] or "groep"
    slug, number = base, 1
    while slug in taken or slug == SOLO_GROUP:
        number += 1
        slug = f"{base}-{number}"
    with service_write(action="quickscan.group.add", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        row = GroupName.objects.create(organisation_id=actor.organisation_id, slug=slug,
                                       name=name)
        change.target = row
        change.data = {"slug": slug}
    return row


# --- links -----------------------------------------------------------------------------------
#
# Personal links are bound to members and e-mailed by the system (docs/adr/0053): the coordinator
# chooses WHO gets a link per group, never sees a link, and cannot get two for anyone. That is
# what makes padding a group with one's own answers impossible through personal links.


def _require_open_group(actor: Actor, group: RoundGroup) -> None:
    _require_round(actor, group.round)
    if not group.round.is_open or group.round.is_solo:
        raise ValidationError(_("This round is closed."))


@dataclass(frozen=True)
class InviteResult:
    added: int
    already_invited: int
    joined_after_start: int = 0


def invitees_add(*, actor: Actor, group: RoundGroup, unit_ids: Iterable[int] = (),
                 roles: Iterable[str] = (), everyone: bool = False,
                 membership_ids: Iterable[int] = ()) -> InviteResult:
    """Give members of the organisation a personal link in this group, sent by e-mail.

    Members are chosen by unit (sub-units included), by role, or all of them. A member gets at
    most one link per round: who already has one (in this group or another) is skipped, and the
    database refuses a second one too. Only people who were members before the round started
    can be invited: whoever runs a round cannot add accounts of their own making to the
    organisation and then to a group to pad it (ADR 0053). The links are minted and sent by a
    background task that receives only the round's id; nothing here returns or shows a link.
    """
    _require_open_group(actor, group)
    unit_ids, roles, membership_ids = set(unit_ids), set(roles), set(membership_ids)
    if roles - set(Role.values):
        raise ValidationError({"roles": _("Choose roles from the list.")})
    if not (everyone or unit_ids or roles or membership_ids):
        raise ValidationError(_("Choose who gets a link: units, roles or everyone."))
    members = active_memberships_in(organisation_id=actor.organisation_id)
    scope = unit_scope(round_=group.round)
    if scope is not None:  # a unit's round: only its members and those of the units below it
        if unit_ids - scope:
            raise ValidationError({"units": _("Choose units from the list.")})
        members = members.filter(unit_id__in=scope)
    if not everyone:
        chosen = Q(pk__in=membership_ids) | Q(roles__role__in=roles)
        if unit_ids:
            chosen |= Q(unit_id__in=_units_with_descendants(actor, unit_ids))
        members = members.filter(chosen)
    chosen_members = dict(members.values_list("pk", "created_at"))
    started = group.round.created_at
    wanted = {pk for pk, joined in chosen_members.items() if joined < started}
    with service_write(action="quickscan.links.invite", actor=actor,
                       organisation_id=actor.organisation_id, target=group.round) as change:
        new, taken = engine.links_add(TABLES, round_id=group.round_id, group=group,
                                      membership_ids=wanted)
        change.data = {"group": group.slug, "count": len(new)}
        if new:
            round_id = group.round_id
            transaction.on_commit(lambda: send_personal_links.enqueue(round_id=round_id))
    return InviteResult(added=len(new), already_invited=len(taken),
                        joined_after_start=len(chosen_members) - len(wanted))


def _units_with_descendants(actor: Actor, unit_ids: set[int]) -> set[int]:
    parents = unit_parents(organisation_id=actor.organisation_id)
    if unit_ids - set(parents):
        raise ValidationError({"units": _("Choose units from the list.")})
    chosen = set(unit_ids)
    grew = True
    while grew:
        more = {pk for pk, parent in parents.items() if parent in chosen} - chosen
        chosen |= more
        grew = bool(more)
    return chosen


def reminders_send(*, actor: Actor, round_: Round) -> None:
    """Send a new link to every invited member who has not answered yet.

    The coordinator learns nothing new: not who has answered, only that reminders went out. The
    old link stops working; a half-finished questionnaire carries on with the new one.
    """
    _require_round(actor, round_)
    if not round_.is_open or round_.is_solo:
        raise ValidationError(_("This round is closed."))
    with service_write(action="quickscan.links.remind", actor=actor,
                       organisation_id=actor.organisation_id, target=round_):
        round_id = round_.pk
        transaction.on_commit(lambda: send_personal_links.enqueue(round_id=round_id,
                                                                  reminder=True))


def personal_links_send(*, round_id: int, reminder: bool = False) -> int:
    """In the worker: mint each waiting link of an open group round and e-mail it to its member
    (the engine's `links_send`, ADR 0053/0080)."""
    round_ = Round.objects.filter(pk=round_id, status=Round.Status.OPEN,
                                  kind=Round.Kind.GROUPS).select_related("organisation").first()
    if round_ is None:
        return 0

    def make_email(raw: str, to: str, language: str) -> EmailMessage:
        return _personal_link_email(round_=round_, raw=raw, to=to, language=language,
                                    reminder=reminder)

    return engine.links_send(TABLES, round_id=round_.pk, reminder=reminder, make_email=make_email)


def _personal_link_email(*, round_: Round, raw: str, to: str, language: str,
                         reminder: bool) -> EmailMessage:
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = {"organisation_name": round_.organisation.name, "round_title": round_.title,
               "reminder": reminder,
               "url": respondent_url(organisation_slug=round_.organisation.slug, raw=raw)}
    with translation.override(language):
        subject = render_to_string("quickscan/email/personal_link_subject.txt", context)
        body = render_to_string("quickscan/email/personal_link_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[to])


def respondent_url(*, organisation_slug: str, raw: str, shared: bool = False) -> str:
    name = "quickscan:shared_start" if shared else "quickscan:respond_start"
    return settings.SITE_URL + reverse(name, args=[organisation_slug, raw])


def shared_link_create(*, actor: Actor, group: RoundGroup) -> str:
    """A link for the whole group; a new one replaces (and switches off) the previous one.

    Its answers count like padding could (ADR 0053): they never lift a group over the threshold
    unless the organisation accepts that risk for the round (`shared_risk_accept`).
    """
    _require_open_group(actor, group)
    with service_write(action="quickscan.shared_link.create", actor=actor,
                       organisation_id=actor.organisation_id, target=group.round) as change:
        raw = engine.shared_link_set(group)
        change.data = {"group": group.slug}
    return raw


def shared_risk_statement(*, round_: Round, k: int) -> str:
    """The text a person confirms when accepting the risk; stored word for word."""
    return _(
        "For the round “%(title)s” I accept on behalf of the organisation that answers through a "
        "shared link count towards the minimum of %(k)s answers per group. Anyone who has a "
        "shared link can answer more than once. Someone who fills in the questionnaire several "
        "times with answers they know, could then work out the answers of a single colleague."
    ) % {"title": round_.title, "k": k}


def shared_risk_accept(*, actor: Actor, round_: Round, reason: str,
                       confirmed_statement: str) -> RiskAcceptance:
    """Record, for one group round, that shared-link answers count. Audited; shown on the report.

    `confirmed_statement` must be the text that was shown to the person (it is kept word for
    word); a statement for another round or another threshold is refused.
    """
    # On behalf of the organisation: the coordinator only, also for a unit's round.
    require(can_manage_rounds(actor) and round_.organisation_id == actor.organisation_id)
    if round_.is_solo:
        raise ValidationError(_("A round on your own has no groups to protect."))
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": _("Explain in a sentence or two why you accept this.")})
    with service_write(action="quickscan.shared_risk.accept", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        change.target = round_
        expected = shared_risk_statement(round_=round_, k=round_.threshold)
        if confirmed_statement.strip() != expected:
            raise ValidationError(_("The text you confirmed is not the current one. Read it "
                                    "again and confirm."))
        if RiskAcceptance.objects.filter(round=round_).exists():
            raise ValidationError(_("This risk has already been accepted for this round."))
        membership = membership_for_actor(actor=actor)
        acceptance = RiskAcceptance.objects.create(
            round=round_, accepted_by=membership,
            accepted_by_name=membership.user.full_name or membership.user.email,
            accepted_at=timezone.now(), statement=expected, reason=reason)
    return acceptance


# --- respondents (authorised by their link) --------------------------------------------------


def draft_for_token(*, token: RespondentToken) -> Response:
    # The engine works on the tables in TABLES: what it returns is a quickscan Response.
    return cast("Response", engine.draft_for_link(TABLES, token))


def draft_for_shared_link(*, group: RoundGroup, draft_key: str | None) -> tuple[Response, str]:
    """The draft behind the draft key from the cookie, or a new draft with a new key."""
    response, key = engine.draft_for_shared_link(TABLES, group=group, draft_key=draft_key)
    return cast("Response", response), key


def clean_answers(raw: Mapping[str, object], version: int = CURRENT_VERSION) -> dict[str, int]:
    """Only known statements (of the round's version) and valid answers survive."""
    codes = set(instrument(version).codes)
    cleaned = {}
    for code, value in raw.items():
        try:
            number = int(str(value))
        except ValueError:
            continue
        if code in codes and number in VALID_ANSWERS:
            cleaned[code] = number
    return cleaned


def answers_save(*, response: Response, answers: Mapping[str, object]) -> Response:
    if response.submitted or not response.round.is_open:
        raise ValidationError(_("This questionnaire can no longer be changed."))
    engine.answers_merge(response, clean_answers(answers, response.round.instrument_version))
    return response


def missing_codes(response: Response) -> list[str]:
    codes = instrument(response.round.instrument_version).codes
    return [code for code in codes if code not in response.answers]


def response_submit(*, response: Response) -> Response:
    """Submit: the link is spent and cut loose from the answers. A solo round closes itself."""
    if response.submitted or not response.round.is_open:
        raise ValidationError(_("This questionnaire can no longer be changed."))
    if missing_codes(response):
        raise ValidationError(_("Some statements have no answer yet."))
    with transaction.atomic():
        engine.submit_and_detach(TABLES, response)
        round_ = response.round
        if round_.is_solo:
            _close(round_)
    return response


# --- action plan -----------------------------------------------------------------------------


def _check_owner(actor: Actor, owner: Membership | None) -> None:
    if owner is not None and owner.organisation_id != actor.organisation_id:
        raise PermissionDenied


def action_create(*, actor: Actor, title: str, description: str = "",
                  owner: Membership | None = None, due_date: date | None = None,
                  round_: Round | None = None, statement_code: str = "",
                  pillar: int | None = None, status: str = Action.Status.OPEN) -> Action:
    require(can_manage_actions(actor))
    _check_owner(actor, owner)
    if round_ is not None and round_.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if statement_code:
        pillar = instrument().statement(statement_code).pillar
    with service_write(action="quickscan.action.create", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        action = Action(organisation_id=actor.organisation_id, round=round_,
                        statement_code=statement_code, pillar=pillar, title=title.strip(),
                        description=description, owner=owner, due_date=due_date, status=status)
        action.full_clean()
        action.save()
        change.target = action
    return action


def action_create_from_priority(*, actor: Actor, round_: Round, statement_code: str) -> Action:
    """One click: an action pre-filled with the statement's recommended action.

    A priority of a round on an older version of the statements is linked to the current statement
    that asks the same thing, or only to its pillar when there is none.
    """
    statement = instrument(round_.instrument_version).statement(statement_code)
    action_text = str(statement.action)
    title = _("Improve: %(statement)s") % {"statement": statement.code + " " + str(statement.text)}
    if round_.instrument_version == CURRENT_VERSION:
        return action_create(actor=actor, title=title[:200], description=action_text,
                             round_=round_, statement_code=statement_code)
    current = next((s.code for s in instrument().statements if s.same_as == statement_code), "")
    return action_create(actor=actor, title=title[:200], description=action_text, round_=round_,
                         statement_code=current, pillar=None if current else statement.pillar)


def action_update(*, actor: Actor, action: Action, title: str, description: str,
                  owner: Membership | None, due_date: date | None, status: str) -> Action:
    require(can_manage_actions(actor) and action.organisation_id == actor.organisation_id)
    _check_owner(actor, owner)
    with service_write(action="quickscan.action.update", actor=actor,
                       organisation_id=actor.organisation_id, target=action) as change:
        action.title, action.description, action.owner = title.strip(), description, owner
        action.due_date, action.status = due_date, status
        action.full_clean()
        action.save()
        change.data = {"status": status}
    return action


def drafts_delete_abandoned() -> int:
    """Retention: drafts nobody touched for DRAFT_RETENTION go. Counted, never described."""
    with service_write(action="quickscan.drafts.delete", actor=None) as change:
        deleted = engine.drafts_delete_abandoned(TABLES, retention=DRAFT_RETENTION)
        change.data = {"count": deleted}
        if not deleted:
            change.nothing_changed()
    return deleted
