"""Key continuity (ADR 0031): a forgotten password, a second recipient, and the organisation
recovery key, which only serves reports whose every holder is gone and needs two people.

The recovery tests perform the attacks of issue #10 (findings 1 and 2): with the coordinator's
account alone, make a recovery key, give a puppet a role and re-seal the advisor's reports to
the puppet; recover while the advisor is active; hand HR, who may read two parts, the whole
report. Each must be refused; the legitimate two-person path must still work.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from support.people import PASSWORD, make_member
from vangnet.core.crypto import DecryptionError
from vangnet.core.models import AuditEntry
from vangnet.organisations import services as organisation_services
from vangnet.organisations.roles import Role
from vangnet.reporting import keys, selectors, services
from vangnet.reporting.keys import keypair_create
from vangnet.reporting.models import RecoveryRequest, ReportRecipient

pytestmark = pytest.mark.django_db

REASON = "De vertrouwenspersoon is vertrokken."


def _with_keys(member):
    _pair, member.private_key, _recovery = keypair_create(user=member.user, password=PASSWORD)
    return member


@pytest.fixture
def coordinator(organisation):
    return make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR, name="Cor Coördinator",
                       email="cor@example.org")


@pytest.fixture
def committee(organisation):
    """The second person: a complaints committee member who may read cases."""
    return _with_keys(make_member(organisation, Role.COMPLAINTS_COMMITTEE, name="Kim Commissie",
                                  email="kim@example.org"))


@pytest.fixture
def successor(organisation):
    return _with_keys(make_member(organisation, Role.ADVISOR, name="Sam Opvolger",
                                  email="sam@example.org"))


@pytest.fixture
def offline_key(coordinator, as_actor):
    _key, offline = services.recovery_key_create(actor=as_actor(coordinator))
    return offline


def _leave(member, coordinator, as_actor) -> None:
    """The person leaves, through the real service (which also revokes their report access)."""
    organisation_services.membership_update(
        actor=as_actor(coordinator), membership=member, roles=sorted(member.role_set),
        unit=member.unit, job_title="", is_external=member.is_external, is_active=False)


def _recover(*, coordinator, approver, successor, offline, as_actor) -> int:
    request = services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                               reason=REASON)
    services.recovery_request_decide(actor=as_actor(approver), request=request, approve=True)
    return services.recovery_request_carry_out(actor=as_actor(coordinator), request=request,
                                               recovery_private_key=offline)


def test_personal_recovery_key_after_password_change(organisation) -> None:
    member = make_member(organisation, Role.ADVISOR)
    pair, private, recovery = keypair_create(user=member.user, password=PASSWORD)
    member.user.set_password("A-new-password-42")
    member.user.save()
    with pytest.raises(DecryptionError):
        keys.private_key_unlock(pair=pair, password="A-new-password-42")
    opened, new_recovery = keys.private_key_recover(pair=pair, recovery_key=recovery.lower(),
                                                    new_password="A-new-password-42")
    assert opened == private
    assert keys.private_key_unlock(pair=pair, password="A-new-password-42") == private
    with pytest.raises(DecryptionError):  # the used recovery key is retired
        keys.private_key_recover(pair=pair, recovery_key=recovery, new_password="x")
    assert keys.private_key_recover(pair=pair, recovery_key=new_recovery, new_password="y")[0] == private


def test_the_puppet_chain_of_issue_10_is_refused_end_to_end(
    organisation, advisor, coordinator, offline_key, submit, as_actor, mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    """The attacker holds the coordinator's account (and so the offline key) and nothing else."""
    report, _ = submit(parts={"narrative": "Alleen voor Anna"})
    attacker = as_actor(coordinator)
    puppet = make_member(organisation, Role.EMPLOYEE, name="Pop Pet", email="pop@example.org")
    keypair_create(user=puppet.user, password=PASSWORD)
    # 1. Giving the puppet a case-reading role is possible, but the advisor hears of it.
    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.membership_update(
            actor=attacker, membership=puppet, roles=[Role.EMPLOYEE, Role.ADVISOR], unit=None,
            job_title="", is_external=False, is_active=True)
    assert advisor.user.email in {address for mail in mailoutbox for address in mail.to}
    assert any("Pop Pet" in mail.body for mail in mailoutbox if advisor.user.email in mail.to)
    # 2. While the advisor is active, the recovery key serves nothing.
    with pytest.raises(ValidationError):
        services.recovery_request_create(actor=attacker, successor=puppet, reason=REASON)
    # 3. Declaring the advisor unavailable tells her at once ...
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.recipient_unavailable_declare(actor=attacker, membership=advisor,
                                               reason="Langdurig ziek, zegt de aanvaller.")
    assert [mail.to for mail in mailoutbox] == [[advisor.user.email]]
    request = services.recovery_request_create(actor=attacker, successor=puppet, reason=REASON)
    # 4. ... and still the coordinator cannot approve their own request, nor the puppet it.
    with pytest.raises(PermissionDenied):
        services.recovery_request_decide(actor=attacker, request=request, approve=True)
    with pytest.raises(PermissionDenied):
        services.recovery_request_decide(actor=as_actor(puppet), request=request, approve=True)
    # 5. Without a second person's approval the offline key re-seals nothing.
    with pytest.raises(ValidationError):
        services.recovery_request_carry_out(actor=attacker, request=request,
                                            recovery_private_key=offline_key)
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=as_actor(puppet), pk=report.pk)
    assert not ReportRecipient.objects.filter(report=report, membership=puppet).exists()
    # 6. The advisor, told by e-mail, ends the declaration herself: the request cannot go on.
    declaration = selectors.unavailabilities_for(actor=as_actor(advisor)).get()
    services.recipient_unavailable_end(actor=as_actor(advisor), declaration=declaration)
    assert services.recovery_plan(organisation_id=organisation.pk, successor=puppet).report_ids == []


