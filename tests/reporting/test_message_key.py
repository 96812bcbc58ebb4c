"""Writing to a reporter needs an unlocked key of a current recipient (issue #10, finding 1: an
impersonated advisor asked anonymous reporters for their full name without holding the key)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from support.people import make_member
from vangnet.organisations.roles import Role
from vangnet.reporting import services
from vangnet.reporting.models import Message

pytestmark = pytest.mark.django_db


def test_a_handler_without_the_key_cannot_write_to_the_reporter(
    organisation, advisor, external_advisor, submit, as_actor,
) -> None:
    report, _ = submit()
    actor = as_actor(advisor)
    for key in (None, external_advisor.private_key, b"\0" * 32):
        with pytest.raises(services.KeyRequired) as refused:
            services.message_post(report=report, actor=actor, private_key=key,
                                  body="Stuur me je volledige naam.")
        assert "ontgrendel" in str(refused.value).lower() or "unlock" in str(refused.value).lower()
        with pytest.raises(PermissionDenied):
            services.dialogue_ask(report=report, actor=actor, private_key=key, kind="consent",
                                  body="Mag ik je naam weten?", choices=[("yes", "Ja")])
    assert not Message.objects.filter(report=report).exists()
    # With her own unlocked key she writes; the system writes without any key.
    services.message_post(report=report, actor=actor, private_key=advisor.private_key, body="Hoi")
    services.message_post(report=report, actor=None, body="Een herinnering van het systeem.")
    assert Message.objects.filter(report=report).count() == 2


def test_a_grant_holder_never_writes_to_the_reporter(organisation, advisor, submit, as_actor) -> None:
    from support.people import PASSWORD
    from vangnet.reporting.keys import keypair_create

    hr = make_member(organisation, Role.HR)
    _pair, hr_key, _r = keypair_create(user=hr.user, password=PASSWORD)
    report, _ = submit()
    services.report_grant_access(actor=as_actor(advisor), report=report, membership=hr,
                                 parts=["narrative"], private_key=advisor.private_key,
                                 reason="consent")
    with pytest.raises(PermissionDenied):
        services.message_post(report=report, actor=as_actor(hr), private_key=hr_key, body="Hoi")


def test_the_reply_form_without_an_unlocked_key_stores_nothing(client, organisation, advisor,
                                                               submit) -> None:
    """A session taken over (password reset, impersonation) has no wrapping cookie."""
    report, _ = submit()
    client.force_login(advisor.user)
    response = client.post(reverse("reporting:detail", args=[organisation.slug, report.pk]),
                            {"body": "Wat is je volledige naam?"})
    assert response.status_code == 302
    assert reverse("reporting:unlock", args=[organisation.slug]) in response["Location"]
    assert not Message.objects.filter(report=report).exists()


def test_case_feedback_without_an_unlocked_key_is_sent_to_unlock(client, organisation, advisor,
                                                                 submit) -> None:
    report, _ = submit()
    from vangnet.cases.models import Case

    case = Case.objects.get(report=report)
    client.force_login(advisor.user)
    response = client.post(reverse("cases:feedback", args=[organisation.slug, case.pk]),
                           {"body": "Vertel me eens wie je bent, dan help ik je."}, follow=True)
    assert not Message.objects.filter(report=report).exists()
    assert response.redirect_chain and "ontgrendelen" in response.redirect_chain[-1][0]
    text = response.content.decode()
    assert "ontgrendel" in text.lower() or "unlock" in text.lower()
