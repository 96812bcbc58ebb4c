"""Issue 12: the reporter withdraws, on their own page, a consent they gave earlier — before the
advisor shared anything. Through the public page only (the reporter has no account)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vangnet.cases import services
from vangnet.cases.models import ConsentRequest
from vangnet.core.models import AuditEntry
from vangnet.reporting.models import DialogueQuestion, ReportGrant

from .conftest import actor_of


def _open_report_page(client, organisation, code):
    response = client.post(reverse("reporting:return", args=[organisation.slug]), {"code": code})
    assert response.status_code == 302
    return reverse("reporting:reporter_report", args=[organisation.slug])


@pytest.mark.django_db
def test_reporter_withdraws_a_consent_before_it_is_used(client, organisation, submit, advisor, hr):
    _report, code, case = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case,
                                       recipient_kind="hr", recipient=hr, parts=["narrative"])
    page = _open_report_page(client, organisation, code)
    client.post(page, {"question": consent.question_id, "answer": "yes"})
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.CONSENTED

    body = client.get(page).content.decode()
    assert 'data-testid="consents"' in body
    assert f'name="withdraw_consent" value="{consent.question_id}"' in body
    client.post(page, {"withdraw_consent": consent.question_id})
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.WITHDRAWN and consent.withdrawn_at
    assert AuditEntry.objects.filter(action="reporting.dialogue_withdraw_consent").count() == 1
    # Gone from the page; the advisor can no longer share.
    assert 'data-testid="consents"' not in client.get(page).content.decode()
    with pytest.raises(ValidationError):
        services.consent_share(actor=actor_of(advisor), consent=consent, private_key=advisor.private_key)
    assert not ReportGrant.objects.exists()


@pytest.mark.django_db
def test_a_refused_or_foreign_question_cannot_be_withdrawn(client, organisation, submit, advisor, hr):
    _report, code, case = submit()
    refused = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case,
                                       recipient_kind="hr", recipient=hr, parts=["narrative"])
    _other_report, _other_code, other_case = submit()
    foreign = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key,
                                       case=other_case, recipient_kind="hr", recipient=hr, parts=["where"])
    page = _open_report_page(client, organisation, code)
    client.post(page, {"question": refused.question_id, "answer": "no"})
    client.post(page, {"withdraw_consent": refused.question_id})
    assert DialogueQuestion.objects.get(pk=refused.question_id).answer == "no"
    # Another report's question: not found for this reporter.
    assert client.post(page, {"withdraw_consent": foreign.question_id}).status_code == 404
    refused.refresh_from_db()
    foreign.refresh_from_db()
    assert refused.status == ConsentRequest.Status.REFUSED
    assert foreign.status == ConsentRequest.Status.ASKED


@pytest.mark.django_db
def test_after_sharing_the_withdraw_question_is_the_way(client, organisation, submit, advisor, hr):
    _report, code, case = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case,
                                       recipient_kind="hr", recipient=hr, parts=["narrative"])
    page = _open_report_page(client, organisation, code)
    client.post(page, {"question": consent.question_id, "answer": "yes"})
    consent.refresh_from_db()
    services.consent_share(actor=actor_of(advisor), consent=consent, private_key=advisor.private_key)
    consent.refresh_from_db()
    body = client.get(page).content.decode()
    # Not offered twice: the open "withdraw" question covers it.
    assert 'data-testid="consents"' not in body
    client.post(page, {"question": consent.withdraw_question_id, "answer": "withdraw"})
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.WITHDRAWN
    assert ReportGrant.objects.get(pk=consent.grant_id).revoked_at is not None


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_withdrawal_in_the_browser(page, organisation, submit, advisor, hr) -> None:
    from support.browser import assert_accessible

    _report, code, case = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case,
                                       recipient_kind="hr", recipient=hr, parts=["narrative"])
    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/terug/")
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    with page.expect_navigation():
        page.click("section.vn-question button[name=answer][value=yes]")
    consents = page.locator("[data-testid=consents]")
    assert consents.is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        consents.locator("button[name=withdraw_consent]").click()
    assert page.locator("[data-testid=consents]").count() == 0
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.WITHDRAWN
