"""Every write to organisation data. Keyword-only, typed, atomic, audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.events import publish
from vangnet.core.mail import queue_mail
from vangnet.core.service import require, service_write

from .events import MemberJoined, MembershipChanged

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin
    from django.core.files.uploadedfile import UploadedFile

    from vangnet.accounts.models import User
from .images import clean_logo
from .models import (
    Agency,
    AgencyClient,
    ImportJob,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    Unit,
)
from .permissions import Actor, can_change_own_membership, can_grant_roles, can_manage_organisation
from .roles import CASE_READING_ROLES, Role
from .selectors import organisation_for_sso_login

INVITATION_VALID_FOR = timedelta(days=14)
INVITATION_MAIL = "organisations/email/invitation"  # mail kind: organisations/mails.py


def organisation_create(*, name: str, slug: str, primary_colour: str = "#1f5c99") -> Organisation:
    with service_write(action="organisation.create", actor=None) as change:
        organisation = Organisation.objects.create(
            name=name, slug=slug, primary_colour=primary_colour
        )
        change.target = organisation
    return organisation


def organisation_update_branding(
    *, actor: Actor, organisation: Organisation, name: str, primary_colour: str,
    logo: UploadedFile | None = None, remove_logo: bool = False,
) -> Organisation:
    """Name, colour and logo. A logo is re-encoded without metadata (see images.py)."""
    require(can_manage_organisation(actor) and organisation.pk == actor.organisation_id)
    # From the database: a bound ModelForm may already have put the new file on this instance.
    old_logo = Organisation.objects.filter(pk=organisation.pk).values_list("logo", flat=True).first() or ""
    with service_write(action="organisation.branding", actor=actor, target=organisation) as change:
        organisation.name = name
        organisation.primary_colour = primary_colour
        if remove_logo:
            organisation.logo = ""
        elif logo:
            organisation.logo = clean_logo(logo, name_hint=organisation.slug)
        organisation.full_clean()
        organisation.save()
        change.data = {"logo_changed": bool(remove_logo or logo)}
        new_logo = organisation.logo.name if organisation.logo else ""
        if old_logo and old_logo != new_logo:
            storage = organisation.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation



def _check_parent(unit: Unit | None, parent: Unit | None, organisation_id: int) -> None:
    if parent is None:
        return
    if parent.organisation_id != organisation_id:
        raise PermissionDenied
    node: Unit | None = parent
    while node is not None and unit is not None:
        if node.pk == unit.pk:
            raise ValidationError({"parent": _("A unit cannot be part of itself.")})
        node = node.parent


def unit_create(
    *, actor: Actor, name: str, kind: str = Unit.Kind.TEAM, parent: Unit | None = None,
    code: str = "", managers: Iterable[Membership] = (),
) -> Unit:
    require(can_manage_organisation(actor))
    _check_parent(None, parent, actor.organisation_id)
    with service_write(action="unit.create", actor=actor) as change:
        unit = Unit(organisation_id=actor.organisation_id, name=name, kind=kind, parent=parent,
                    code=code)
        unit.full_clean()
        unit.save()
        _set_managers(actor, unit, managers)
        change.target = unit
    return unit


def unit_update(
    *, actor: Actor, unit: Unit, name: str, kind: str, parent: Unit | None, code: str = "",
    managers: Iterable[Membership] = (),
) -> Unit:
    require(can_manage_organisation(actor) and unit.organisation_id == actor.organisation_id)
    _check_parent(unit, parent, actor.organisation_id)
    with service_write(action="unit.update", actor=actor, target=unit):
        unit.name, unit.kind, unit.parent, unit.code = name, kind, parent, code
        unit.full_clean()
        unit.save()
        _set_managers(actor, unit, managers)
    return unit


def _set_managers(actor: Actor, unit: Unit, managers: Iterable[Membership]) -> None:
    managers = list(managers)
    if any(m.organisation_id != actor.organisation_id for m in managers):
        raise PermissionDenied
    unit.managers.set(managers)


def unit_delete(*, actor: Actor, unit: Unit) -> None:
    require(can_manage_organisation(actor) and unit.organisation_id == actor.organisation_id)
    if unit.children.exists():
        raise ValidationError(_("This unit still has units below it. Move or remove those first."))
    with service_write(action="unit.delete", actor=actor, target=unit):
        unit.delete()


def membership_create(
    *, organisation: Organisation, email: str, full_name: str = "", roles: Iterable[str] = (),
    unit: Unit | None = None, job_title: str = "", is_external: bool = False,
    password: str | None = None, actor: Actor | None = None,
) -> Membership:
    """Add a person to an organisation (creating the account when it does not exist yet)."""
    if actor is not None:
        require(can_manage_organisation(actor) and actor.organisation_id == organisation.pk)
    User = get_user_model()
    with service_write(action="membership.create", actor=actor) as change:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
            if password is None:
                user.set_unusable_password()
                user.save(update_fields=["password"])
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation,
            defaults={"unit": unit, "job_title": job_title, "is_external": is_external},
        )
        # An existing membership gets its roles replaced: that is a role change like any other
        # (a coordinator "adding" themselves again must not give themselves a new role).
        _change_roles(membership=membership, roles=roles, was_active=membership.is_active,
                      created=created, actor=actor,
                      granting_user_id=actor.user_id if actor is not None else None)
        change.target, change.data = membership, {"roles": sorted(roles)}
    return membership


def _replace_roles(membership: Membership, roles: Iterable[str]) -> None:
    wanted = {Role(role).value for role in roles}
    membership.roles.exclude(role__in=wanted).delete()
    existing = set(membership.roles.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in sorted(wanted - existing)]
    )


def _change_roles(
    *, membership: Membership, roles: Iterable[str], was_active: bool, created: bool,
    actor: Actor | None, granting_user_id: int | None,
) -> tuple[frozenset[str], frozenset[str]]:
    """Every change of someone's roles goes through here: it refuses a case-reading role that
    someone would give themselves, writes the audit entry (ids and role names only), tells the
    person and, for a new case-reading role, the organisation's advisors, and lets reporting
    revoke access to reports that the old role gave (hook "membership_changed")."""
    wanted = {Role(role).value for role in roles}
    before = set(membership.roles.values_list("role", flat=True))
    added, removed = frozenset(wanted - before), frozenset(before - wanted)
    if not can_grant_roles(granting_user_id=granting_user_id, membership_user_id=membership.user_id,
                           added=added):
        raise ValidationError(_(
            "You cannot give yourself a role that can read reports. Ask another coordinator to "
            "do it: then the advisors are told, and no single account can open reports."))
    if not (added or removed or was_active != membership.is_active):
        return added, removed
    with service_write(action="membership.roles_change", actor=actor, target=membership,
                       organisation_id=membership.organisation_id) as change:
        _replace_roles(membership, wanted)
        change.data = {"membership_id": membership.pk, "added": sorted(added),
                       "removed": sorted(removed), "active": membership.is_active,
                       "was_active": was_active}
    publish(MembershipChanged(membership=membership, added=frozenset(added),
                              removed=frozenset(removed), actor=actor))
    _notify_role_change(membership=membership, change_id=change.entry_id, added=added,
                        created=created)
    return added, removed


# Role-change notices are mail kinds (organisations/mails.py): the queue carries the membership
# and the audit entry of the change, and the worker reads the roles from that entry (ADR 0051).
ROLES_CHANGED_MAIL = "organisations/email/roles_changed"
CASE_READER_ADDED_MAIL = "organisations/email/case_reader_added"
CASE_READERS_IMPORTED_MAIL = "organisations/email/case_readers_imported"


def _advisor_user_ids(organisation_id: int, *, except_membership_ids: Iterable[int]) -> list[int]:
    return list(
        Membership.objects.filter(organisation_id=organisation_id, is_active=True,
                                  roles__role=Role.ADVISOR)
        .exclude(pk__in=list(except_membership_ids)).values_list("user_id", flat=True).distinct()
    )


def _notify_role_change(*, membership: Membership, change_id: int, added: frozenset[str],
                        created: bool, tell_advisors: bool = True) -> None:
    """The person hears of every change to an existing membership (and of a new case-reading
    role); the organisation's advisors hear of every new case-reading role, so that a role given
    to a stranger or a puppet account does not go unnoticed (issue #10)."""
    new_readers = added & CASE_READING_ROLES
    person = [] if created and not new_readers else [membership.user_id]
    advisors: list[int] = []
    if new_readers and membership.is_active and tell_advisors:
        advisors = _advisor_user_ids(membership.organisation_id,
                                     except_membership_ids=[membership.pk])

    def send() -> None:
        if person:
            queue_mail(ROLES_CHANGED_MAIL, user_ids=person, membership_id=membership.pk,
                       change_id=change_id)
        if advisors:
            queue_mail(CASE_READER_ADDED_MAIL, user_ids=advisors, membership_id=membership.pk,
                       change_id=change_id)

    transaction.on_commit(send)


def roles_added_by_import(*, organisation_id: int, added: dict[int, set[str]],
                          created_ids: set[int], actor_user_id: int | None) -> None:
    """An import gave these memberships new case-reading roles (imports only add roles). One
    audit entry lists every change (ids and role names); people whose existing membership
    changed are told; the advisors get one e-mail for the whole import, so a file that slips in
    a reader is noticed without a flood of mail for a large organisation."""
    changes = [[pk, sorted(roles)] for pk, roles in sorted(added.items())]
    with service_write(action="membership.roles_change_import", actor=_user_by_id(actor_user_id),
                       organisation_id=organisation_id) as change:
        change.data = {"changes": changes, "count": len(changes)}
    change_id = change.entry_id
    advisors = _advisor_user_ids(organisation_id, except_membership_ids=added)
    if advisors:
        transaction.on_commit(lambda: queue_mail(CASE_READERS_IMPORTED_MAIL, user_ids=advisors,
                                                 change_id=change_id))
    for membership in Membership.objects.filter(pk__in=set(added) - created_ids):
        _notify_role_change(membership=membership, change_id=change_id,
                            added=frozenset(added[membership.pk]), created=False,
                            tell_advisors=False)




def _user_by_id(user_id: int | None) -> User | None:
    return get_user_model()(pk=user_id) if user_id else None


def membership_update(
    *, actor: Actor, membership: Membership, roles: Iterable[str], unit: Unit | None,
    job_title: str, is_external: bool, is_active: bool,
) -> Membership:
    require(can_manage_organisation(actor) and membership.organisation_id == actor.organisation_id
            and (unit is None or unit.organisation_id == actor.organisation_id))
    roles = set(roles)
    if not can_change_own_membership(actor, membership.pk) and (
        Role.COORDINATOR not in roles or not is_active
    ):
        raise ValidationError(_("You cannot remove your own coordinator role or deactivate yourself."))
    with service_write(action="membership.update", actor=actor, target=membership) as change:
        was_active = Membership.objects.select_for_update().values_list(
            "is_active", flat=True).get(pk=membership.pk)
        membership.unit, membership.job_title = unit, job_title
        membership.is_external, membership.is_active = is_external, is_active
        membership.save()
        _change_roles(membership=membership, roles=roles, was_active=was_active, created=False,
                      actor=actor, granting_user_id=actor.user_id)
        change.data = {"roles": sorted(roles), "active": is_active}
    return membership


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unusable_token_hash() -> str:
    # A hash of a token that is thrown away: the invitation opens only once the worker has
    # minted the real link and replaced this (invitation_link_mint).
    return _token_hash(secrets.token_urlsafe(32))


def invitation_create(
    *, actor: Actor, email: str, full_name: str = "", roles: Iterable[str] = (Role.EMPLOYEE,),
    unit: Unit | None = None, language: str = "nl",
) -> Invitation:
    """Create an invitation and queue its e-mail.

    The link is minted by the mail worker when it sends the e-mail, and only its hash is kept
    (ADR 0051): the queue carries the invitation id, and nobody, the coordinator included, ever
    sees the link.
    """
    require(can_manage_organisation(actor)
            and (unit is None or unit.organisation_id == actor.organisation_id))
    with service_write(action="invitation.create", actor=actor) as change:
        invitation = Invitation.objects.create(
            organisation_id=actor.organisation_id, email=email.lower(), full_name=full_name,
            roles=sorted(Role(r).value for r in roles), unit=unit,
            token_hash=_unusable_token_hash(), invited_by_id=actor.user_id,
            expires_at=timezone.now() + INVITATION_VALID_FOR,
        )
        change.target = invitation
        invitation_id = invitation.pk
        transaction.on_commit(lambda: queue_mail(INVITATION_MAIL, invitation_id=invitation_id,
                                                 language=language))
    return invitation


def invitation_send_again(*, actor: Actor, invitation: Invitation, language: str = "nl") -> Invitation:
    """Send an open invitation again with a new link, valid for another 14 days.

    The earlier link stops working at once; the new one is minted by the worker, as at first.
    """
    require(can_manage_organisation(actor) and invitation.organisation_id == actor.organisation_id)
    with service_write(action="invitation.send_again", actor=actor) as change:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."))
        invitation.token_hash = _unusable_token_hash()
        invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
        invitation.save(update_fields=["token_hash", "expires_at"])
        change.target = invitation
        invitation_id = invitation.pk
        transaction.on_commit(lambda: queue_mail(INVITATION_MAIL, invitation_id=invitation_id,
                                                 language=language))
    return invitation


def invitation_link_mint(*, invitation_id: int) -> tuple[Invitation, str] | None:
    """Inside the mail worker: a fresh secret for an open invitation; only its hash is stored.

    Returns the invitation and the raw token for the one e-mail being sent, or None when the
    invitation was accepted, has expired or is gone. Any earlier link stops working.
    """
    token = secrets.token_urlsafe(32)
    with service_write(action="invitation.link_sent", actor=None, actor_label="system") as change:
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("organisation")
            .filter(pk=invitation_id, accepted_at__isnull=True).first()
        )
        if invitation is None or invitation.expires_at < timezone.now():
            change.nothing_changed()
            return None
        invitation.token_hash = _token_hash(token)
        invitation.save(update_fields=["token_hash"])
        change.target = invitation
    return invitation, token


