"""What other apps may use of organisations (ADR 0060). Everything else here is internal.

Models are not part of this face: other apps refer to them by string in foreign keys
("organisations.Organisation") and import them only under `if TYPE_CHECKING:` for annotations.
Reads go through the selectors below, which are scoped to an actor or to an organisation.
"""

from __future__ import annotations

from .decorators import OrganisationRequest, PublicOrganisationRequest, organisation_view
from .demo import DEMO_PASSWORD
from .events import MemberJoined, MembershipChanged
from .permissions import Actor, requires_two_factor
from .roles import CASE_READING_ROLES, Role
from .selectors import (
    active_membership_of_user,
    active_memberships_in,
    actor_for,
    line_managers_of,
    managed_subtree,
    managed_unit_ids_of,
    member_get,
    member_units,
    members_of_unit,
    members_with_role,
    membership_for_actor,
    membership_get_for_user,
    membership_get_with_roles,
    memberships_in,
    memberships_of_user,
    organisation_for_sso_domain,
    organisation_for_sso_login,
    organisation_get_public,
    organisation_ids,
    organisation_slug_of,
    people_for_actor,
    person_get_for_actor,
    roles_of_user,
    unit_ancestor_ids,
    unit_get_for_actor,
    unit_manager_pairs,
    unit_names,
    unit_parents,
    unit_tree,
    units_and_below,
    units_for_actor,
    units_in,
    user_ids_of_active_memberships,
)
from .services import membership_create, membership_ensure_for_sso
from .views import start as start_page

__all__ = [
    "CASE_READING_ROLES",
    "DEMO_PASSWORD",
    "Actor",
    "MemberJoined",
    "MembershipChanged",
    "OrganisationRequest",
    "PublicOrganisationRequest",
    "Role",
    "active_membership_of_user",
    "active_memberships_in",
    "actor_for",
    "line_managers_of",
    "managed_subtree",
    "managed_unit_ids_of",
    "member_get",
    "member_units",
    "members_of_unit",
    "members_with_role",
    "membership_create",
    "membership_ensure_for_sso",
    "membership_for_actor",
    "membership_get_for_user",
    "membership_get_with_roles",
    "memberships_in",
    "memberships_of_user",
    "organisation_for_sso_domain",
    "organisation_for_sso_login",
    "organisation_get_public",
    "organisation_ids",
    "organisation_slug_of",
    "organisation_view",
    "people_for_actor",
    "person_get_for_actor",
    "requires_two_factor",
    "roles_of_user",
    "start_page",
    "unit_ancestor_ids",
    "unit_get_for_actor",
    "unit_manager_pairs",
    "unit_names",
    "unit_parents",
    "unit_tree",
    "units_and_below",
    "units_for_actor",
    "units_in",
    "user_ids_of_active_memberships",
]
