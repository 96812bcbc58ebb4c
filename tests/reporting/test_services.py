"""The report life cycle through the services: submit, read, dialogue, questions, sharing, continuity."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from support.people import PASSWORD, make_member
from vangnet.core.events import Event, subscribe, unsubscribe
from vangnet.organisations.roles import Role
from vangnet.reporting import keys, selectors, services
from vangnet.reporting.events import QuestionAnswered, QuestionRef, ReportSubmitted
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

    def handler(event: QuestionAnswered) -> None:
        seen.append((event.question.ref, event.answer, event.ref))

    subscribe(QuestionAnswered, handler)
    try:
        question = services.dialogue_ask(
            report=report, actor=as_actor(advisor), private_key=advisor.private_key, kind="consent",
            body="Mag ik HR inlichten?",
            choices=[("yes", "Ja"), ("no", "Nee")], ref="test.consent:1",
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
        unsubscribe(QuestionAnswered, handler)
    assert seen == [("test.consent:1", "yes", QuestionRef(app="test", kind="consent", object_id=1))]
    assert DialogueQuestion.objects.get(pk=question.pk).answer == "yes"


def test_report_submitted_hook_runs_in_transaction(advisor, submit) -> None:
    def failing(event: ReportSubmitted) -> None:
        raise RuntimeError("stop")

    subscribe(ReportSubmitted, failing)
    try:
        with pytest.raises(RuntimeError):
            submit()
    finally:
        unsubscribe(ReportSubmitted, failing)
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


def test_only_event_classes_can_be_subscribed_to() -> None:
    with pytest.raises(TypeError):
        subscribe("report_submitted", print)  # type: ignore[arg-type]  # the old string events
    with pytest.raises(TypeError):
        subscribe(Event, print)


@pytest.mark.parametrize(("ref", "text"), [
    (QuestionRef(app="cases", kind="consent", object_id=12), "cases.consent:12"),
    (QuestionRef(app="cases", kind="satisfaction", field="handled_well", object_id=5),
     "cases.satisfaction:handled_well:5"),
])
def test_question_refs_keep_the_stored_format(ref: QuestionRef, text: str) -> None:
    """Questions asked before refs were typed are stored in this text: they must still route."""
    assert ref.encode() == text
    assert QuestionRef.decode(text) == ref


@pytest.mark.parametrize("text", ["", "minutes:12", "demo:3", "cases.consent:", "cases.consent:x",
                                  "cases.satisfaction::5", "cases.a:b:c:5", ".consent:1"])
def test_foreign_or_broken_refs_decode_to_none(text: str) -> None:
    assert QuestionRef.decode(text) is None


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