def invitation_get_by_token(*, token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_token_hash(token), accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at < timezone.now():
        return None
    return invitation


def invitation_accept(
    *, invitation: Invitation, full_name: str, password: str | None,
    user: User | None = None
) -> Membership:
    """Accept an invitation: with the logged-in account, or by creating one with a password."""
    User = get_user_model()
    with service_write(action="invitation.accept", actor=user) as change:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."))
        if user is None or not user.is_authenticated:
            user = User.objects.filter(email__iexact=invitation.email).first()
            if user is None:
                user = User.objects.create_user(
                    email=invitation.email, password=password, full_name=full_name
                )
            elif password:
                raise ValidationError(_("An account with this e-mail address already exists. Log in first."))
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"unit": invitation.unit}
        )
        # The one who invited is the one who grants: inviting yourself gives no reading role.
        _change_roles(membership=membership, roles=set(invitation.roles) | membership.role_set,
                      was_active=membership.is_active, created=created, actor=None,
                      granting_user_id=invitation.invited_by_id)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        change.actor, change.target = user, invitation
        publish(MemberJoined(membership=membership))
    return membership


def membership_ensure_for_sso(*, user: User, sociallogin: SocialLogin) -> Membership | None:
    """After an SSO sign-up, give the new account a membership of the matching organisation."""
    organisation = organisation_for_sso_login(sociallogin)
    if organisation is None:
        return None
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing is not None:
        return existing  # keep the roles the coordinator gave; SSO only opens the door
    return membership_create(organisation=organisation, email=user.email,
                             full_name=user.full_name, roles=[Role.EMPLOYEE])


