"""core.service: every write has one shape — permission first, one transaction, an audit entry
with the actor at its end; a refusal or a failure writes nothing, not even the audit entry."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied

from vangnet.core.models import AuditEntry
from vangnet.core.service import actor_user, require, service_write
from vangnet.organisations.roles import Role

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Someone:
    user_id: int


def test_require_refuses_before_anything_happens():
    require(True)
    with pytest.raises(PermissionDenied):
        require(False)


def test_a_write_is_audited_with_its_actor_target_and_data(organisation, member_factory):
    member = member_factory(organisation, Role.EMPLOYEE)
    with service_write(action="test.write", actor=Someone(member.user_id),
                       organisation_id=organisation.pk) as change:
        change.target, change.data = member, {"changed": ["name"]}
    entry = AuditEntry.objects.get(action="test.write")
    assert entry.actor_id == member.user_id
    assert entry.organisation_id == organisation.pk and entry.data == {"changed": ["name"]}
    assert entry.object_id == str(member.pk)
    assert actor_user(Someone(member.user_id)).pk == member.user_id


def test_refused_or_failed_writes_leave_no_trace(organisation, member_factory):
    member = member_factory(organisation, Role.EMPLOYEE)
    with pytest.raises(PermissionDenied), service_write(action="test.refused", actor=None,
                                                         allowed=False):
        member.delete()  # never reached
    with pytest.raises(RuntimeError), service_write(action="test.failed", actor=None,
                                                     organisation_id=organisation.pk):
        member.user.delete()
        raise RuntimeError("stop")
    assert not AuditEntry.objects.filter(action__startswith="test.").exists()
    member.refresh_from_db()  # the deletion was rolled back
    assert member.user.pk is not None


def test_a_deleted_target_is_still_named(organisation, member_factory):
    member = member_factory(organisation, Role.EMPLOYEE)
    member_id = member.pk
    with service_write(action="test.delete", actor=None, target=member):
        member.delete()
    entry = AuditEntry.objects.get(action="test.delete")
    assert entry.object_id == str(member_id)
    assert entry.object_type == "organisations.membership"
    assert entry.organisation_id == organisation.pk  # taken from the target before the delete


def test_a_write_that_changed_nothing_leaves_no_entry(organisation):
    with service_write(action="test.nothing", actor=None,
                       organisation_id=organisation.pk) as change:
        change.nothing_changed()
    assert not AuditEntry.objects.filter(action="test.nothing").exists()
    assert change.entry is None
    with pytest.raises(RuntimeError):
        _ = change.entry_id


def test_the_block_can_name_the_actor_and_the_chain_it_found(organisation, member_factory):
    member = member_factory(organisation, Role.EMPLOYEE)
    with service_write(action="test.found", actor=None) as change:
        change.actor = member.user  # an account that appears only inside the write
        change.organisation_id = organisation.pk
    entry = AuditEntry.objects.get(action="test.found")
    assert entry.actor_id == member.user_id and entry.organisation_id == organisation.pk
    assert change.entry_id == entry.pk
