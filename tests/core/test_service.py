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
