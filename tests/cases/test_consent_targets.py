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


# --- The consent form offers only people with the chosen role (issue 13) ----------------------


def _page_login(client, member):
    from support.people import enable_totp

    enable_totp(member.user)
    client.force_login(member.user)


def _consent_url(case, query=""):
    from django.urls import reverse

    return reverse("cases:consent_new", args=[case.organisation.slug, case.pk]) + query


def test_the_consent_form_offers_only_holders_of_the_chosen_role(client, organisation, advisor,
                                                                 hr, employee, submit) -> None:
    boss = make_member(organisation, Role.MANAGER, name="Bert Baas")
    make_unit(organisation, "Team", managers=[boss])
    involved_hr = make_member(organisation, Role.HR, name="Ingrid Betrokken")
    _report, _code, case = submit(involved=[involved_hr])
    _page_login(client, advisor)
    page = client.get(_consent_url(case, "?soort=hr")).content.decode()
    assert f'value="{hr.pk}"' in page and "Hans HR" in page
    for not_offered in (employee, boss, involved_hr, advisor):
        assert f'name="recipient" value="{not_offered.pk}"' not in page
    page = client.get(_consent_url(case, "?soort=manager")).content.decode()
    assert f'name="recipient" value="{boss.pk}"' in page
    assert f'name="recipient" value="{hr.pk}"' not in page
    # Without a chosen kind, no person is offered at all.
    page = client.get(_consent_url(case)).content.decode()
    assert 'name="recipient"' not in page


def test_the_consent_form_refuses_a_person_without_the_role(client, organisation, advisor,
                                                            employee, submit) -> None:
    from vangnet.cases.models import ConsentRequest

    _report, _code, case = submit()
    _page_login(client, advisor)
    response = client.post(_consent_url(case), {
        "recipient_kind": "hr", "recipient": employee.pk, "parts": ["narrative"]})
    assert response.status_code == 200
    assert "heeft niet de rol die je koos" in response.content.decode()
    assert not ConsentRequest.objects.exists()


def test_the_picker_searches_among_eligible_people_only(client, organisation, advisor, submit
                                                        ) -> None:
    from vangnet.cases.forms import PICKER_LIMIT

    for n in range(PICKER_LIMIT + 5):
        make_member(organisation, Role.MANAGER, name=f"Manager {n:03d}")
    make_member(organisation, Role.EMPLOYEE, name="Manager Zonder Rol")
    _report, _code, case = submit()
    _page_login(client, advisor)
    page = client.get(_consent_url(case, "?soort=manager")).content.decode()
    assert page.count('name="recipient"') == PICKER_LIMIT
    assert "Zoek om iemand anders te vinden" in page
    # The name with its space: an address such as person1027@example.org also holds "027".
    page = client.get(_consent_url(case, "?soort=manager&zoek=Manager+027")).content.decode()
    assert page.count('name="recipient"') == 1 and "Manager 027" in page
    page = client.get(_consent_url(case, "?soort=manager&zoek=Zonder")).content.decode()
    assert page.count('name="recipient"') == 0 and "Manager Zonder Rol" not in page


def test_acute_danger_offers_no_ordinary_employee(client, organisation, advisor, hr, employee,
                                                  submit) -> None:
    from django.urls import reverse

    _report, _code, case = submit()
    _page_login(client, advisor)
    page = client.get(reverse("cases:acute_danger", args=[organisation.slug, case.pk])
                      ).content.decode()
    assert f'value="{hr.pk}"' in page and f'value="{employee.pk}"' not in page
