"""Role changes (issue #10, finding 2): nobody gives themselves a case-reading role, every change
is audited and told, new case readers are announced to the advisors, and access to reports
follows the role: removing it (or the membership) revokes it at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from support.people import PASSWORD, make_member
from vangnet.core.models import AuditEntry
from vangnet.organisations import services
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.reporting import services as reporting_services
from vangnet.reporting.keys import keypair_create
from vangnet.reporting.models import ReportGrant, ReportRecipient

pytestmark = pytest.mark.django_db


def _actor(member):
    return actor_for(Membership.objects.get(pk=member.pk))


def _set_roles(actor_member, member, roles, *, is_active=True):
    return services.membership_update(actor=_actor(actor_member), membership=member, roles=roles,
                                      unit=None, job_title="", is_external=False,
                                      is_active=is_active)


def _with_keys(member):
    _pair, member.private_key, _recovery = keypair_create(user=member.user, password=PASSWORD)
    return member


@pytest.fixture
def coordinator(organisation):
    return make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR, name="Cor Coördinator")


@pytest.fixture
def advisor(organisation):
    return _with_keys(make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                                  email="anna@example.org"))


def _report(organisation, *recipients, parts=None):
    report, _code = reporting_services.report_submit(
        organisation=organisation, category="pesten", mode="anonymous",
        parts=parts or {"narrative": "Het gebeurde in het overleg."}, recipient=recipients[0],
        extra_recipients=list(recipients[1:]))
    return report


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE])
def test_a_coordinator_cannot_give_themselves_a_case_reading_role(organisation, coordinator,
                                                                  role) -> None:
    """Every door: the person page, "adding" themselves again, and inviting themselves."""
    with pytest.raises(ValidationError):
        _set_roles(coordinator, coordinator, [Role.EMPLOYEE, Role.COORDINATOR, role])
    with pytest.raises(ValidationError):
        services.membership_create(organisation=organisation, email=coordinator.user.email,
                                   roles=[Role.COORDINATOR, role], actor=_actor(coordinator))
    invitation = services.invitation_create(actor=_actor(coordinator),
                                            email=coordinator.user.email, roles=[role])
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, full_name="", password=None,
                                   user=coordinator.user)
    assert coordinator.role_set == {Role.EMPLOYEE, Role.COORDINATOR}
    # Another coordinator may; a non-reading role for oneself stays possible.
    _set_roles(coordinator, coordinator, [Role.EMPLOYEE, Role.COORDINATOR, Role.FACILITATOR])
    other = make_member(organisation, Role.COORDINATOR)
    _set_roles(other, coordinator, [Role.COORDINATOR, role])
    assert role in Membership.objects.get(pk=coordinator.pk).role_set


def test_a_new_case_reader_is_audited_and_announced_to_the_advisors(
    organisation, coordinator, advisor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    person = make_member(organisation, Role.EMPLOYEE, name="Nina Nieuw", email="nina@example.org")
    bystander = make_member(organisation, Role.EMPLOYEE, email="bystander@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _set_roles(coordinator, person, [Role.EMPLOYEE, Role.COMPLAINTS_COMMITTEE])
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([person.user.email, advisor.user.email])
    assert bystander.user.email not in recipients
    to_advisor = next(mail for mail in mailoutbox if mail.to == [advisor.user.email])
    assert "Nina Nieuw" in to_advisor.body
    changes = AuditEntry.objects.filter(action="membership.roles_change", object_id=str(person.pk))
    entry = changes.order_by("pk").last()
    assert entry.data == {"membership_id": person.pk, "added": [Role.COMPLAINTS_COMMITTEE],
                          "removed": [], "active": True, "was_active": True}
    assert entry.actor_id == coordinator.user_id
    # A change without a case-reading role tells only the person.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _set_roles(coordinator, person, [Role.EMPLOYEE, Role.COMPLAINTS_COMMITTEE, Role.FACILITATOR])
    assert [mail.to for mail in mailoutbox] == [[person.user.email]]
    # Nothing changed: nothing audited, nobody mailed.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _set_roles(coordinator, person, [Role.EMPLOYEE, Role.COMPLAINTS_COMMITTEE, Role.FACILITATOR])
    assert mailoutbox == [] and changes.count() == 3  # made, committee role, facilitator role


def test_removing_the_role_removes_access_to_reports(client, organisation, coordinator, advisor) -> None:
    """The attack: a coordinator who once got a recipient role keeps reading after it is gone."""
    second = _with_keys(make_member(organisation, Role.ADVISOR, email="bo@example.org"))
    report = _report(organisation, advisor, second)
    client.force_login(advisor.user)
    detail = reverse("reporting:detail", args=[organisation.slug, report.pk])
    inbox = reverse("reporting:inbox", args=[organisation.slug])
    assert client.get(inbox).context["rows"]
    _set_roles(coordinator, advisor, [Role.EMPLOYEE])
    assert client.get(detail).status_code == 404
    # Without a case-reading role the inbox is closed altogether; with another role it is empty.
    assert client.get(inbox).status_code == 403
    _set_roles(coordinator, advisor, [Role.EMPLOYEE, Role.COORDINATOR])
    assert client.get(inbox).context["rows"] == []
    assert client.get(detail).status_code == 404
    row = ReportRecipient.objects.get(report=report, membership=advisor)
    assert row.revoked_at is not None and row.sealed_key is None  # another holder has the key
    entry = AuditEntry.objects.get(action="reporting.remove_recipient")
    assert entry.data == {"membership_id": advisor.pk, "by_role_change": True,
                          "last_copy_kept": False}


def test_deactivating_revokes_recipient_rows_and_grants(organisation, coordinator, advisor) -> None:
    hr = _with_keys(make_member(organisation, Role.HR, email="hr@example.org"))
    second = _with_keys(make_member(organisation, Role.ADVISOR))
    report = _report(organisation, advisor, second)
    grant = reporting_services.report_grant_access(
        actor=_actor(advisor), report=report, membership=hr, parts=["narrative"],
        private_key=advisor.private_key, reason="consent")
    _set_roles(coordinator, hr, [Role.HR], is_active=False)
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.sealed_key is None
    _set_roles(coordinator, second, [Role.ADVISOR], is_active=False)
    assert ReportRecipient.objects.get(report=report, membership=second).revoked_at is not None
    # HR losing the HR role (still employed) also ends their grants.
    hr2 = _with_keys(make_member(organisation, Role.EMPLOYEE, Role.HR))
    grant2 = reporting_services.report_grant_access(
        actor=_actor(advisor), report=report, membership=hr2, parts=["narrative"],
        private_key=advisor.private_key, reason="consent")
    _set_roles(coordinator, hr2, [Role.EMPLOYEE])
    assert ReportGrant.objects.get(pk=grant2.pk).revoked_at is not None


def test_the_last_copy_of_a_key_is_never_destroyed(client, organisation, coordinator, advisor) -> None:
    """Only the advisor holds the key and there is no recovery key: access ends, the sealed copy
    stays (unusable while revoked), and comes back only when she gets the role back."""
    report = _report(organisation, advisor)
    _set_roles(coordinator, advisor, [Role.EMPLOYEE])
    row = ReportRecipient.objects.get(report=report, membership=advisor)
    assert row.revoked_at is not None and row.sealed_key is not None
    client.force_login(advisor.user)
    assert client.get(reverse("reporting:detail", args=[organisation.slug, report.pk])).status_code == 404
    _set_roles(coordinator, advisor, [Role.EMPLOYEE, Role.ADVISOR])
    row.refresh_from_db()
    assert row.revoked_at is None
    assert AuditEntry.objects.filter(action="reporting.recipient_restore").count() == 1


def test_a_removed_person_with_a_recovery_copy_waits_for_a_successor(organisation, coordinator,
                                                                      advisor) -> None:
    reporting_services.recovery_key_create(actor=_actor(coordinator))
    report = _report(organisation, advisor)
    _set_roles(coordinator, advisor, [Role.EMPLOYEE])
    row = ReportRecipient.objects.get(report=report, membership=advisor)
    assert row.revoked_at is not None and row.sealed_key is None
    successor = _with_keys(make_member(organisation, Role.ADVISOR))
    plan = reporting_services.recovery_plan(organisation_id=organisation.pk, successor=successor)
    assert plan.report_ids == [report.pk]


def test_an_import_cannot_give_the_importer_a_reading_role_and_announces_new_readers(
    organisation, coordinator, advisor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    from vangnet.organisations.models import ImportJob

    header = "type,code,name,parent_code,email,roles,unit_code,job_title\n"
    own = f"person,,Cor,,{coordinator.user.email.upper()},coordinator;vertrouwenspersoon,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(actor=_actor(coordinator), file_name="a.csv",
                                         csv_text=header + own)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert [e["code"] for e in job.errors] == ["self_case_reading_role"]
    assert Role.ADVISOR not in Membership.objects.get(pk=coordinator.pk).role_set
    mailoutbox.clear()
    other = "person,,Henk,,henk@example.org,hr,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_create(actor=_actor(coordinator), file_name="b.csv",
                                   csv_text=header + other)
    henk = Membership.objects.get(user__email="henk@example.org")
    entry = AuditEntry.objects.get(action="membership.roles_change_import")
    assert entry.data == {"changes": [[henk.pk, [Role.HR]]], "count": 1}
    assert [mail.to for mail in mailoutbox] == [[advisor.user.email]]
    assert "Henk" in mailoutbox[0].body
    # An existing colleague who gets a reading role by file is told personally as well.
    mailoutbox.clear()
    piet = make_member(organisation, Role.EMPLOYEE, email="piet@example.org", name="Piet")
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_create(actor=_actor(coordinator), file_name="c.csv",
                                   csv_text=header + "person,,Piet,,piet@example.org,hr,,\n")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([advisor.user.email, piet.user.email])
