"""Who may be named in a hand-off (issue #10, low finding): the line of management of ANY
involved person is excluded, not only of an involved manager; and only someone who holds the
chosen role may be named for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from support.people import make_member, make_unit
from vangnet.cases import services
from vangnet.organisations.roles import Role
from vangnet.reporting import conflicts

from .conftest import actor_of, give_keys

pytestmark = pytest.mark.django_db


def _ask(advisor, case, kind, recipient):
    return services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key,
                                    case=case, recipient_kind=kind, recipient=recipient,
                                    parts=["narrative"])


def test_the_manager_of_an_involved_employee_is_excluded_and_cannot_be_asked(
    organisation, advisor, submit,
) -> None:
    boss = make_member(organisation, Role.MANAGER, name="Bert Baas")
    team_lead = make_member(organisation, Role.MANAGER, Role.HR, name="Tessa Teamleider")
    department = make_unit(organisation, "Afdeling", managers=[boss])
    team = make_unit(organisation, "Team", parent=department, managers=[team_lead])
    colleague = make_member(organisation, Role.EMPLOYEE, unit=team, name="Karel Collega")
    give_keys(team_lead)
    report, _code, case = submit(involved=[colleague])
    assert conflicts.excluded_membership_ids(report) == {colleague.pk, team_lead.pk, boss.pk}
    for manager, kind in ((boss, "manager"), (team_lead, "manager"), (team_lead, "hr")):
        with pytest.raises(ValidationError) as refused:
            _ask(advisor, case, kind, manager)
        assert "recipient" in refused.value.message_dict
    # A manager elsewhere, not in the line, may be asked.
    other_boss = make_member(organisation, Role.MANAGER)
    make_unit(organisation, "Elders", managers=[other_boss])
    assert _ask(advisor, case, "manager", other_boss).pk


def test_only_someone_with_the_chosen_role_can_be_named(organisation, advisor, hr, employee,
                                                        submit) -> None:
    _report, _code, case = submit()
    for kind, person in (("hr", employee), ("manager", employee), ("complaints_committee", hr),
                         ("advisor", hr)):
        with pytest.raises(ValidationError) as refused:
            _ask(advisor, case, kind, person)
        assert "recipient" in refused.value.message_dict
    left = make_member(organisation, Role.HR)
    left.is_active = False
    left.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        _ask(advisor, case, "hr", left)
    assert _ask(advisor, case, "hr", hr).recipient == hr
