"""What other apps may use of organisations (ADR 0060). Everything else here is internal.

Models are not part of this face: other apps refer to them by string in foreign keys
("organisations.Organisation") and import them only under `if TYPE_CHECKING:` for annotations.
Reads go through the selectors below, which are scoped to an actor or to an organisation.
"""

from __future__ import annotations

from .decorators import organisation_view
from .demo import DEMO_PASSWORD
from .permissions import Actor, requires_two_factor
from .roles import CASE_READING_ROLES, Role
from .selectors import (
    actor_for,
    line_managers_of,
    members_with_role,
    membership_get_for_user,
    memberships_of_user,
    organisation_for_sso_domain,
    organisation_for_sso_login,
    organisation_get_public,
    person_get_for_actor,
    roles_of_user,
    unit_ancestor_ids,
    unit_get_for_actor,
    unit_tree,
)
from .services import membership_create, membership_ensure_for_sso

__all__ = [
    "CASE_READING_ROLES",
    "DEMO_PASSWORD",
    "Actor",
    "Role",
    "actor_for",
    "line_managers_of",
    "members_with_role",
    "membership_create",
    "membership_ensure_for_sso",
    "membership_get_for_user",
    "memberships_of_user",
    "organisation_for_sso_domain",
    "organisation_for_sso_login",
    "organisation_get_public",
    "organisation_view",
    "person_get_for_actor",
    "requires_two_factor",
    "roles_of_user",
    "unit_ancestor_ids",
    "unit_get_for_actor",
    "unit_tree",
]

# --- for conduct ---
from . import hooks
from .selectors import (
    managed_unit_ids_of,
    member_get,
    member_units,
    members_of_unit,
    units_for_actor,
)

__all__ += [
    "hooks",
    "managed_unit_ids_of",
    "member_get",
    "member_units",
    "members_of_unit",
    "units_for_actor",
]
