"""Every write of the code of conduct: permission → one atomic change → an audit entry with the
actor. Keyword-only and typed. Mails are queued after commit with ids only (ADR 0051)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.mail import queue_mail
from vangnet.core.service import require, service_write
from vangnet.organisations.public import (
    Actor,
    MemberJoined,
    Role,
    line_managers_of,
    managed_unit_ids_of,
    member_get,
    member_units,
    members_with_role,
    unit_ancestor_ids,
)

from . import permissions
from .content import model_code
from .models import (
    SECTION_KEYS,
    Acknowledgement,
    AcknowledgementReminder,
    BuddyCheckIn,
    CodeVersion,
    ConductSettings,
    Discussion,
    TeamAgreement,
    WelcomePath,
    YearlyReview,
)

if TYPE_CHECKING:

    from vangnet.organisations.models import Membership, Unit

REMIND_AFTER_DAYS = 7
REVIEW_EVERY_DAYS = 365
MAX_AGREEMENTS_PER_SESSION = 12


def settings_for(organisation_id: int) -> ConductSettings:
    found, _created = ConductSettings.objects.get_or_create(organisation_id=organisation_id)
    return found


def settings_update(*, actor: Actor, consent_required: bool, public_page: bool,
                    named_follow_up: bool) -> ConductSettings:
    require(permissions.can_edit_code(actor))
    with service_write(action="conduct.settings_update", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        current = ConductSettings.objects.select_for_update().get(pk=settings_for(actor.organisation_id).pk)
        current.consent_required = consent_required
        current.public_page = public_page
        current.named_follow_up = named_follow_up
        current.save()
        change.target = current
        change.data = {"consent_required": consent_required, "public_page": public_page,
                       "named_follow_up": named_follow_up}
    return current


# --- versions -----------------------------------------------------------------------------------


def _clean_sections(sections: dict[str, str]) -> dict[str, str]:
    cleaned = {key: (sections.get(key) or "").strip() for key in SECTION_KEYS}
    if not any(cleaned.values()):
        raise ValidationError(_("Write at least one section."))
    return cleaned


def version_create(*, actor: Actor, title: str, summary: str, sections: dict[str, str],
                   change_note: str, major_change: bool) -> CodeVersion:
    """A new draft. The first version is 1.0; a major change asks every member to acknowledge
    again (x+1.0), a minor one does not (x.y+1)."""
    require(permissions.can_edit_code(actor))
    cleaned = _clean_sections(sections)
    if not change_note.strip():
        raise ValidationError(_("Say in a few words what changed."))
    with service_write(action="conduct.version_create", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        settings_for(actor.organisation_id)
        ConductSettings.objects.select_for_update().get(organisation_id=actor.organisation_id)
        latest = CodeVersion.objects.filter(organisation_id=actor.organisation_id).first()
        if latest is None:
            major, minor = 1, 0
        elif major_change:
            major, minor = latest.major + 1, 0
        else:
            major, minor = latest.major, latest.minor + 1
        version = CodeVersion.objects.create(
            organisation_id=actor.organisation_id, number=(latest.number + 1) if latest else 1,
            major=major, minor=minor, title=title.strip() or _("Our code of conduct"),
            summary=summary.strip(), sections=cleaned, change_note=change_note.strip(),
            created_by_id=actor.membership_id)
        change.target = version
        change.data = {"number": version.number, "label": version.label}
    return version


def version_create_from_model(*, actor: Actor, language: str) -> CodeVersion:
    code = model_code(language)
    return version_create(actor=actor, title=code.title, summary=code.summary,
                          sections=code.sections, change_note=_("Started from Vangnet's model code."),
                          major_change=True)


def consent_record(*, actor: Actor, version: CodeVersion, consent_on: date) -> CodeVersion:
    require(permissions.can_record_consent(actor) and version.organisation_id == actor.organisation_id)
    if consent_on > timezone.localdate():
        raise ValidationError(_("The date of the consent cannot be in the future."))
    with service_write(action="conduct.consent_record", actor=actor, target=version,
                       organisation_id=actor.organisation_id) as change:
        version = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != CodeVersion.Status.DRAFT:
            raise ValidationError(_("Consent is recorded for a draft, before it is published."))
        version.consent_on = consent_on
        version.consent_recorded_by_id = actor.membership_id
        version.save(update_fields=["consent_on", "consent_recorded_by"])
        change.data = {"consent_on": consent_on.isoformat()}
    return version


def version_publish(*, actor: Actor, version: CodeVersion) -> CodeVersion:
    """Publish a draft; the version published before it is replaced. One published at a time."""
    require(permissions.can_publish(actor) and version.organisation_id == actor.organisation_id)
    with service_write(action="conduct.version_publish", actor=actor, target=version,
                       organisation_id=actor.organisation_id) as change:
        current = ConductSettings.objects.select_for_update().get(
            pk=settings_for(actor.organisation_id).pk)
        version = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != CodeVersion.Status.DRAFT:
            raise ValidationError(_("Only a draft can be published."))
        if permissions.publish_blocked_by_consent(consent_required=current.consent_required,
                                                   consent_on=version.consent_on):
            raise ValidationError(_("Record the works council's consent first."))
        CodeVersion.objects.filter(organisation_id=actor.organisation_id,
                                   status=CodeVersion.Status.PUBLISHED).update(
            status=CodeVersion.Status.RETIRED)
        version.status = CodeVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        change.data = {"label": version.label}
        review_schedule(organisation_id=actor.organisation_id)
    return version


# --- acknowledgement ----------------------------------------------------------------------------


def acknowledge(*, actor: Actor, version: CodeVersion) -> Acknowledgement:
    require(permissions.can_read_code(actor) and version.organisation_id == actor.organisation_id)
    if version.status != CodeVersion.Status.PUBLISHED:
        raise ValidationError(_("Only the published code can be acknowledged."))
    with service_write(action="conduct.acknowledge", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        ack, created = Acknowledgement.objects.get_or_create(
            membership_id=actor.membership_id, major=version.major,
            defaults={"version": version, "organisation_id": actor.organisation_id})
        change.target, change.data = ack, {"label": version.label}
        if not created:
            change.nothing_changed()
    return ack


def _queue_acknowledge_reminder(user_id: int, reminder_id: int) -> None:
    queue_mail("conduct/email/acknowledge_reminder", user_ids=[user_id], reminder_id=reminder_id)


def send_acknowledgement_reminders(*, now: datetime | None = None) -> int:
    """One e-mail per person per major version, a week after publication, to members who have not
    acknowledged it yet. The reminder row is claimed first, so a rerun never mails twice."""
    now = now or timezone.now()
    sent = 0
    published = CodeVersion.objects.filter(status=CodeVersion.Status.PUBLISHED,
                                           published_at__lte=now - timedelta(days=REMIND_AFTER_DAYS))
    for version in published:
        members = set(member_units(organisation_id=version.organisation_id))
        done = set(Acknowledgement.objects.filter(organisation_id=version.organisation_id,
                                                  major=version.major)
                   .values_list("membership_id", flat=True))
        reminded = set(AcknowledgementReminder.objects.filter(
            organisation_id=version.organisation_id, major=version.major)
            .values_list("membership_id", flat=True))
        for membership_id in sorted(members - done - reminded):
            with transaction.atomic():
                reminder, created = AcknowledgementReminder.objects.get_or_create(
                    membership_id=membership_id, major=version.major,
                    defaults={"organisation_id": version.organisation_id})
                if not created:
                    continue
                member = member_get(organisation_id=version.organisation_id,
                                    membership_id=membership_id)
                if member is None:
                    continue
                transaction.on_commit(partial(_queue_acknowledge_reminder, member.user_id,
                                              reminder.pk))
            sent += 1
    return sent


# --- team agreements and discussions ------------------------------------------------------------


def _require_keeper(actor: Actor, unit: Unit) -> None:
    require(unit.organisation_id == actor.organisation_id and permissions.can_keep_agreements(
        actor, unit_line_ids=unit_ancestor_ids(unit_id=unit.pk, organisation_id=unit.organisation_id),
        managed_unit_ids=managed_unit_ids_of(membership_id=actor.membership_id)))


def agreements_add(*, actor: Actor, unit: Unit, texts: Sequence[str], made_on: date,
                   session_id: int | None = None) -> list[TeamAgreement]:
    """Add one or more agreements to a team, optionally as made in a toolbox session."""
    _require_keeper(actor, unit)
    cleaned = [text.strip() for text in texts if text.strip()]
    if not cleaned:
        raise ValidationError(_("Write at least one agreement."))
    if len(cleaned) > MAX_AGREEMENTS_PER_SESSION:
        raise ValidationError(_("Keep it to at most %(n)s agreements at a time.")
                              % {"n": MAX_AGREEMENTS_PER_SESSION})
    made = []
    with transaction.atomic():  # all agreements or none; one audit entry each
        for text in cleaned:
            with service_write(action="conduct.agreement_add", actor=actor,
                               organisation_id=actor.organisation_id) as change:
                agreement = TeamAgreement.objects.create(
                    organisation_id=actor.organisation_id, unit=unit, text=text[:500],
                    made_on=made_on, last_discussed_on=made_on, session_id=session_id,
                    created_by_id=actor.membership_id)
                change.target = agreement
                change.data = {"unit_id": unit.pk, "session_id": session_id}
            made.append(agreement)
    return made


def agreement_retire(*, actor: Actor, agreement: TeamAgreement) -> None:
    _require_keeper(actor, agreement.unit)
    with service_write(action="conduct.agreement_retire", actor=actor, target=agreement,
                       organisation_id=agreement.organisation_id):
        agreement.is_active = False
        agreement.save(update_fields=["is_active"])


def discussion_record(*, actor: Actor, unit: Unit, held_on: date, about_code: bool,
                      agreement_ids: Sequence[int], note: str) -> Discussion:
    _require_keeper(actor, unit)
    if held_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    agreements = list(TeamAgreement.objects.filter(unit=unit, is_active=True, pk__in=agreement_ids))
    if not about_code and not agreements:
        raise ValidationError(_("Choose the code of conduct or at least one agreement."))
    with service_write(action="conduct.discussion_record", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        discussion = Discussion.objects.create(
            organisation_id=actor.organisation_id, unit=unit, held_on=held_on,
            about_code=about_code, note=note.strip()[:280], recorded_by_id=actor.membership_id)
        discussion.agreements.set(agreements)
        TeamAgreement.objects.filter(pk__in=[a.pk for a in agreements],
                                     last_discussed_on__lt=held_on).update(last_discussed_on=held_on)
        change.target = discussion
        change.data = {"unit_id": unit.pk, "about_code": about_code,
                       "agreements": len(agreements)}
    return discussion


# --- welcome path -------------------------------------------------------------------------------


def on_member_joined(event: MemberJoined) -> None:
    """A new member (organisations' MemberJoined event): start the welcome path, once."""
    welcome_start(membership_id=event.membership.pk,
                  organisation_id=event.membership.organisation_id)


def welcome_start(*, membership_id: int, organisation_id: int,
                  today: date | None = None) -> WelcomePath:
    today = today or timezone.localdate()
    with service_write(action="conduct.welcome_start", actor=None,
                       organisation_id=organisation_id) as change:
        path, created = WelcomePath.objects.get_or_create(
            membership_id=membership_id, defaults={"organisation_id": organisation_id,
                                                   "started_on": today})
        change.target = path
        if not created:
            change.nothing_changed()
            return path
        for week in BuddyCheckIn.WEEKS:
            BuddyCheckIn.objects.create(path=path, week=week,
                                        due_on=today + timedelta(weeks=week))
    return path


WELCOME_STEPS = ("advisors", "route", "agreements")


def welcome_step_done(*, actor: Actor, path: WelcomePath, step: str) -> WelcomePath:
    require(path.membership_id == actor.membership_id and step in WELCOME_STEPS)
    with service_write(action="conduct.welcome_step", actor=actor, target=path,
                       organisation_id=path.organisation_id) as change:
        change.data = {"step": step}
        field = f"{step}_seen_at"
        if getattr(path, field) is not None:
            change.nothing_changed()
            return path
        setattr(path, field, timezone.now())
        path.save(update_fields=[field])
    return path


def welcome_set_buddy(*, actor: Actor, path: WelcomePath, buddy: Membership) -> WelcomePath:
    newcomer = member_get(organisation_id=actor.organisation_id, membership_id=path.membership_id)
    if newcomer is None:
        raise PermissionDenied
    require(path.organisation_id == actor.organisation_id
             and buddy.organisation_id == actor.organisation_id and buddy.pk != path.membership_id)
    line = (unit_ancestor_ids(unit_id=newcomer.unit_id, organisation_id=actor.organisation_id)
            if newcomer.unit_id else [])
    require(permissions.can_set_buddy(
        actor, unit_line_ids=line, managed_unit_ids=managed_unit_ids_of(membership_id=actor.membership_id)))
    with service_write(action="conduct.welcome_buddy", actor=actor, target=path,
                       organisation_id=path.organisation_id) as change:
        path.buddy = buddy
        path.save(update_fields=["buddy"])
        change.data = {"buddy_id": buddy.pk}
    return path


def checkin_done(*, actor: Actor, checkin: BuddyCheckIn) -> BuddyCheckIn:
    path = checkin.path
    require(path.organisation_id == actor.organisation_id
             and actor.membership_id in {path.buddy_id, path.membership_id})
    with service_write(action="conduct.checkin_done", actor=actor, target=path,
                       organisation_id=path.organisation_id) as change:
        change.data = {"week": checkin.week}
        if checkin.done_at is not None:
            change.nothing_changed()
            return checkin
        checkin.done_at = timezone.now()
        checkin.save(update_fields=["done_at"])
    return checkin


def send_checkin_reminders(*, today: date | None = None) -> int:
    """Remind the buddy and the newcomer's managers of a check-in on its day (once each)."""
    today = today or timezone.localdate()
    sent = 0
    due = BuddyCheckIn.objects.filter(due_on__lte=today, reminded_at__isnull=True,
                                      done_at__isnull=True).select_related("path")
    for checkin in due:
        claimed = BuddyCheckIn.objects.filter(pk=checkin.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now())
        if not claimed:
            continue
        path = checkin.path
        newcomer = member_get(organisation_id=path.organisation_id, membership_id=path.membership_id)
        if newcomer is None:
            continue
        user_ids = {m.user_id for m in line_managers_of(unit_id=newcomer.unit_id,
                                                        organisation_id=path.organisation_id)}
        if path.buddy_id:
            buddy = member_get(organisation_id=path.organisation_id, membership_id=path.buddy_id)
            if buddy is not None:
                user_ids.add(buddy.user_id)
        user_ids.discard(newcomer.user_id)
        if user_ids:
            queue_mail("conduct/email/checkin_reminder", user_ids=sorted(user_ids),
                       checkin_id=checkin.pk)
        sent += 1
    return sent


# --- yearly review ------------------------------------------------------------------------------


@transaction.atomic
def review_schedule(*, organisation_id: int) -> YearlyReview | None:
    """Make sure there is one open review, a year after the last publication or review.
    Runs under the lock of the organisation's settings row, so there is never a second one."""
    settings_for(organisation_id)
    ConductSettings.objects.select_for_update().get(organisation_id=organisation_id)
    if YearlyReview.objects.filter(organisation_id=organisation_id, completed_at__isnull=True).exists():
        return None
    last_publication = (CodeVersion.objects.filter(organisation_id=organisation_id)
                        .aggregate(last=Max("published_at"))["last"])
    last_review = (YearlyReview.objects.filter(organisation_id=organisation_id)
                   .aggregate(last=Max("completed_at"))["last"])
    moments = [moment for moment in (last_publication, last_review) if moment is not None]
    if not moments:
        return None
    due_on = timezone.localdate(max(moments)) + timedelta(days=REVIEW_EVERY_DAYS)
    return YearlyReview.objects.create(organisation_id=organisation_id, due_on=due_on)


def send_review_reminders(*, today: date | None = None) -> int:
    """On the due date, tell the coordinators that the yearly review is waiting (once)."""
    today = today or timezone.localdate()
    sent = 0
    for review in YearlyReview.objects.filter(due_on__lte=today, reminded_at__isnull=True,
                                              completed_at__isnull=True):
        claimed = YearlyReview.objects.filter(pk=review.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now())
        if not claimed:
            continue
        user_ids = sorted(m.user_id for m in members_with_role(
            organisation_id=review.organisation_id, role=Role.COORDINATOR))
        if user_ids:
            queue_mail("conduct/email/review_reminder", user_ids=user_ids, review_id=review.pk)
        sent += 1
    return sent


REVIEW_CHECKLIST = ("inputs_read", "teams_heard", "works_council_heard", "examples_current")


def review_complete(*, actor: Actor, review: YearlyReview, outcome: str, checklist: Sequence[str],
                    note: str, version: CodeVersion | None = None) -> YearlyReview:
    require(permissions.can_review(actor) and review.organisation_id == actor.organisation_id)
    if outcome not in YearlyReview.Outcome.values:
        raise ValidationError(_("Choose the outcome of the review."))
    if outcome == YearlyReview.Outcome.NEW_VERSION and (
            version is None or version.organisation_id != actor.organisation_id):
        raise ValidationError(_("Choose the new version that came out of the review."))
    with service_write(action="conduct.review_complete", actor=actor, target=review,
                       organisation_id=actor.organisation_id) as change:
        review = YearlyReview.objects.select_for_update().get(pk=review.pk)
        if review.completed_at is not None:
            raise ValidationError(_("This review has already been completed."))
        review.outcome = outcome
        review.checklist = [item for item in checklist if item in REVIEW_CHECKLIST]
        review.note = note.strip()[:500]
        review.version = version if outcome == YearlyReview.Outcome.NEW_VERSION else None
        review.completed_at = timezone.now()
        review.completed_by_id = actor.membership_id
        review.save()
        change.data = {"outcome": outcome}
        review_schedule(organisation_id=actor.organisation_id)
    return review


def daily(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "acknowledgement_reminders": send_acknowledgement_reminders(now=now),
        "checkin_reminders": send_checkin_reminders(today=today),
        "review_reminders": send_review_reminders(today=today),
    }
