"""A hand-off to a manager completes end to end (issue 13, ADR 0075): the manager has no key, so
"Share now" asks them by e-mail to set one up; they may create it (and only they, only while
asked); then the share is made and the manager reads exactly the consented parts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from support.people import PASSWORD, make_member
from vangnet.cases import services
from vangnet.cases.models import ConsentRequest
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.reporting.models import DialogueQuestion, KeyInvitation, ReportGrant, UserKeyPair
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of

pytestmark = pytest.mark.django_db


def _unlock_as(client, member):
    client.force_login(member.user)
    response = client.post(reverse("reporting:unlock", args=[member.organisation.slug]),
                           {"password": PASSWORD})
    assert response.cookies.get("vn_keywrap") and response.cookies["vn_keywrap"].value
    return response


def test_a_manager_without_a_key_gets_the_share_after_setting_one_up(
    client, organisation, advisor, submit, django_capture_on_commit_callbacks,
) -> None:
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, name="Mirjam Manager",
                          email="mirjam@example.org")
    bystander = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, name="Ben Buiten",
                            email="ben@example.org")
    _report, _code, case = submit()
    consent = services.consent_request(
        actor=actor_of(advisor), private_key=advisor.private_key, case=case,
        recipient_kind="manager", recipient=manager, parts=["narrative", "where"])
    # Before anyone asked, a manager may not create a key (the unlock page is not theirs).
    client.force_login(manager.user)
    assert client.get(reverse("reporting:unlock", args=[organisation.slug])).status_code == 403
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")

    # The advisor presses "Share now": nothing is shared, the manager is asked to set up a key.
    _unlock_as(client, advisor)
    share_url = reverse("cases:consent_share", args=[organisation.slug, case.pk, consent.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(share_url, follow=True)
    assert "heeft nog geen sleutel" in response.content.decode()
    assert not ReportGrant.objects.exists()
    assert KeyInvitation.objects.filter(membership=manager).exists()
    assert AuditEntry.objects.filter(action="reporting.key_invite").count() == 1
    invitation_mails = [m for m in mail.outbox if m.to == [manager.user.email]]
    assert len(invitation_mails) == 1
    body = invitation_mails[-1].body
    assert "scheldt" not in body and "kantine" not in body  # no content in the e-mail
    assert reverse("reporting:unlock", args=[organisation.slug]) in body
    page = client.get(reverse("cases:detail", args=[organisation.slug, case.pk])).content.decode()
    assert 'data-testid="waiting-for-key"' in page

    # Another manager, not asked, still may not create a key.
    client.force_login(bystander.user)
    assert client.get(reverse("reporting:unlock", args=[organisation.slug])).status_code == 403

    # The manager sets up their key (the recovery key page is shown once).
    response = _unlock_as(client, manager)
    assert response.status_code == 200 and UserKeyPair.objects.filter(user=manager.user).exists()

    # The advisor shares now; the invitation is used up.
    _unlock_as(client, advisor)
    client.post(share_url)
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.SHARED
    assert ReportGrant.objects.get().membership_id == manager.pk
    assert not KeyInvitation.objects.exists()

    # The manager unlocks again (a new session) and reads exactly the consented parts.
    client.logout()
    _unlock_as(client, manager)
    page = client.get(reverse("cases:detail", args=[organisation.slug, case.pk])).content.decode()
    assert "Mijn collega scheldt me al weken uit." in page and "In de kantine." in page
    assert "Ik slaap er slecht van." not in page and "Piet Melder" not in page


def test_only_a_recipient_can_invite_and_never_an_involved_person(organisation, advisor, hr,
                                                                  submit) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from vangnet.reporting.services import report_key_invite

    involved = make_member(organisation, Role.MANAGER, name="Iris Betrokken")
    report, _code, _case = submit(involved=[involved])
    with pytest.raises(PermissionDenied):
        report_key_invite(actor=actor_of(hr), report=report, membership=involved)
    with pytest.raises(ValidationError):
        report_key_invite(actor=actor_of(advisor), report=report, membership=involved)
    assert not KeyInvitation.objects.exists()