def test_recovery_while_the_advisor_is_active_is_refused(
    organisation, advisor, coordinator, successor, committee, offline_key, submit, as_actor,
) -> None:
    report, _ = submit()
    with pytest.raises(ValidationError) as refused:
        services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                         reason=REASON)
    assert "wacht geen melding" in str(refused.value) or "No report is waiting" in str(refused.value)
    # Even a request made while the advisor was away re-seals nothing once she is back.
    declaration = services.recipient_unavailable_declare(
        actor=as_actor(coordinator), membership=advisor, reason="Met verlof tot september.")
    request = services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                               reason=REASON)
    services.recovery_request_decide(actor=as_actor(committee), request=request, approve=True)
    services.recipient_unavailable_end(actor=as_actor(advisor), declaration=declaration)
    assert services.recovery_request_carry_out(actor=as_actor(coordinator), request=request,
                                               recovery_private_key=offline_key) == 0
    assert not ReportRecipient.objects.filter(report=report, membership=successor).exists()


def test_two_people_give_the_reports_of_an_advisor_who_left_to_a_successor(
    organisation, advisor, coordinator, successor, committee, offline_key, submit, as_actor,
    mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    report, code = submit(parts={"narrative": "Voor de opvolger"})
    _leave(advisor, coordinator, as_actor)
    assert ReportRecipient.objects.get(report=report, membership=advisor).revoked_at is not None
    with pytest.raises(ValidationError):
        services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                         reason="kort")  # a reason is needed
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = _recover(coordinator=coordinator, approver=committee, successor=successor,
                         offline=offline_key, as_actor=as_actor)
    assert count == 1
    contents = selectors.report_contents_for(actor=as_actor(successor), report=report,
                                             private_key=successor.private_key)
    assert contents["narrative"] == "Voor de opvolger"
    # The approver and the requester never get the report.
    for person in (coordinator, committee):
        with pytest.raises(Http404):
            selectors.report_get_for_actor(actor=as_actor(person), pk=report.pk)
    # The reporter is told in the dialogue who holds the report now, and why.
    access = services.reporter_open(code=code)
    told = [m for m in selectors.reporter_view(access=access).messages if m.message.kind == "recovery"]
    assert len(told) == 1 and "Sam Opvolger" in told[0].body and told[0].author_kind == "system"
    # Successor, approver and requester are told by e-mail; everything is in the audit log.
    told_by_mail = {address for mail in mailoutbox for address in mail.to}
    assert {successor.user.email, committee.user.email, coordinator.user.email} <= told_by_mail
    done = AuditEntry.objects.get(action="reporting.recover_reports")
    assert done.data["approved_by"] == committee.pk and done.data["count"] == 1
    assert AuditEntry.objects.filter(action="reporting.recovery_request").count() == 1
    assert AuditEntry.objects.filter(action="reporting.recovery_decide").count() == 1
    # A request is used once.
    request = RecoveryRequest.objects.get()
    with pytest.raises(ValidationError):
        services.recovery_request_carry_out(actor=as_actor(coordinator), request=request,
                                            recovery_private_key=offline_key)


