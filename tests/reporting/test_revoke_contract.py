"""Ending a grant (ADR 0042): a current recipient may, and the reporter may through their own
answer to a withdraw question of the same report. Nobody else, and never on no one's word."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from support.people import make_member
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.reporting import selectors, services
from vangnet.reporting.models import DialogueQuestion, ReportGrant

from .conftest import give_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(organisation):
    member = make_member(organisation, Role.HR, name="Hans HR")
    member.private_key = give_keys(member)
    return member


def _grant(report, advisor, hr, as_actor) -> ReportGrant:
    return services.report_grant_access(actor=as_actor(advisor), report=report, membership=hr,
                                        parts=["narrative"], private_key=advisor.private_key,
                                        reason="consent")


def _withdraw_question(report, advisor, as_actor, *, kind: str = "consent",
                       answer: str | None = "withdraw") -> DialogueQuestion:
    question = services.dialogue_ask(report=report, actor=as_actor(advisor), private_key=advisor.private_key, kind=kind,
                                     body="Wil je je toestemming intrekken?",
                                     choices=[("withdraw", "Withdraw my consent"), ("yes", "Yes")])
    if answer is not None:
        question = services.dialogue_answer(question=question, answer=answer)
    return question


def _still_active(grant: ReportGrant) -> bool:
    grant.refresh_from_db()
    return grant.revoked_at is None and grant.sealed_key is not None


def test_only_a_current_recipient_of_the_report_can_revoke(organisation, other_organisation,
                                                           advisor, hr, submit, as_actor) -> None:
    report, _ = submit()
    grant = _grant(report, advisor, hr, as_actor)
    outsiders = [
        make_member(organisation, Role.EMPLOYEE),
        make_member(organisation, Role.COORDINATOR),
        make_member(organisation, Role.ADVISOR),  # an advisor, but not on this report
        hr,  # the grant holder cannot extend or end the reporter's consent
        make_member(other_organisation, Role.ADVISOR),
    ]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            services.report_revoke_access(actor=as_actor(outsider), grant=grant)
    assert _still_active(grant)
    assert not AuditEntry.objects.filter(action="reporting.revoke_access").exists()


def test_a_removed_recipient_can_no_longer_revoke(advisor, external_advisor, hr, submit,
                                                  as_actor) -> None:
    report, _ = submit(extra_recipients=[external_advisor])
    grant = _grant(report, advisor, hr, as_actor)
    services.report_remove_recipient(actor=as_actor(advisor), report=report,
                                     membership=external_advisor)
    with pytest.raises(PermissionDenied):
        services.report_revoke_access(actor=as_actor(external_advisor), grant=grant)
    assert _still_active(grant)


def test_after_revoking_the_holder_can_no_longer_read(advisor, hr, submit, as_actor) -> None:
    report, _ = submit(parts={"narrative": "Alleen voor HR"})
    grant = _grant(report, advisor, hr, as_actor)
    me = as_actor(hr)
    assert selectors.report_contents_for(actor=me, report=report,
                                         private_key=hr.private_key) == {"narrative": "Alleen voor HR"}
    services.report_revoke_access(actor=as_actor(advisor), grant=grant)
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=me, pk=report.pk)
    with pytest.raises(Http404):
        selectors.report_contents_for(actor=me, report=report, private_key=hr.private_key)
    assert not selectors.reports_for_actor(actor=me).exists()
    # Revoking again changes nothing and writes nothing.
    services.report_revoke_access(actor=as_actor(advisor), grant=grant)
    entry = AuditEntry.objects.get(action="reporting.revoke_access")
    assert entry.actor_id == advisor.user_id and entry.actor_label == ""
    assert entry.data == {"grant_id": grant.pk}


def test_the_reporter_revokes_with_their_withdraw_answer(advisor, hr, submit, as_actor) -> None:
    report, _ = submit()
    grant = _grant(report, advisor, hr, as_actor)
    question = _withdraw_question(report, advisor, as_actor)
    services.report_revoke_access_for_reporter(grant=grant, question=question)
    assert not _still_active(grant)
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=as_actor(hr), pk=report.pk)
    entry = AuditEntry.objects.get(action="reporting.revoke_access")
    assert entry.actor_id is None and entry.actor_label == "reporter"
    assert entry.data == {"grant_id": grant.pk, "question_id": question.pk}


def test_the_reporter_path_cannot_revoke_a_grant_of_another_report(advisor, hr, submit,
                                                                   as_actor) -> None:
    first, _ = submit()
    second, _ = submit()
    other_grant = _grant(second, advisor, hr, as_actor)
    _grant(first, advisor, hr, as_actor)
    question = _withdraw_question(first, advisor, as_actor)
    with pytest.raises(PermissionDenied):
        services.report_revoke_access_for_reporter(grant=other_grant, question=question)
    assert _still_active(other_grant)


@pytest.mark.parametrize("variant", ["unanswered", "said_yes", "not_a_consent_question",
                                     "asked_before_the_grant", "answer_only_in_memory"])
def test_the_reporter_path_needs_a_real_withdraw_answer(variant, advisor, hr, submit,
                                                        as_actor) -> None:
    report, _ = submit()
    if variant == "asked_before_the_grant":
        # An old withdraw question (of an earlier hand-off) cannot end a newer grant.
        early = _withdraw_question(report, advisor, as_actor, answer=None)
        grant = _grant(report, advisor, hr, as_actor)
        question = services.dialogue_answer(question=early, answer="withdraw")
    else:
        grant = _grant(report, advisor, hr, as_actor)
        question = {
            "unanswered": lambda: _withdraw_question(report, advisor, as_actor, answer=None),
            "said_yes": lambda: _withdraw_question(report, advisor, as_actor, answer="yes"),
            "not_a_consent_question": lambda: _withdraw_question(report, advisor, as_actor,
                                                                 kind="checkin"),
            "answer_only_in_memory": lambda: _withdraw_question(report, advisor, as_actor,
                                                                answer=None),
        }[variant]()
        if variant == "answer_only_in_memory":
            from django.utils import timezone

            question.answer, question.answered_at = "withdraw", timezone.now()  # never saved
    with pytest.raises(PermissionDenied):
        services.report_revoke_access_for_reporter(grant=grant, question=question)
    assert _still_active(grant)
    assert not AuditEntry.objects.filter(action="reporting.revoke_access").exists()
