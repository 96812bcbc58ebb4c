"""Reads of organisation data, always scoped to the asking user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

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
from .permissions import Actor, can_manage_organisation, can_view_people
from .roles import Role

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin
    from django.contrib.auth.models import AnonymousUser

    from vangnet.accounts.models import User


def actor_for(membership: Membership) -> Actor:
    return Actor(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        organisation_slug=membership.organisation.slug,
        membership_id=membership.pk,
        roles=membership.role_set,
        unit_id=membership.unit_id,
        is_external=membership.is_external,
    )


def roles_of_user(*, user: User | AnonymousUser) -> set[str]:
    """All roles a user holds in any organisation (for the two-factor rule)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_vangnet_roles", None)
    if cached is None:
        cached = set(
            MembershipRole.objects.filter(
                membership__user=user, membership__is_active=True
            ).values_list("role", flat=True)
        )
        setattr(user, "_vangnet_roles", cached)  # noqa: B010 - a per-request memo on the user
    return cached


def memberships_of_user(*, user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("organisation", "unit")
        .prefetch_related("roles")
        .order_by("organisation__name")
    )


def membership_get_for_user(*, user: User | AnonymousUser,
                            organisation_slug: str) -> Membership:
    """The user's active membership of the organisation; 404 when there is none (no hint)."""
    if not user.is_authenticated:
        raise Http404
    # All of the user's memberships in the same two queries as the one asked for (people have
    # a few): the header offers the others (`organisation_switch_for`) at no extra cost.
    memberships = list(memberships_of_user(user=user))
    membership = next((m for m in memberships if m.organisation.slug == organisation_slug), None)
    if membership is None:
        raise Http404
    membership._vangnet_all_of_user = memberships  # type: ignore[attr-defined]  # per request
    return membership


@dataclass(frozen=True)
class OrganisationSwitch:
    """What the header offers someone with several organisations: the others by name, and the
    overview across clients for an advisor of at least two (issue 13)."""

    others: list[tuple[str, str]]  # (slug, name)
    desk: bool


def organisation_switch_for(membership: Membership) -> OrganisationSwitch | None:
    memberships: list[Membership] = getattr(membership, "_vangnet_all_of_user", [membership])
    if len(memberships) < 2:
        return None
    advising = [m for m in memberships if Role.ADVISOR in m.role_set]
    return OrganisationSwitch(
        others=[(m.organisation.slug, m.organisation.name) for m in memberships
                if m.pk != membership.pk],
        desk=len(advising) >= 2)


def organisation_get_public(*, slug: str) -> Organisation:
    """Organisation details that anyone may see (name, logo, colour) for public pages."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def units_for_actor(*, actor: Actor) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(organisation_id=actor.organisation_id)
        .select_related("parent")
        .prefetch_related(Prefetch("managers", queryset=Membership.objects.select_related("user")))
        .order_by("name")
    )


def unit_get_for_actor(*, actor: Actor, pk: int) -> Unit:
    unit = units_for_actor(actor=actor).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_tree(*, actor: Actor) -> list[tuple[Unit, int]]:
    """Units in tree order with their depth, built from one query."""
    units = list(units_for_actor(actor=actor))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_ancestor_ids(*, unit_id: int, organisation_id: int) -> list[int]:
    """The unit and every unit above it (for the line of management)."""
    parents = dict(
        Unit.objects.filter(organisation_id=organisation_id).values_list("pk", "parent_id")
    )
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def line_managers_of(*, unit_id: int | None, organisation_id: int) -> QuerySet[Membership]:
    """Everyone who manages the unit or a unit above it."""
    if unit_id is None:
        return Membership.objects.none()
    unit_ids = unit_ancestor_ids(unit_id=unit_id, organisation_id=organisation_id)
    return Membership.objects.filter(
        managed_units__in=unit_ids, organisation_id=organisation_id, is_active=True
    ).distinct()


def people_for_actor(*, actor: Actor) -> QuerySet[Membership]:
    if not can_view_people(actor):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation_id=actor.organisation_id)
        .select_related("user", "unit")
        .prefetch_related("roles")
        .order_by("user__full_name", "user__email")
    )


def person_get_for_actor(*, actor: Actor, pk: int) -> Membership:
    membership = people_for_actor(actor=actor).filter(pk=pk).first()
    if membership is None:
        raise Http404
    return membership


def invitation_get_for_actor(*, actor: Actor, pk: int) -> Invitation:
    invitation = invitations_for_actor(actor=actor).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def members_with_role(*, organisation_id: int, role: str) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            organisation_id=organisation_id, is_active=True, roles__role=role
        )
        .select_related("user")
        .distinct()
    )


def invitations_for_actor(*, actor: Actor) -> QuerySet[Invitation]:
    if not can_manage_organisation(actor):
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation_id=actor.organisation_id).select_related("unit")


def organisation_for_sso_login(sociallogin: SocialLogin) -> Organisation | None:
    """The organisation whose SSO app and e-mail domain match this login, if any."""
    email = (getattr(sociallogin.user, "email", "") or "").lower()
    domain = email.rpartition("@")[2]
    provider = sociallogin.account.get_provider()
    app_id = getattr(getattr(provider, "app", None), "pk", None)
    if not domain or app_id is None:
        return None
    for organisation in Organisation.objects.filter(sso_app_id=app_id):
        if domain in organisation.sso_domains:
            return organisation
    return None


def organisation_for_sso_domain(*, domain: str) -> Organisation | None:
    """The organisation that logs in people of this e-mail domain through its own SSO."""
    domain = domain.strip().lower()
    if not domain:
        return None
    candidates = Organisation.objects.filter(
        sso_app__isnull=False, sso_email_domains__icontains=domain
    ).order_by("pk")
    return next((o for o in candidates if domain in o.sso_domains), None)


def import_jobs_for_actor(*, actor: Actor) -> QuerySet[ImportJob]:
    if not can_manage_organisation(actor):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organisation_id=actor.organisation_id).defer("csv_text")


def import_job_get_for_actor(*, actor: Actor, pk: int) -> ImportJob:
    job = import_jobs_for_actor(actor=actor).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


# --- For other apps (through organisations.public, ADR 0060) ----------------------------------
# Other apps never query Membership or Unit themselves: they start from one organisation's rows
# here and narrow them (`.filter(...)`), so every cross-app read is scoped to an organisation.


def memberships_in(*, organisation_id: int) -> QuerySet[Membership]:
    """Every membership of one organisation, active or not; callers narrow it further."""
    return Membership.objects.filter(organisation_id=organisation_id)


def active_memberships_in(*, organisation_id: int) -> QuerySet[Membership]:
    return memberships_in(organisation_id=organisation_id).filter(is_active=True)


def units_in(*, organisation_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation_id=organisation_id)


def unit_parents(*, organisation_id: int) -> dict[int, int | None]:
    """Each unit's parent id (None at the top), for walking the tree without a query per step."""
    return dict(units_in(organisation_id=organisation_id).values_list("pk", "parent_id"))


