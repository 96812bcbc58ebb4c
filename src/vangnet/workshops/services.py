"""Every write of workshops: permission → one transaction → audit entry with the actor
(`core.service.service_write`). Audit entries carry ids only: a registration names its session,
never who registered in clear beyond the actor; a referral and an evaluation name nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import anonymity
from vangnet.core.mail import queue_mail, queue_sealed_email
from vangnet.core.service import require, service_write
from vangnet.organisations.public import (
    managed_unit_ids_of,
    member_get,
    members_with_role,
    organisation_get_public,
    unit_ancestor_ids,
)
from vangnet.surveys import public as engine

from . import permissions, selectors
from .duo import Profile, duo_warnings
from .models import (
    MAX_SEATS_CEILING,
    MIN_SEATS_FLOOR,
    EvaluationGroup,
    EvaluationLink,
    EvaluationResponse,
    EvaluationRound,
    Facilitator,
    Offer,
    Pool,
    PoolMember,
    Referral,
    Reflection,
    Registration,
    Session,
    WorkshopRequest,
)

if TYPE_CHECKING:
    from vangnet.organisations.public import Actor

# A session below its minimum is flagged to the coordinator this long before it starts.
LOW_FLAG_BEFORE = timedelta(days=5)
REMIND_BEFORE = timedelta(days=2)


def _manage(actor: Actor, pool: Pool) -> bool:
    return permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id)


# --- the pool ---------------------------------------------------------------------------------


def pool_create(*, actor: Actor, name: str) -> Pool:
    with service_write(allowed=permissions.can_manage_pool(
            actor, pool_organisation_id=actor.organisation_id), action="workshops.pool_create",
            actor=actor, organisation_id=actor.organisation_id) as change:
        pool = Pool.objects.create(organisation_id=actor.organisation_id, name=name.strip())
        change.target = pool
    return pool


def pool_join(*, actor: Actor, pool: Pool, organisation_slug: str) -> PoolMember:
    """Share the pool with another organisation (its members may then register)."""
    require(_manage(actor, pool))
    organisation = organisation_get_public(slug=organisation_slug.strip())
    if organisation.pk == pool.organisation_id:
        raise ValidationError(_("This pool is already your own organisation's."))
    with service_write(action="workshops.pool_join", actor=actor,
                       organisation_id=pool.organisation_id) as change:
        member, _created = PoolMember.objects.get_or_create(pool=pool, organisation=organisation)
        change.target = member
        change.data = {"organisation_id": organisation.pk}
    return member


def facilitator_add(*, actor: Actor, pool: Pool, membership_id: int, organisation_id: int,
                    line_experience: bool, facilitation_experience: bool,
                    trained_on: date | None = None, programme: str = "", languages: str = "nl",
                    online: bool = True, on_site: bool = True, availability: str = "") -> Facilitator:
    require(_manage(actor, pool))
    if organisation_id not in selectors.pool_organisation_ids(pool):
        raise ValidationError(_("Choose a person of an organisation in this pool."))
    member = member_get(organisation_id=organisation_id, membership_id=membership_id)
    if member is None or not selectors.may_facilitate(organisation_id=organisation_id,
                                                     membership_id=membership_id):
        raise ValidationError(_("Choose a person with the role of workshop facilitator in an "
                                "organisation of this pool."))
    if Facilitator.objects.filter(pool=pool, membership_id=membership_id).exists():
        raise ValidationError(_("This person is already in the pool."))
    with service_write(action="workshops.facilitator_add", actor=actor,
                       organisation_id=pool.organisation_id) as change:
        facilitator = Facilitator.objects.create(
            pool=pool, membership_id=membership_id, line_experience=line_experience,
            facilitation_experience=facilitation_experience, trained_on=trained_on,
            programme=programme, languages=languages or "nl", online=online, on_site=on_site,
            availability=availability)
        change.target = facilitator
    return facilitator


PROFILE_FIELDS = ("line_experience", "facilitation_experience", "trained_on", "programme",
                  "languages", "online", "on_site", "availability")


def facilitator_update(*, actor: Actor, facilitator: Facilitator, line_experience: bool,
                       facilitation_experience: bool, trained_on: date | None = None,
                       programme: str = "", languages: str = "nl", online: bool = True,
                       on_site: bool = True, availability: str = "") -> Facilitator:
    """Change a facilitator's profile (experience, training, languages, formats, availability).
    The audit entry names which fields changed, not their values."""
    new = {"line_experience": line_experience, "facilitation_experience": facilitation_experience,
           "trained_on": trained_on, "programme": programme.strip(),
           "languages": languages.strip() or "nl", "online": online, "on_site": on_site,
           "availability": availability.strip()}
    with service_write(allowed=_manage(actor, facilitator.pool), action="workshops.facilitator_update",
                       actor=actor, organisation_id=facilitator.pool.organisation_id,
                       target=facilitator) as change:
        changed = sorted(name for name in PROFILE_FIELDS if getattr(facilitator, name) != new[name])
        if not changed:
            change.nothing_changed()
            return facilitator
        for name in changed:
            setattr(facilitator, name, new[name])
        facilitator.save(update_fields=changed)
        change.data = {"fields": changed}
    return facilitator


def facilitator_set_active(*, actor: Actor, facilitator: Facilitator, active: bool) -> Facilitator:
    """Deactivate (or reactivate) a facilitator. A deactivated facilitator can no longer be
    assigned to a duo; sessions already held keep them (their reflections and figures stay), and
    planned sessions they are in are shown to the coordinator to assign someone else."""
    with service_write(allowed=_manage(actor, facilitator.pool),
                       action="workshops.facilitator_activate" if active
                       else "workshops.facilitator_deactivate",
                       actor=actor, organisation_id=facilitator.pool.organisation_id,
                       target=facilitator) as change:
        if facilitator.active == active:
            change.nothing_changed()
            return facilitator
        facilitator.active = active
        facilitator.save(update_fields=["active"])
    return facilitator


# --- offers and sessions ----------------------------------------------------------------------


def _check_offer(*, duration_minutes: int, min_participants: int, max_participants: int) -> None:
    errors = {}
    if not 60 <= duration_minutes <= 120:
        errors["duration_minutes"] = _("A workshop takes between 60 and 120 minutes.")
    if not (MIN_SEATS_FLOOR <= min_participants <= max_participants <= MAX_SEATS_CEILING):
        errors["max_participants"] = _(
            "Choose a group of %(low)s to %(high)s people, the minimum not above the maximum.") % {
            "low": MIN_SEATS_FLOOR, "high": MAX_SEATS_CEILING}
    if errors:
        raise ValidationError(errors)


def offer_create(*, actor: Actor, pool: Pool, title: str, audience: str, format: str,
                 duration_minutes: int = 90, theme: str = "", werkvorm_slugs: list[str] | None = None,
                 script_opening: str = "", script_ground_rules: str = "", script_closing: str = "",
                 min_participants: int = 4, max_participants: int = 8) -> Offer:
    require(_manage(actor, pool))
    _check_offer(duration_minutes=duration_minutes, min_participants=min_participants,
                 max_participants=max_participants)
    with service_write(action="workshops.offer_create", actor=actor,
                       organisation_id=pool.organisation_id) as change:
        offer = Offer.objects.create(
            pool=pool, title=title.strip(), audience=audience, format=format,
            duration_minutes=duration_minutes, theme=theme, werkvorm_slugs=werkvorm_slugs or [],
            script_opening=script_opening, script_ground_rules=script_ground_rules,
            script_closing=script_closing, min_participants=min_participants,
            max_participants=max_participants)
        change.target = offer
    return offer


def session_create(*, actor: Actor, offer: Offer, starts_at: datetime, place: str = "",
                   video_link: str = "", for_unit_id: int | None = None) -> Session:
    require(_manage(actor, offer.pool))
    _check_place(offer, place=place, video_link=video_link)
    with service_write(action="workshops.session_create", actor=actor,
                       organisation_id=offer.pool.organisation_id) as change:
        session = Session.objects.create(offer=offer, starts_at=starts_at, place=place,
                                         video_link=video_link, for_unit_id=for_unit_id)
        change.target = session
    return session


def _profile(facilitator: Facilitator) -> Profile:
    membership = facilitator.membership
    return Profile(membership_id=membership.pk, name=membership.user.get_full_name() or membership.user.email,
                   line=facilitator.line_experience, facilitation=facilitator.facilitation_experience,
                   unit_id=membership.unit_id,
                   managed_unit_ids=frozenset(managed_unit_ids_of(membership_id=membership.pk)))


def duo_check(*, session: Session, a: Facilitator, b: Facilitator) -> list[str]:
    line: list[int] = []
    if session.for_unit_id is not None:
        line = unit_ancestor_ids(unit_id=session.for_unit_id,
                                 organisation_id=session.for_unit.organisation_id)  # type: ignore[union-attr]
    return duo_warnings(_profile(a), _profile(b), session_unit_line=line)


@dataclass
class DuoResult:
    session: Session
    warnings: list[str]


def duo_assign(*, actor: Actor, session: Session, facilitator_a_id: int, facilitator_b_id: int,
               confirmed: bool = False) -> DuoResult:
    """Assign the duo. With warnings and without `confirmed` nothing is written: the coordinator
    sees the warnings and confirms (or chooses again)."""
    pool = session.offer.pool
    require(_manage(actor, pool))
    found = {f.pk: f for f in Facilitator.objects.filter(
        pool=pool, active=True, pk__in=[facilitator_a_id, facilitator_b_id]).select_related(
        "membership__user")}
    if facilitator_a_id not in found or facilitator_b_id not in found:
        raise ValidationError(_("Choose two facilitators of this pool."))
    if facilitator_a_id == facilitator_b_id:
        raise ValidationError(_("Choose two different facilitators."))
    warnings = duo_check(session=session, a=found[facilitator_a_id], b=found[facilitator_b_id])
    if warnings and not confirmed:
        return DuoResult(session=session, warnings=warnings)
    with service_write(action="workshops.duo_assign", actor=actor,
                       organisation_id=pool.organisation_id, target=session) as change:
        session.facilitator_a_id = facilitator_a_id
        session.facilitator_b_id = facilitator_b_id
        session.save(update_fields=["facilitator_a", "facilitator_b"])
        change.data = {"warnings": len(warnings)}
    return DuoResult(session=session, warnings=warnings)


def session_mark_held(*, actor: Actor, session: Session) -> Session:
    require(_manage(actor, session.offer.pool) or permissions.is_duo(
        actor, duo_membership_ids=selectors.duo_membership_ids(session)))
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("This session is not planned any more."))
    with service_write(action="workshops.session_held", actor=actor,
                       organisation_id=session.offer.pool.organisation_id, target=session):
        locked = _locked(session.pk)
        locked.status = Session.Status.HELD
        locked.save(update_fields=["status"])
        _evaluation_round(locked)
    session.status = Session.Status.HELD
    return session


def _check_place(offer: Offer, *, place: str, video_link: str) -> None:
    if offer.format == Offer.Format.ONLINE and not video_link:
        raise ValidationError({"video_link": _("An online session needs a video link.")})
    if offer.format == Offer.Format.ON_SITE and not place:
        raise ValidationError({"place": _("A session on site needs a place.")})


def _told(session: Session) -> tuple[list[int], list[int]]:
    """Who hears of a change: (registered participants and the duo, the waiting list)."""
    rows = list(Registration.objects.filter(session=session).exclude(
        status=Registration.Status.CANCELLED).values_list("status", "membership__user_id"))
    duo = Facilitator.objects.filter(
        pk__in=[session.facilitator_a_id, session.facilitator_b_id]).values_list(
        "membership__user_id", flat=True)
    seated = [user_id for status, user_id in rows if status == Registration.Status.REGISTERED]
    waiting = [user_id for status, user_id in rows if status == Registration.Status.WAITING]
    return sorted({*seated, *duo}), waiting


def session_move(*, actor: Actor, session: Session, starts_at: datetime, place: str = "",
                 video_link: str = "") -> Session:
    """Move a planned session to another time or place. Registrations and the waiting list stay;
    the participants and the duo get the new time with an updated calendar invite (same UID,
    higher SEQUENCE), the waiting list hears the new time. The reminder and the below-minimum
    flag start again for the new date."""
    pool = session.offer.pool
    require(_manage(actor, pool))
    _check_place(session.offer, place=place, video_link=video_link)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a moment in the future.")})
    with service_write(action="workshops.session_move", actor=actor,
                       organisation_id=pool.organisation_id, target=session) as change:
        locked = _locked(session.pk)
        if locked.status != Session.Status.PLANNED:
            raise ValidationError(_("This session is not planned any more."))
        if (locked.starts_at, locked.place, locked.video_link) == (starts_at, place, video_link):
            change.nothing_changed()
            return locked
        locked.starts_at, locked.place, locked.video_link = starts_at, place, video_link
        locked.sequence += 1
        locked.low_flagged_at = locked.reminded_at = None
        locked.save(update_fields=["starts_at", "place", "video_link", "sequence",
                                   "low_flagged_at", "reminded_at"])
        seated, waiting = _told(locked)
        change.data = {"sequence": locked.sequence, "told": len(seated) + len(waiting)}
        session_id = locked.pk
        transaction.on_commit(partial(queue_mail, "workshops/email/session_moved",
                                      user_ids=seated, session_id=session_id))
        if waiting:
            transaction.on_commit(partial(queue_mail, "workshops/email/session_moved_waiting",
                                          user_ids=waiting, session_id=session_id))
    session.starts_at, session.place, session.video_link = starts_at, place, video_link
    session.sequence = locked.sequence
    return locked


def session_cancel(*, actor: Actor, session: Session) -> Session:
    """Cancel a planned session: every seat and every place on the waiting list ends (nobody
    moves up: there is nothing to move up to), and the participants, the waiting list and the duo
    are told, with a calendar cancellation (METHOD:CANCEL, same UID, higher SEQUENCE)."""
    pool = session.offer.pool
    require(_manage(actor, pool))
    with service_write(action="workshops.session_cancel", actor=actor,
                       organisation_id=pool.organisation_id, target=session) as change:
        locked = _locked(session.pk)
        if locked.status != Session.Status.PLANNED:
            raise ValidationError(_("This session is not planned any more."))
        seated, waiting = _told(locked)
        ended = Registration.objects.filter(session=locked).exclude(
            status=Registration.Status.CANCELLED).update(status=Registration.Status.CANCELLED)
        locked.status = Session.Status.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence"])
        change.data = {"registrations_ended": ended, "told": len(seated) + len(waiting)}
        session_id = locked.pk
        transaction.on_commit(partial(queue_mail, "workshops/email/session_cancelled",
                                      user_ids=[*seated, *waiting], session_id=session_id))
    session.status, session.sequence = locked.status, locked.sequence
    return locked


# --- registration -----------------------------------------------------------------------------


def _locked(session_id: int) -> Session:
    """The session row locked for this transaction: registrations for it are counted and written
    one at a time (PostgreSQL row lock; SQLite's IMMEDIATE transactions already serialise)."""
    return Session.objects.select_for_update().select_related("offer__pool").get(pk=session_id)


def register(*, actor: Actor, session: Session) -> Registration:
    """A seat when one is free, else a place on the waiting list. Never more than the maximum."""
    pool = session.offer.pool
    require(permissions.can_register(actor, pool_organisation_ids=selectors.pool_organisation_ids(pool)))
    if session.for_unit_id is not None and session.for_unit_id != actor.unit_id:
        raise ValidationError(_("This workshop is for one team only."))
    with service_write(action="workshops.register", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        locked = _locked(session.pk)
        if locked.status != Session.Status.PLANNED or locked.starts_at <= timezone.now():
            raise ValidationError(_("You can no longer register for this session."))
        if Registration.objects.filter(session=locked, membership_id=actor.membership_id).exclude(
                status=Registration.Status.CANCELLED).exists():
            raise ValidationError(_("You are already registered for this session."))
        taken = Registration.objects.filter(session=locked,
                                            status=Registration.Status.REGISTERED).count()
        status = (Registration.Status.REGISTERED if taken < locked.offer.max_participants
                  else Registration.Status.WAITING)
        registration = Registration.objects.create(
            session=locked, membership_id=actor.membership_id, organisation_id=actor.organisation_id,
            unit_id=actor.unit_id, is_manager=actor.has("leidinggevende"), status=status)
        change.target = registration
        change.data = {"session_id": locked.pk, "status": status}
    return registration


def cancel(*, actor: Actor, registration: Registration) -> Registration | None:
    """Cancel one's own registration; the first on the waiting list moves up (and hears of it).
    Returns the registration that moved up, if any."""
    require(registration.membership_id == actor.membership_id)
    moved: Registration | None = None
    with service_write(action="workshops.cancel", actor=actor,
                       organisation_id=actor.organisation_id, target=registration) as change:
        locked = _locked(registration.session_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            change.nothing_changed()
            return None
        had_seat = current.status == Registration.Status.REGISTERED
        current.status = Registration.Status.CANCELLED
        current.save(update_fields=["status"])
        if had_seat and locked.status == Session.Status.PLANNED:
            moved = Registration.objects.filter(
                session=locked, status=Registration.Status.WAITING).order_by("created_at", "pk").first()
            if moved is not None:
                moved.status = Registration.Status.REGISTERED
                moved.save(update_fields=["status"])
                change.data = {"moved_up": moved.pk}
                moved_id, user_id = moved.pk, moved.membership.user_id
                transaction.on_commit(lambda: queue_mail(
                    "workshops/email/moved_up", user_ids=[user_id], registration_id=moved_id))
    registration.status = Registration.Status.CANCELLED
    return moved


# --- during and after -------------------------------------------------------------------------


def refer(*, actor: Actor, session: Session, email_to: str = "", body: str = "",
          subject: str = "") -> Referral:
    """Record that a referral was made (no name, no content). When the participant asks for it,
    the referral page is e-mailed to the address they give: sealed in the queue, never stored."""
    require(permissions.can_refer(actor, duo_membership_ids=selectors.duo_membership_ids(session)))
    with service_write(action="workshops.referral", actor=actor,
                       organisation_id=session.offer.pool.organisation_id) as change:
        referral = Referral.objects.create(session=session)
        change.target = referral
        change.data = {"emailed": bool(email_to)}
        if email_to:
            transaction.on_commit(lambda: queue_sealed_email(subject=subject, body=body, to=[email_to]))
    return referral


# The evaluation is an instrument of the survey engine (ADR 0080, 0120): a held session is a
# round with one group, its registered participants hold bound links (never e-mailed: they answer
# on the session page), answers are cut loose from the link on submission, and the round closes
# this long after the session (drafts gone, links spent, answers rewritten in random order).
EVALUATION_TABLES = engine.SurveyTables(round=EvaluationRound, group=EvaluationGroup,
                                        link=EvaluationLink, response=EvaluationResponse)
EVALUATION_OPEN = timedelta(days=30)


def _evaluation_round(session: Session) -> EvaluationRound:
    """The session's evaluation round, opened once with a bound link for every registered
    participant, created together in membership order (so the links' ids and the spent flags
    never tell who answered first). Call inside a transaction with the session row locked."""
    found = EvaluationRound.objects.filter(session=session).first()
    if found is not None:
        return found
    round_ = EvaluationRound.objects.create(
        organisation_id=session.offer.pool.organisation_id, session=session,
        title=session.offer.title[:150], threshold=anonymity.threshold())
    group = EvaluationGroup.objects.create(round=round_, slug="session")
    participants = Registration.objects.filter(
        session=session, status=Registration.Status.REGISTERED).values_list("membership_id", flat=True)
    engine.links_add(EVALUATION_TABLES, round_id=round_.pk, group=group,
                     membership_ids=list(participants))
    return round_


def evaluate(*, actor: Actor, session: Session, useful: int, safe: int,
             facilitation: int) -> EvaluationResponse:
    """A participant's anonymous evaluation through the survey engine: their bound link is spent
    and the answers are cut loose from it; the registration only learns *that* it evaluated
    (once). The audit entry names the session, no actor and no answer."""
    answers = {"useful": useful, "safe": safe, "facilitation": facilitation}
    for value in answers.values():
        if not 1 <= int(value) <= 5:
            raise ValidationError(_("Choose an answer from 1 to 5."))
    with service_write(action="workshops.evaluate", actor=None,
                       organisation_id=session.offer.pool.organisation_id) as change:
        locked = _locked(session.pk)
        registration = Registration.objects.select_for_update().filter(
            session=locked, membership_id=actor.membership_id,
            status=Registration.Status.REGISTERED).first()
        if registration is None or locked.status != Session.Status.HELD:
            raise ValidationError(_("You can evaluate a session you took part in, after it was held."))
        if registration.evaluated:
            raise ValidationError(_("You already evaluated this session. Thank you!"))
        round_ = _evaluation_round(locked)
        if not round_.is_open:
            raise ValidationError(_("The evaluation of this session has closed."))
        link = EvaluationLink.objects.filter(round=round_, membership_id=actor.membership_id).first()
        if link is None:
            # Registered before the round existed only through a data repair: bind them now.
            engine.links_add(EVALUATION_TABLES, round_id=round_.pk, group=round_.groups.get(),
                             membership_ids=[actor.membership_id])
            link = EvaluationLink.objects.get(round=round_, membership_id=actor.membership_id)
        if link.spent:
            raise ValidationError(_("You already evaluated this session. Thank you!"))
        registration.evaluated = True
        registration.save(update_fields=["evaluated"])
        response = engine.draft_for_link(EVALUATION_TABLES, link)
        engine.answers_merge(response, {key: int(value) for key, value in answers.items()})
        engine.submit_and_detach(EVALUATION_TABLES, response)
        # The entry names the session, not the answers or the person (actor None).
        change.target = locked
    return response  # type: ignore[return-value]


def evaluations_close(*, now: datetime | None = None) -> int:
    """Close the evaluation rounds of sessions held more than EVALUATION_OPEN ago (the engine's
    closing: links spent and their hashes gone, answers rewritten in random order)."""
    now = now or timezone.now()
    closed = 0
    due = EvaluationRound.objects.filter(status=EvaluationRound.Status.OPEN,
                                         session__starts_at__lt=now - EVALUATION_OPEN)
    for round_id, organisation_id in due.values_list("pk", "organisation_id"):
        with service_write(action="workshops.evaluation_close", actor=None,
                           organisation_id=organisation_id) as change:
            locked = EvaluationRound.objects.select_for_update().get(pk=round_id)
            change.target = locked
            if not locked.is_open:
                change.nothing_changed()
                continue
            engine.close(EVALUATION_TABLES, locked)
            closed += 1
    return closed


def reflect(*, actor: Actor, session: Session, went_well: str, needed: str = "") -> Reflection:
    duo = selectors.duo_membership_ids(session)
    require(permissions.can_reflect(actor, duo_membership_ids=duo))
    if not went_well.strip():
        raise ValidationError({"went_well": _("Write what went well.")})
    facilitator = session.facilitator_a if session.facilitator_a and \
        session.facilitator_a.membership_id == actor.membership_id else session.facilitator_b
    with service_write(action="workshops.reflect", actor=actor,
                       organisation_id=session.offer.pool.organisation_id) as change:
        reflection, _created = Reflection.objects.update_or_create(
            session=session, facilitator=facilitator,
            defaults={"went_well": went_well.strip(), "needed": needed.strip()})
        change.target = reflection
    return reflection


# --- in-company requests ----------------------------------------------------------------------


def request_create(*, actor: Actor, pool: Pool, unit_id: int, audience: str,
                   wish: str = "") -> WorkshopRequest:
    require(permissions.can_request(actor, unit_id=unit_id,
                                    managed_unit_ids=managed_unit_ids_of(membership_id=actor.membership_id)))
    require(actor.organisation_id in selectors.pool_organisation_ids(pool))
    with service_write(action="workshops.request", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        request = WorkshopRequest.objects.create(
            pool=pool, organisation_id=actor.organisation_id, unit_id=unit_id,
            requested_by_id=actor.membership_id, audience=audience, wish=wish.strip())
        change.target = request
    return request


def request_match(*, actor: Actor, request: WorkshopRequest, offer: Offer, starts_at: datetime,
                  place: str = "", video_link: str = "") -> Session:
    """Turn a request into an in-company session for the unit; the duo is assigned next."""
    require(_manage(actor, request.pool) and offer.pool_id == request.pool_id)
    with transaction.atomic():
        session = session_create(actor=actor, offer=offer, starts_at=starts_at, place=place,
                                 video_link=video_link, for_unit_id=request.unit_id)
        with service_write(action="workshops.request_match", actor=actor,
                           organisation_id=request.pool.organisation_id, target=request):
            request.status = WorkshopRequest.Status.MATCHED
            request.session = session
            request.save(update_fields=["status", "session"])
    return session


# --- the daily job ----------------------------------------------------------------------------


def daily(*, now: datetime | None = None) -> dict[str, int]:
    """Flag sessions below their minimum a few days before (merge or move), and remind the
    registered participants two days before. Each is claimed once (idempotent)."""
    now = now or timezone.now()
    flagged = reminded = 0
    soon = selectors._sessions().filter(status=Session.Status.PLANNED, starts_at__gt=now)
    for session in soon.filter(starts_at__lte=now + LOW_FLAG_BEFORE, low_flagged_at__isnull=True):
        if session.seats_taken >= session.offer.min_participants:  # type: ignore[attr-defined]
            continue
        with service_write(action="workshops.low_flag", actor=None,
                           organisation_id=session.offer.pool.organisation_id, target=session):
            if Session.objects.filter(pk=session.pk, low_flagged_at__isnull=True).update(low_flagged_at=now):
                coordinators = list(members_with_role(
                    organisation_id=session.offer.pool.organisation_id,
                    role="coordinator").values_list("user_id", flat=True))
                session_id = session.pk
                transaction.on_commit(partial(queue_mail, "workshops/email/low",
                                              user_ids=coordinators, session_id=session_id))
                flagged += 1
    for session in soon.filter(starts_at__lte=now + REMIND_BEFORE, reminded_at__isnull=True):
        if Session.objects.filter(pk=session.pk, reminded_at__isnull=True).update(reminded_at=now):
            user_ids = list(Registration.objects.filter(
                session=session, status=Registration.Status.REGISTERED).values_list(
                "membership__user_id", flat=True))
            session_id = session.pk
            transaction.on_commit(partial(queue_mail, "workshops/email/reminder",
                                          user_ids=user_ids, session_id=session_id))
            reminded += 1
    return {"flagged": flagged, "reminded": reminded, "evaluations_closed": evaluations_close(now=now)}
