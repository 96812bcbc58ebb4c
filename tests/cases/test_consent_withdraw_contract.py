"""Withdrawal goes through reporting's own services (ADR 0042): the reporter's answer is the proof,
the audit log names the reporter, and cases cannot revoke on anyone else's word."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from vangnet.cases import integration, selectors, services
from vangnet.cases.models import ConsentRequest
from vangnet.core.models import AuditEntry
from vangnet.reporting import selectors as reporting_selectors
from vangnet.reporting.models import DialogueQuestion, ReportGrant
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of

pytestmark = pytest.mark.django_db


def _shared(case, advisor, hr) -> ConsentRequest:
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case, recipient_kind="hr",
                                       recipient=hr, parts=["narrative"],
                                       purpose="HR kan een gesprek regelen.")
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    consent.refresh_from_db()
    return consent


def test_withdrawal_in_the_reporters_own_request_is_audited_as_the_reporter(
    client, submit, advisor, hr,
) -> None:
    report, code, case = submit()
    consent = _shared(case, advisor, hr)
    slug = advisor.organisation.slug
    # The reporter comes back with the receipt code and presses "Withdraw my consent".
    assert client.post(reverse("reporting:return", args=[slug]), {"code": code}).status_code == 302
    answered = client.post(reverse("reporting:reporter_report", args=[slug]),
                           {"question": str(consent.withdraw_question_id), "answer": "withdraw"})
    assert answered.status_code in (200, 302)
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.WITHDRAWN
    grant = ReportGrant.objects.get(pk=consent.grant_id)
    assert grant.revoked_at is not None and grant.sealed_key is None
    # HR can open neither the case nor the report any more.
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=actor_of(hr), pk=case.pk)
    with pytest.raises(Http404):
        reporting_selectors.report_get_for_actor(actor=actor_of(hr), pk=report.pk)
    revoke = AuditEntry.objects.get(action="reporting.revoke_access")
    assert revoke.actor_id is None and revoke.actor_label == "reporter"
    assert revoke.data == {"grant_id": grant.pk, "question_id": consent.withdraw_question_id}
    withdraw = AuditEntry.objects.get(action="cases.consent_withdraw")
    assert withdraw.actor_id is None and withdraw.actor_label == "reporter"


def test_a_withdrawal_told_in_person_is_the_advisors_act(submit, advisor, hr) -> None:
    _report, _code, case = submit()
    consent = _shared(case, advisor, hr)
    services.consent_withdraw(consent=consent, actor=actor_of(advisor))
    revoke = AuditEntry.objects.get(action="reporting.revoke_access")
    assert revoke.actor_id == advisor.user_id and revoke.actor_label == ""
    # The withdraw question can no longer do anything (already withdrawn), and answering it
    # neither fails nor writes a second revocation.
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.withdraw_question_id),
                    answer="withdraw")
    assert AuditEntry.objects.filter(action="reporting.revoke_access").count() == 1


def test_cases_cannot_revoke_on_the_word_of_another_question(submit, advisor, hr) -> None:
    _report, _code, case = submit()
    first = _shared(case, advisor, hr)
    second = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case,
                                      recipient_kind="hr", recipient=hr, parts=["where"])
    other_question = DialogueQuestion.objects.get(pk=second.question_id)
    # Not this consent's withdraw question, or no proof at all: refused, grant untouched.
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(consent=first, question=other_question)
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(consent=first)
    with pytest.raises(PermissionDenied):
        integration.revoke_access(grant_id=first.grant_id)
    # The right question, but not answered yet: reporting refuses it.
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(
            consent=first, question=DialogueQuestion.objects.get(pk=first.withdraw_question_id))
    grant = ReportGrant.objects.get(pk=first.grant_id)
    assert grant.revoked_at is None and grant.sealed_key is not None
    first.refresh_from_db()
    assert first.status == ConsentRequest.Status.SHARED