def test_nobody_names_themselves_and_the_database_agrees(
    organisation, advisor, coordinator, successor, committee, offline_key, submit, as_actor,
) -> None:
    submit()
    _leave(advisor, coordinator, as_actor)
    # A coordinator who also holds a receiving role still cannot name themselves.
    organisation_services.membership_update(
        actor=as_actor(make_member(organisation, Role.COORDINATOR)), membership=coordinator,
        roles=[Role.COORDINATOR, Role.ADVISOR], unit=None, job_title="", is_external=False,
        is_active=True)
    keypair_create(user=coordinator.user, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        services.recovery_request_create(actor=as_actor(coordinator), successor=coordinator,
                                         reason=REASON)
    request = services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                               reason=REASON)
    for not_second in (coordinator, successor):
        with pytest.raises(PermissionDenied):
            services.recovery_request_decide(actor=as_actor(not_second), request=request,
                                             approve=True)
    services.recovery_request_decide(actor=as_actor(committee), request=request, approve=True)
    # Only the coordinator who asked carries it out, never the approver.
    with pytest.raises(PermissionDenied):
        services.recovery_request_carry_out(actor=as_actor(committee), request=request,
                                            recovery_private_key=offline_key)
    for field in ("requested_by", "decided_by"):
        with pytest.raises(IntegrityError), transaction.atomic():
            RecoveryRequest.objects.filter(pk=request.pk).update(**{field: successor})
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryRequest.objects.filter(pk=request.pk).update(decided_by=coordinator)


def test_requests_expire(
    organisation, advisor, coordinator, successor, committee, offline_key, submit, as_actor,
) -> None:
    submit()
    _leave(advisor, coordinator, as_actor)
    request = services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                               reason=REASON)
    RecoveryRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(1))
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        services.recovery_request_decide(actor=as_actor(committee), request=request, approve=True)
    fresh = services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                             reason=REASON)
    services.recovery_request_decide(actor=as_actor(committee), request=fresh, approve=True)
    RecoveryRequest.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(1))
    fresh.refresh_from_db()
    with pytest.raises(ValidationError):
        services.recovery_request_carry_out(actor=as_actor(coordinator), request=fresh,
                                            recovery_private_key=offline_key)
    assert not ReportRecipient.objects.filter(membership=successor).exists()