def unit_names(*, organisation_id: int) -> dict[int, str]:
    return dict(units_in(organisation_id=organisation_id).values_list("pk", "name"))


def unit_manager_pairs(*, organisation_id: int,
                       membership_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """(unit id, manager's membership id) for every unit manager, optionally only these people."""
    rows = Unit.managers.through.objects.filter(unit__organisation_id=organisation_id)
    if membership_ids is not None:
        rows = rows.filter(membership_id__in=membership_ids)
    return list(rows.values_list("unit_id", "membership_id"))


def membership_for_actor(*, actor: Actor) -> Membership:
    """The asking person's own membership, with user and organisation loaded."""
    return Membership.objects.select_related("user", "organisation").get(
        pk=actor.membership_id, organisation_id=actor.organisation_id)


def active_membership_of_user(*, user_id: int, organisation_id: int) -> Membership | None:
    return (Membership.objects.select_related("organisation")
            .filter(user_id=user_id, organisation_id=organisation_id, is_active=True).first())


def organisation_ids() -> set[int]:
    """Every organisation's id, for jobs that run per organisation (no names, no data)."""
    return set(Organisation.objects.values_list("pk", flat=True))


def organisation_slug_of(*, organisation_id: int) -> str | None:
    return Organisation.objects.filter(pk=organisation_id).values_list("slug", flat=True).first()


def user_ids_of_active_memberships(membership_ids: Iterable[int]) -> list[int]:
    """The user ids behind these memberships, active ones only (to address content-free mail,
    which the worker sends by user id: ADR 0051)."""
    return list(Membership.objects.filter(pk__in=set(membership_ids), is_active=True)
                .values_list("user_id", flat=True))


def membership_get_with_roles(pk: int) -> Membership:
    """One membership as it is now, with its roles (for a handler of a membership change)."""
    return Membership.objects.prefetch_related("roles").get(pk=pk)


# --- used by conduct ----------------------------------------------------------------------------


def managed_unit_ids_of(*, membership_id: int) -> set[int]:
    """The units this person manages (directly; callers add the line above a unit)."""
    return set(Unit.objects.filter(managers__pk=membership_id).values_list("pk", flat=True))


def units_and_below(*, organisation_id: int, roots: Iterable[int]) -> set[int]:
    """The given units of this organisation and every unit below them (one query)."""
    parents = unit_parents(organisation_id=organisation_id)
    chosen = set(roots) & set(parents)
    grew = True
    while grew:
        more = {pk for pk, parent in parents.items() if parent in chosen} - chosen
        chosen |= more
        grew = bool(more)
    return chosen


def managed_subtree(*, actor: Actor) -> set[int]:
    """The units a manager manages and every unit below them (empty for non-managers)."""
    if not actor.has(Role.MANAGER):
        return set()
    return units_and_below(organisation_id=actor.organisation_id,
                           roots=managed_unit_ids_of(membership_id=actor.membership_id))


def member_units(*, organisation_id: int) -> dict[int, int | None]:
    """Every active member of the organisation (membership id) with their unit id: figures only."""
    return dict(Membership.objects.filter(organisation_id=organisation_id, is_active=True)
                .values_list("pk", "unit_id"))


def members_of_unit(*, organisation_id: int, unit_id: int) -> QuerySet[Membership]:
    return (Membership.objects.filter(organisation_id=organisation_id, unit_id=unit_id,
                                      is_active=True)
            .select_related("user").order_by("user__full_name", "pk"))


def member_get(*, organisation_id: int, membership_id: int) -> Membership | None:
    """One active member of this organisation, for a service that was handed an id."""
    return (Membership.objects.filter(organisation_id=organisation_id, pk=membership_id,
                                      is_active=True).select_related("user", "organisation").first())


def agencies_for(*, actor: Actor) -> list[tuple[Agency, bool, int]]:
    """The agencies the coordinator may connect, each with: connected here already, and how many
    advisors it has (names are shown only once they are members here, on "People and roles")."""
    if not can_manage_organisation(actor):
        raise PermissionDenied
    connected = set(AgencyClient.objects.filter(organisation_id=actor.organisation_id)
                    .values_list("agency_id", flat=True))
    return [(agency, agency.pk in connected, agency.advisor_count)
            for agency in Agency.objects.annotate(advisor_count=Count("advisors"))]


def agency_get(*, pk: int) -> Agency:
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise Http404
    return agency
