"""The reporter stays in control: consent per hand-off, withdrawal, and the one exception."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from support.people import make_member, make_unit
from vangnet.cases import selectors, services
from vangnet.cases.models import CaseEvent, CaseNote, ConsentRequest
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.reporting.models import DialogueQuestion, ReportGrant
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of


def _ask_hr(case, advisor, hr, parts=("narrative", "where")):
    return services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case, recipient_kind="hr",
                                    recipient=hr, parts=list(parts),
                                    purpose="HR kan een gesprek met het team regelen.")


@pytest.mark.django_db
def test_consent_yes_then_share_exactly_the_consented_parts(submit, advisor, hr):
    report, _code, case = submit()
    consent = _ask_hr(case, advisor, hr)
    question = DialogueQuestion.objects.get(pk=consent.question_id)
    assert question.kind == "consent" and question.report_id == report.pk
    # Before the reporter answers, nothing can be shared.
    with pytest.raises(ValidationError):
        services.consent_share(actor=actor_of(advisor), consent=consent,
                               private_key=advisor.private_key)
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=actor_of(hr), pk=case.pk)

    dialogue_answer(question=question, answer="yes")
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.CONSENTED
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.SHARED and consent.shared_at
    grant = ReportGrant.objects.get(pk=consent.grant_id)
    assert grant.parts == ["narrative", "where"] and grant.membership_id == hr.pk

    hr_case, access = selectors.case_get_for_actor(actor=actor_of(hr), pk=case.pk)
    contents = selectors.case_contents(actor=actor_of(hr), case=hr_case,
                                       private_key=hr.private_key)
    assert contents == {"narrative": "Mijn collega scheldt me al weken uit.",
                        "where": "In de kantine."}
    # HR is a handler now, but not a recipient: no notes, no steering the case.
    from vangnet.cases import permissions

    assert permissions.can_view_case(actor_of(hr), access)
    assert not permissions.can_read_notes(actor_of(hr), access)
    assert not permissions.can_manage_case(actor_of(hr), access)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["consent_asked", "consent_given", "shared"]


@pytest.mark.django_db
def test_withdrawal_in_the_dialogue_ends_access_for_the_future(submit, advisor, hr):
    _report, _code, case = submit()
    consent = _ask_hr(case, advisor, hr)
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    consent.refresh_from_db()
    withdraw = DialogueQuestion.objects.get(pk=consent.withdraw_question_id)
    assert withdraw.choices == [["withdraw", "Withdraw my consent"]]
    dialogue_answer(question=withdraw, answer="withdraw")
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.WITHDRAWN and consent.withdrawn_at
    grant = ReportGrant.objects.get(pk=consent.grant_id)
    assert grant.revoked_at is not None and grant.sealed_key is None
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=actor_of(hr), pk=case.pk)
    assert AuditEntry.objects.filter(action="cases.consent_withdraw").exists()


@pytest.mark.django_db
def test_refusal_means_nothing_is_shared(submit, advisor, hr):
    _report, _code, case = submit()
    consent = _ask_hr(case, advisor, hr)
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="no")
    consent.refresh_from_db()
    assert consent.status == ConsentRequest.Status.REFUSED
    with pytest.raises(ValidationError):
        services.consent_share(actor=actor_of(advisor), consent=consent,
                               private_key=advisor.private_key)
    assert not ReportGrant.objects.exists()


@pytest.mark.django_db
def test_advisor_can_record_a_withdrawal_told_in_person(submit, advisor, hr):
    _report, _code, case = submit()
    consent = _ask_hr(case, advisor, hr)
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    services.consent_withdraw(consent=consent, actor=actor_of(advisor))
    assert ReportGrant.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_no_hand_off_to_someone_involved_or_their_manager(organisation, submit, advisor):
    team_lead = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, Role.HR, name="Tom Teamleider")
    from .conftest import give_keys

    give_keys(team_lead)
    big_boss = make_member(organisation, Role.MANAGER, Role.HR, name="Bea Baas")
    give_keys(big_boss)
    department = make_unit(organisation, "Afdeling", managers=[big_boss])
    team = make_unit(organisation, "Team", parent=department, managers=[team_lead])
    team_lead.unit = team
    team_lead.save()
    _report, _code, case = submit(involved=[team_lead])
    for person in (team_lead, big_boss):
        with pytest.raises(ValidationError):
            services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case, recipient_kind="hr",
                                     recipient=person, parts=["narrative"])


@pytest.mark.django_db
def test_only_the_recipient_may_ask_consent(submit, advisor, hr, coordinator, organisation):
    _report, _code, case = submit()
    for outsider in (hr, coordinator):
        with pytest.raises(PermissionDenied):
            services.consent_request(actor=actor_of(outsider), case=case, recipient_kind="hr",
                                     recipient=hr, parts=["narrative"])
    with pytest.raises(ValidationError):
        services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case, recipient_kind="hr",
                                 recipient=hr, parts=[])


@pytest.mark.django_db
def test_acute_danger_is_justified_audited_and_told(submit, advisor, hr):
    report, _code, case = submit()
    with pytest.raises(ValidationError):
        services.share_in_acute_danger(actor=actor_of(advisor), case=case, recipient=hr,
                                       parts=["narrative"], justification="gevaar",
                                       private_key=advisor.private_key)
    consent = services.share_in_acute_danger(
        actor=actor_of(advisor), case=case, recipient=hr, parts=["narrative"],
        justification="De melder noemt concrete dreiging met geweld voor morgenochtend.",
        private_key=advisor.private_key)
    assert consent.is_acute_danger and consent.status == ConsentRequest.Status.SHARED
    assert ReportGrant.objects.get(pk=consent.grant_id).parts == ["narrative"]
    note = CaseNote.objects.get(case=case, kind=CaseNote.Kind.JUSTIFICATION)
    assert b"dreiging" not in bytes(note.ciphertext)
    assert report.messages.filter(kind="acute_danger").exists()
    entry = AuditEntry.objects.get(action="cases.acute_danger_share")
    assert entry.data["parts"] == ["narrative"] and "dreiging" not in str(entry.data)
    assert case.events.filter(kind=CaseEvent.Kind.ACUTE_DANGER).exists()
    with pytest.raises(PermissionDenied):
        services.share_in_acute_danger(
            actor=actor_of(hr), case=case, recipient=hr, parts=["narrative"],
            justification="Een lange rechtvaardiging van meer dan dertig tekens.",
            private_key=hr.private_key)


@pytest.mark.django_db
def test_notes_are_encrypted_and_only_for_recipients(submit, advisor, hr):
    _report, _code, case = submit()
    note = services.note_add(actor=actor_of(advisor), case=case,
                             text="Melder wil eerst zelf het gesprek aangaan.",
                             private_key=advisor.private_key)
    assert b"gesprek" not in bytes(note.ciphertext)
    access = selectors.access_for(case)
    views = selectors.notes_for(actor=actor_of(advisor), case=case, access=access,
                                private_key=advisor.private_key)
    assert [v.text for v in views] == ["Melder wil eerst zelf het gesprek aangaan."]
    with pytest.raises(PermissionDenied):
        services.note_add(actor=actor_of(hr), case=case, text="x", private_key=hr.private_key)


@pytest.mark.django_db
def test_retaliation_checkin_yes_raises_attention(submit, advisor, run_job, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from vangnet.cases.models import Case, RetaliationCheckin

    _report, _code, case = submit()
    actor = actor_of(advisor)
    for name in ("acknowledge", "start_conversation"):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name=name)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="conclude", outcome="advice")
    assert RetaliationCheckin.objects.filter(case=case).count() == 3
    RetaliationCheckin.objects.filter(case=case, months_after=3).update(
        due_at=timezone.now() - timedelta(minutes=1))
    assert run_job()["checkins"] == 1
    assert run_job()["checkins"] == 0
    checkin = RetaliationCheckin.objects.get(case=case, months_after=3)
    question = DialogueQuestion.objects.get(pk=checkin.question_id)
    assert question.kind == "retaliation_checkin"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dialogue_answer(question=question, answer="yes")
    case = Case.objects.get(pk=case.pk)
    assert case.priority == Case.Priority.HIGH and case.attention_reason == "retaliation"
    assert any(case.reference in m.subject for m in mail.outbox)
    assert case.events.filter(kind=CaseEvent.Kind.RETALIATION).exists()


@pytest.mark.django_db
def test_closing_tells_retention_and_asks_satisfaction(submit, advisor):
    from vangnet.cases.models import Case

    report, _code, case = submit()
    actor = actor_of(advisor)
    for name in ("acknowledge", "start_conversation"):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name=name)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="conclude", outcome="advice")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="close")
    assert report.messages.filter(kind="retention").exists()
    questions = list(DialogueQuestion.objects.filter(report=report, kind="satisfaction"))
    assert len(questions) == 2
    dialogue_answer(question=questions[0], answer="yes")
    dialogue_answer(question=questions[1], answer="no")
    case = Case.objects.get(pk=case.pk)
    assert (case.satisfaction_handled_well, case.satisfaction_would_report_again) == (1, 0)
    assert case.retain_until is not None
