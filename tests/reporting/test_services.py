"""The report life cycle through the services: submit, read, dialogue, questions, sharing, continuity."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role
from vangnet.reporting import hooks, keys, selectors, services
from vangnet.reporting.models import DialogueQuestion, Report, ReportRecipient
from vangnet.reporting.receipts import receipt_normalise

pytestmark = pytest.mark.django_db


def test_submit_and_read_as_recipient(advisor, submit, as_actor, mailoutbox,
                                     django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report, code = submit(parts={"narrative": "Mijn collega scheldt mij uit.", "when": "maandag"})
    assert receipt_normalise(code) == code
    assert report.recipients.get().membership == advisor
    me = as_actor(advisor)
    found = selectors.report_get_for_actor(actor=me, pk=report.pk)
    contents = selectors.report_contents_for(actor=me, report=found, private_key=advisor.private_key)
    assert contents["narrative"] == "Mijn collega scheldt mij uit."
    assert contents["when"] == "maandag"
    assert contents["identity"] == ""
    # The recipient was told, without any content.
    assert len(mailoutbox) == 1
    assert "scheldt" not in mailoutbox[0].body
    assert mailoutbox[0].to == [advisor.user.email]


def test_other_people_get_404(advisor, submit, organisation, as_actor) -> None:
    report, _code = submit()
    hr = make_member(organisation, Role.HR)
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=as_actor(hr), pk=report.pk)


def test_anonymous_report_drops_identity(advisor, submit, as_actor) -> None:
    report, _ = submit(parts={"narrative": "x", "identity": "Piet", "contact": "06"})
    contents = selectors.report_contents_for(actor=as_actor(advisor), report=report,
                                             private_key=advisor.private_key)
    assert contents["identity"] == "" and contents["contact"] == ""


def test_confidential_report_needs_a_name(advisor, submit) -> None:
    with pytest.raises(ValidationError) as error:
        submit(mode="confidential", parts={"narrative": "x"})
    assert "identity" in error.value.message_dict


def test_recipient_without_keys_cannot_be_chosen(organisation, submit) -> None:
    no_keys = make_member(organisation, Role.ADVISOR)
    with pytest.raises(ValidationError) as error:
        submit(recipient=no_keys)
    assert "recipient" in error.value.message_dict


def test_no_recipient_available(organisation, submit) -> None:
    with pytest.raises(ValidationError) as error:
        submit()
    assert "recipient" in error.value.message_dict


def test_reporter_dialogue(advisor, submit, as_actor) -> None:
    report, code = submit()
    services.message_post(report=report, actor=as_actor(advisor), private_key=advisor.private_key, body="Dank je, wil je praten?")
    access = services.reporter_open(code=code)
    assert access is not None and access.report.pk == report.pk
    view = selectors.reporter_view(access=access)
    assert [m.body for m in view.messages] == ["Dank je, wil je praten?"]
    services.reporter_reply(access=access, body="Ja graag.")
    messages = selectors.report_messages_for(actor=as_actor(advisor), report=report,
                                             private_key=advisor.private_key)
    assert [m.body for m in messages] == ["Dank je, wil je praten?", "Ja graag."]
    assert services.reporter_open(code="0" * 16) is None


def test_system_can_write_but_not_read(advisor, submit) -> None:
    report, code = submit()
    message = services.message_post(report=report, actor=None, body="Hoe gaat het nu met je?")
    assert message.author_kind == "system"
    assert b"Hoe gaat" not in bytes(message.ciphertext)
    view = selectors.reporter_view(access=services.reporter_open(code=code))
    assert view.messages[0].body == "Hoe gaat het nu met je?"


def test_dialogue_question_and_hook(advisor, submit, as_actor) -> None:
    report, code = submit()
    seen = []

    def handler(question, answer):
        seen.append((question.ref, answer))

    hooks.register("question_answered", handler)
    try:
        question = services.dialogue_ask(
            report=report, actor=as_actor(advisor), private_key=advisor.private_key, kind="consent",
            body="Mag ik HR inlichten?",
            choices=[("yes", "Ja"), ("no", "Nee")], ref="consent:1",
        )
        access = services.reporter_open(code=code)
        view = selectors.reporter_view(access=access)
        assert [q.pk for q in view.open_questions] == [question.pk]
        with pytest.raises(ValidationError):
            services.dialogue_answer(question=question, answer="misschien")
        services.dialogue_answer(question=question, answer="yes")
        with pytest.raises(ValidationError):
            services.dialogue_answer(question=question, answer="no")
    finally:
        hooks.unregister("question_answered", handler)
    assert seen == [("consent:1", "yes")]
    assert DialogueQuestion.objects.get(pk=question.pk).answer == "yes"


def test_report_submitted_hook_runs_in_transaction(advisor, submit) -> None:
    def failing(report):
        raise RuntimeError("stop")

    hooks.register("report_submitted", failing)
    try:
        with pytest.raises(RuntimeError):
            submit()
    finally:
        hooks.unregister("report_submitted", failing)
    assert not Report.objects.exists()


def test_grant_and_revoke(advisor, submit, organisation, as_actor) -> None:
    from vangnet.reporting.keys import keypair_create

    hr = make_member(organisation, Role.HR)
    _pair, hr_private, _rec = keypair_create(user=hr.user, password=PASSWORD)
    report, _ = submit(mode="confidential", parts={"narrative": "Het verhaal", "identity": "Sara",
                                                   "wishes": "Een gesprek"})
    grant = services.report_grant_access(actor=as_actor(advisor), report=report, membership=hr,
                                         parts=["narrative", "wishes"], private_key=advisor.private_key,
                                         reason="consent")
    me = as_actor(hr)
    assert selectors.report_get_for_actor(actor=me, pk=report.pk) == report
    contents = selectors.report_contents_for(actor=me, report=report, private_key=hr_private)
    assert contents == {"narrative": "Het verhaal", "wishes": "Een gesprek"}
    with pytest.raises(Http404):
        selectors.report_messages_for(actor=me, report=report, private_key=hr_private)
    services.report_revoke_access(actor=as_actor(advisor), grant=grant)
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=me, pk=report.pk)


def test_unknown_hook_event() -> None:
    with pytest.raises(ValueError):
        hooks.register("nope", print)


def test_handler_outside_report_cannot_post(advisor, submit, organisation, as_actor) -> None:
    report, _ = submit()
    other = make_member(organisation, Role.ADVISOR)
    with pytest.raises(PermissionDenied):
        services.message_post(report=report, actor=as_actor(other), body="hoi")


def test_keypair_unlock_and_recovery(advisor) -> None:
    pair = keys.keypair_of(advisor.user)
    assert keys.private_key_unlock(pair=pair, password=PASSWORD) == advisor.private_key
    from vangnet.core.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        keys.private_key_unlock(pair=pair, password="wrong-password-1")
    assert ReportRecipient.objects.count() == 0


def test_oral_report_minutes_approval(advisor, submit, as_actor) -> None:
    report, code = services.report_register_oral(
        actor=as_actor(advisor), private_key=advisor.private_key, category="integriteit",
        mode="confidential", parts={"narrative": "Verslag van het gesprek", "identity": "Kees"},
        is_whistleblowing=True,
    )
    assert report.channel == "oral" and report.is_whistleblowing
    access = services.reporter_open(code=code)
    view = selectors.reporter_view(access=access)
    assert view.contents["narrative"] == "Verslag van het gesprek"
    question = view.open_questions[0]
    assert question.kind == "minutes_approval"
    services.reporter_reply(access=access, body="Het was dinsdag, niet maandag.")
    services.dialogue_answer(question=question, answer="correct")


def test_demo_seed_is_idempotent(settings) -> None:
    from vangnet.organisations import demo as org_demo
    from vangnet.reporting import demo

    organisation, people = org_demo.seed_organisations()
    demo.seed(organisation=organisation, people=people)
    demo.seed(organisation=organisation, people=people)
    assert Report.objects.filter(organisation=organisation).count() == 2
    advisor = people["vertrouwenspersoon@demo.vangnet.nl"]
    pair = keys.keypair_of(advisor.user)
    private = keys.private_key_unlock(pair=pair, password=org_demo.DEMO_PASSWORD)
    from vangnet.organisations.selectors import actor_for

    report = Report.objects.filter(organisation=organisation).first()
    assert selectors.report_contents_for(actor=actor_for(advisor), report=report, private_key=private)
    # The demo route is configured once, with the organisation's own contact outside it.
    from vangnet.reporting.models import ReportingRoute
    from vangnet.reporting.route import route_view

    assert ReportingRoute.objects.filter(organisation=organisation).count() == 1
    external = route_view(organisation=organisation).step("external")
    assert external.bodies[-1].name == "Bedrijfsarts (Arbodienst Zonnedal)"


def test_route_step_follows_the_recipient(organisation, submit) -> None:
    hr = make_member(organisation, Role.HR)
    keys.keypair_create(user=hr.user, password=PASSWORD)
    report, _ = submit(recipient=hr)
    assert report.route_step == "hr"
    assert report.recipients.get().role_at_time == "hr"