def test_hr_with_two_shared_parts_never_gets_the_whole_report_through_recovery(
    organisation, advisor, coordinator, committee, offline_key, submit, as_actor,
) -> None:
    """Finding 2: HR read all of a report whose reporter agreed to share only two parts."""
    hr = _with_keys(make_member(organisation, Role.HR, Role.ADVISOR, name="Hans HR"))
    report, _ = submit(parts={"narrative": "Het hele verhaal", "where": "Kantine",
                              "impact": "Slecht slapen", "wishes": "Een gesprek"})
    services.report_grant_access(actor=as_actor(advisor), report=report, membership=hr,
                                 parts=["where", "impact"], private_key=advisor.private_key,
                                 reason="consent")
    _leave(advisor, coordinator, as_actor)
    with pytest.raises(ValidationError):  # the only waiting report is not one HR may take
        services.recovery_request_create(actor=as_actor(coordinator), successor=hr, reason=REASON)
    assert services.recovery_plan(organisation_id=organisation.pk, successor=hr).skipped == 1
    # HR keeps exactly what the reporter agreed to: the two parts, nothing more.
    contents = selectors.report_contents_for(actor=as_actor(hr), report=report,
                                             private_key=hr.private_key)
    assert set(contents) == {"where", "impact"}


def test_an_advisors_report_never_goes_to_hr_or_the_committee(
    organisation, advisor, coordinator, committee, offline_key, submit, as_actor,
) -> None:
    """The reporter chose a confidential advisor: a successor must hold that role."""
    submit()
    _leave(advisor, coordinator, as_actor)
    hr = _with_keys(make_member(organisation, Role.HR))
    for wrong in (hr, committee):
        with pytest.raises(ValidationError):
            services.recovery_request_create(actor=as_actor(coordinator), successor=wrong,
                                             reason=REASON)


def test_recovery_skips_reports_where_the_successor_is_involved(
    organisation, advisor, coordinator, successor, committee, offline_key, submit, as_actor,
) -> None:
    involved_report, _ = submit(involved=[successor])
    other_report, _ = submit()
    _leave(advisor, coordinator, as_actor)
    assert _recover(coordinator=coordinator, approver=committee, successor=successor,
                    offline=offline_key, as_actor=as_actor) == 1
    assert not ReportRecipient.objects.filter(report=involved_report, membership=successor).exists()
    assert ReportRecipient.objects.filter(report=other_report, membership=successor).exists()


def test_an_unavailable_holder_is_an_explicit_audited_decision(
    organisation, advisor, coordinator, successor, committee, offline_key, submit, as_actor,
) -> None:
    report, _ = submit()
    with pytest.raises(PermissionDenied):  # only the coordinator declares
        services.recipient_unavailable_declare(actor=as_actor(committee), membership=advisor,
                                               reason="Ik vind dat ze afwezig is.")
    with pytest.raises(ValidationError):
        services.recipient_unavailable_declare(actor=as_actor(coordinator), membership=advisor,
                                               reason="ziek")
    services.recipient_unavailable_declare(actor=as_actor(coordinator), membership=advisor,
                                           reason="Langdurig ziek sinds maart.")
    entry = AuditEntry.objects.get(action="reporting.unavailable_declare")
    assert entry.data["membership_id"] == advisor.pk and "reason" not in entry.data
    assert _recover(coordinator=coordinator, approver=committee, successor=successor,
                    offline=offline_key, as_actor=as_actor) == 1
    # The advisor keeps her own copy: unavailable is not gone for good.
    assert selectors.report_contents_for(actor=as_actor(advisor), report=report,
                                         private_key=advisor.private_key)["narrative"]


def test_second_recipient(organisation, advisor, external_advisor, submit, as_actor) -> None:
    report, _ = submit()
    services.report_add_recipient(actor=as_actor(advisor), report=report, membership=external_advisor,
                                  private_key=advisor.private_key)
    contents = selectors.report_contents_for(actor=as_actor(external_advisor), report=report,
                                             private_key=external_advisor.private_key)
    assert contents["narrative"]