def import_job_create(*, actor: Actor, file_name: str, csv_text: str) -> ImportJob:
    """Store an uploaded CSV file and start importing it in the background."""
    from .tasks import import_job_run  # noqa: PLC0415 - cycle: tasks → imports → services

    with service_write(allowed=can_manage_organisation(actor), action="organisation.import_started",
                       actor=actor, organisation_id=actor.organisation_id) as change:
        job = ImportJob.objects.create(
            organisation_id=actor.organisation_id, created_by_id=actor.user_id,
            file_name=file_name[:200], csv_text=csv_text,
            total_rows=max(0, len(csv_text.splitlines()) - 1),
        )
        change.target = job
        transaction.on_commit(lambda: import_job_run.enqueue(job_id=job.pk))
    return job


def agency_connect(*, actor: Actor, agency: Agency) -> list[Membership]:
    """The coordinator connects their organisation to an agency of external advisors in one
    step: every advisor of the agency becomes an external confidential advisor here (an
    existing member keeps their other roles). All or nothing, and audited: one entry for the
    connection and the usual role-change entry per person (the advisors are told, as for every
    new case-reading role). Someone who is an advisor of the agency cannot connect it: nobody
    gives themselves a role that reads cases."""
    require(can_manage_organisation(actor))
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    advisors = list(agency.advisors.select_related("user").order_by("user__email"))
    if not advisors:
        raise ValidationError(_("This agency has no advisors yet. Ask the platform administrator "
                                "to add them first."))
    if any(a.user_id == actor.user_id for a in advisors):
        raise ValidationError(_("You are one of this agency's advisors: another coordinator must "
                                "connect it, so that nobody gives themselves access to reports."))
    connected: list[Membership] = []
    with service_write(action="organisation.agency_connect", actor=actor,
                       organisation_id=organisation.pk) as change:
        link, created = AgencyClient.objects.get_or_create(
            agency=agency, organisation=organisation,
            defaults={"connected_by_id": actor.membership_id})
        for advisor in advisors:
            existing = Membership.objects.filter(user_id=advisor.user_id,
                                                 organisation=organisation).first()
            roles = set(existing.roles.values_list("role", flat=True)) if existing else set()
            connected.append(membership_create(
                organisation=organisation, email=advisor.user.email,
                full_name=advisor.user.full_name, roles=sorted(roles | {Role.ADVISOR}),
                is_external=True, actor=actor))
        change.target = link
        change.data = {"agency_id": agency.pk, "memberships": [m.pk for m in connected],
                       "again": not created}
    return connected
