"""Access follows the role: a MembershipChanged event revokes report keys and grants of someone who
no longer may receive them, and restores only what was kept for them (ADR 0031).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from vangnet.core.service import service_write
from vangnet.organisations.public import (
    Actor,
    MembershipChanged,
    Role,
    membership_get_with_roles,
)

from .. import holdings
from ..conflicts import excluded_membership_ids
from ..models import (
    Report,
    ReportGrant,
    ReportRecipient,
)
from ..permissions import (
    can_receive_reports,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership


from .access import _end_grant

# Roles for which someone may have been given parts of a report (a consented hand-off).
GRANT_ROLES = frozenset({Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.MANAGER,
                         Role.COORDINATOR})


def on_membership_changed(event: MembershipChanged) -> None:
    """Someone lost a role that receives reports, or left: their copies of report keys and their
    grants are revoked at once (the report leaves their inbox, the page answers 404). The last
    copy of a report key is never destroyed: when nobody else holds the key and there is no
    recovery copy, their sealed copy stays, unusable while revoked, and comes back only if they
    get the role back. Reports without an active holder wait for a successor (recovery)."""
    removed, actor = event.removed, event.actor
    membership = membership_get_with_roles(event.membership.pk)
    receives = membership.is_active and can_receive_reports(membership.role_set)
    with transaction.atomic():
        if not receives:
            _revoke_recipient_rows(membership, actor)
        else:
            _restore_kept_copies(membership, actor)
        if not membership.is_active or (removed & GRANT_ROLES):
            grants = ReportGrant.objects.filter(membership=membership, revoked_at__isnull=True)
            for grant in grants:
                _end_grant(grant, actor=actor, data={"by_role_change": True})
        # Whether this person is active counts in every report they hold a row of (their
        # colleagues' "alone"): the coordinator's running totals follow (docs/adr/0095).
        holdings.refresh(ReportRecipient.objects.filter(membership=membership)
                         .values_list("report_id", flat=True))


def _revoke_recipient_rows(membership: Membership, actor: Actor | None) -> None:
    report_ids = list(ReportRecipient.objects.filter(
        membership=membership, revoked_at__isnull=True).values_list("report_id", flat=True))
    if not report_ids:
        return
    # The same lock as removals (fixed order), so two changes cannot both take the last key.
    locked = {r.pk: r for r in Report.objects.select_for_update().filter(pk__in=report_ids)
              .order_by("pk").only("pk", "organisation_id", "recovery_sealed_key")}
    now = timezone.now()
    for row in ReportRecipient.objects.filter(membership=membership, report_id__in=report_ids,
                                              revoked_at__isnull=True):
        report = locked[row.report_id]
        others = ReportRecipient.objects.filter(
            report_id=row.report_id, revoked_at__isnull=True, sealed_key__isnull=False,
        ).exclude(pk=row.pk).exists()
        keep = row.sealed_key is not None and not others and report.recovery_sealed_key is None
        with service_write(action="reporting.remove_recipient", actor=actor, target=report,
                           organisation_id=report.organisation_id) as change:
            row.revoked_at = now
            if not keep:
                row.sealed_key = None
            row.save(update_fields=["revoked_at", "sealed_key"])
            change.data = {"membership_id": membership.pk, "by_role_change": True,
                           "last_copy_kept": keep}


def _restore_kept_copies(membership: Membership, actor: Actor | None) -> None:
    """A person who gets a receiving role back regains only the reports whose last copy of the
    key was kept for them: never anything they did not hold before."""
    kept = ReportRecipient.objects.filter(membership=membership, revoked_at__isnull=False,
                                          sealed_key__isnull=False).select_related("report")
    for row in kept:
        if membership.pk in excluded_membership_ids(row.report):
            continue
        with service_write(action="reporting.recipient_restore", actor=actor,
                           target=row.report) as change:
            row.revoked_at = None
            row.save(update_fields=["revoked_at"])
            change.data = {"membership_id": membership.pk}