def test_older_reports_get_sealed_for_a_new_recovery_key(
    organisation, advisor, coordinator, successor, committee, submit, as_actor,
) -> None:
    report, _ = submit()  # before any organisation recovery key exists
    assert report.recovery_key_id is None
    key, offline = services.recovery_key_create(actor=as_actor(coordinator))
    assert services.report_seal_for_recovery(actor=as_actor(advisor), report=report,
                                             private_key=advisor.private_key)
    report.refresh_from_db()
    assert report.recovery_key_id == key.pk
    _leave(advisor, coordinator, as_actor)
    assert _recover(coordinator=coordinator, approver=committee, successor=successor,
                    offline=offline, as_actor=as_actor) == 1
    employee = make_member(organisation, Role.EMPLOYEE)
    with pytest.raises(PermissionDenied):
        services.recovery_key_create(actor=as_actor(employee))


def test_a_wrong_offline_key_is_refused(
    organisation, other_organisation, advisor, coordinator, successor, committee, offline_key,
    submit, as_actor,
) -> None:
    report, _ = submit()
    _leave(advisor, coordinator, as_actor)
    request = services.recovery_request_create(actor=as_actor(coordinator), successor=successor,
                                               reason=REASON)
    services.recovery_request_decide(actor=as_actor(committee), request=request, approve=True)
    _key, other_offline = services.recovery_key_create(
        actor=as_actor(make_member(other_organisation, Role.COORDINATOR)))
    for wrong in ("VNR-AAAA", other_offline):
        with pytest.raises(ValidationError):
            services.recovery_request_carry_out(actor=as_actor(coordinator), request=request,
                                                recovery_private_key=wrong)
    assert not ReportRecipient.objects.filter(report=report, membership=successor).exists()
    assert services.recovery_request_carry_out(actor=as_actor(coordinator), request=request,
                                               recovery_private_key=offline_key) == 1


def test_single_sign_on_user_chooses_a_key_passphrase(client, organisation) -> None:
    from django.urls import reverse

    member = make_member(organisation, Role.ADVISOR)
    member.user.set_unusable_password()
    member.user.save()
    client.force_login(member.user)
    url = reverse("reporting:unlock", args=[organisation.slug])
    mismatch = client.post(url, {"password": "lange-zin-voor-mijn-sleutel", "password_again": "anders"})
    assert mismatch.status_code == 200 and "password_again" in mismatch.context["form"].errors
    created = client.post(url, {"password": "lange-zin-voor-mijn-sleutel",
                                "password_again": "lange-zin-voor-mijn-sleutel"})
    assert created.status_code == 200 and created.context["recovery"]
    client.cookies.pop("vn_keywrap")
    wrong = client.post(url, {"password": "niet-de-goede-zin"})
    assert wrong.status_code == 200 and "password" in wrong.context["form"].errors
    right = client.post(url, {"password": "lange-zin-voor-mijn-sleutel"})
    assert right.status_code == 302


def test_only_a_colleague_advisor_is_added_without_consent_and_the_reporter_is_told(
    organisation, advisor, external_advisor, committee, submit, as_actor,
) -> None:
    """Issue 13: 'add a second recipient' gave HR or the committee the whole report without
    asking the reporter. Now only a colleague advisor may be added (continuity), recorded and
    told to the reporter; anyone else is a consent request on the case page."""
    from vangnet.reporting.models import Message, ReportRecipient

    report, _ = submit()
    with pytest.raises(ValidationError) as refused:
        services.report_add_recipient(actor=as_actor(advisor), report=report,
                                      membership=committee, private_key=advisor.private_key)
    assert "membership" in refused.value.message_dict
    assert not ReportRecipient.objects.filter(report=report, membership=committee).exists()
    services.report_add_recipient(actor=as_actor(advisor), report=report,
                                  membership=external_advisor, private_key=advisor.private_key)
    told = Message.objects.filter(report=report, kind="continuity")
    assert told.count() == 1
    assert AuditEntry.objects.filter(action="reporting.add_recipient").count() == 1
