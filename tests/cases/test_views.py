"""Pages: who sees what, bad input never loses what was typed, and lists stay O(1) in queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.people import enable_totp
from vangnet.cases import services
from vangnet.cases.models import Case
from vangnet.reporting.models import DialogueQuestion
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of


def _login(client, member):
    enable_totp(member.user)
    client.force_login(member.user)


def _unlock(client, member):
    """Unlock the member's key as the unlock page would (cookie + session)."""
    from support.people import PASSWORD

    url = reverse("reporting:unlock", args=[member.organisation.slug])
    response = client.post(url, {"password": PASSWORD})
    # A wrong password answers 200 with the form again; only a real unlock redirects and sets
    # the wrapping cookie (the first time, the recovery key page is shown with it: 200 + cookie).
    assert response.status_code in (200, 302), response.status_code
    assert response.cookies.get("vn_keywrap") and response.cookies["vn_keywrap"].value, \
        "the key was not unlocked"


@pytest.mark.django_db
def test_case_list_queries_do_not_grow_with_cases(client, submit, advisor,
                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _login(client, advisor)
    url = reverse("cases:list", args=[advisor.organisation.slug])
    for _ in range(3):
        submit()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url + "?toon=all").status_code == 200
    for _ in range(12):
        submit()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url + "?toon=all")
    assert response.content.decode().count("/dossiers/") >= 15
    assert 3 < len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url + "?toon=due")


@pytest.mark.django_db
def test_only_handlers_open_a_case_page(client, submit, advisor, hr, coordinator, employee):
    _report, _code, case = submit()
    url = reverse("cases:detail", args=[advisor.organisation.slug, case.pk])
    for outsider in (hr, coordinator, employee):
        _login(client, outsider)
        assert client.get(url).status_code == 404
        assert client.post(reverse("cases:transition", args=[advisor.organisation.slug, case.pk]),
                           {"transition": "acknowledge"}).status_code == 404
    _login(client, advisor)
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    # Locked key: no contents on the page, only the way to unlock.
    assert "scheldt" not in page.content.decode()
    _unlock(client, advisor)
    assert "scheldt" in client.get(url).content.decode()


@pytest.mark.django_db
def test_other_organisation_sees_nothing(client, submit, other_organisation):
    from support.people import make_member
    from vangnet.organisations.roles import Role

    _report, _code, case = submit()
    outsider = make_member(other_organisation, Role.ADVISOR)
    _login(client, outsider)
    assert client.get(f"/o/{other_organisation.slug}/dossiers/{case.pk}/").status_code == 404
    assert client.get(f"/o/{case.organisation.slug}/dossiers/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_hr_sees_exactly_the_consented_parts_on_the_page(client, submit, advisor, hr):
    _report, _code, case = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case, recipient_kind="hr",
                                       recipient=hr, parts=["narrative"])
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    _login(client, hr)
    _unlock(client, hr)
    body = client.get(reverse("cases:detail", args=[hr.organisation.slug, case.pk])).content.decode()
    assert "scheldt" in body
    assert "kantine" not in body and "slaap" not in body and "Piet Melder" not in body
    assert "Private notes" not in body and "Eigen notities" not in body
    # The case is in HR's list (the grant half of the merged list), with no content in it.
    listing = client.get(reverse("cases:list", args=[hr.organisation.slug]) + "?toon=all")
    assert case.reference in listing.content.decode()
    assert "scheldt" not in listing.content.decode()


@pytest.mark.django_db
def test_window_merges_received_and_shared_cases_in_order(submit, advisor, organisation):
    from support.people import make_member
    from vangnet.cases import selectors
    from vangnet.organisations.roles import Role

    from .conftest import give_keys

    second = make_member(organisation, Role.ADVISOR, name="Tweede")
    second.private_key = give_keys(second)
    own = [submit(recipient=second)[2] for _ in range(3)]
    _shared_report, _code, shared = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=shared,
                                       recipient_kind="advisor", recipient=second,
                                       parts=["narrative"])
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    cases = selectors.cases_for_actor(actor=actor_of(second), view="all")
    first = selectors.window(cases, size=2)
    second_page = selectors.window(cases, after=first.next_cursor, size=2)
    seen = [c.pk for c in first.rows + second_page.rows]
    assert first.has_next and not second_page.has_next
    assert not first.has_previous and second_page.has_previous and second_page.number == 2
    back = selectors.window(cases, before=second_page.previous_cursor, size=2)
    assert [c.pk for c in back.rows] == [c.pk for c in first.rows]
    assert back.number == 1 and not back.has_previous and back.has_next
    assert sorted(seen) == sorted([c.pk for c in own] + [shared.pk])
    assert seen == [c.pk for c in sorted(Case.objects.filter(pk__in=seen),
                                         key=lambda c: (-c.received_at.timestamp(), -c.pk))]


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(client, submit, advisor):
    _report, _code, case = submit()
    _login(client, advisor)
    _unlock(client, advisor)
    url = reverse("cases:acute_danger", args=[advisor.organisation.slug, case.pk])
    response = client.post(url, {"recipient": "", "parts": ["narrative"],
                                 "justification": "Te kort maar bewaard", "confirm": "on"})
    assert response.status_code == 200
    assert "Te kort maar bewaard" in response.content.decode()
    transition = reverse("cases:transition", args=[advisor.organisation.slug, case.pk])
    assert client.post(transition, {"transition": "close"}).status_code == 302  # message, no 500
    assert Case.objects.get(pk=case.pk).state == "received"


@pytest.mark.django_db
def test_every_page_renders(client, submit, advisor, coordinator):
    _report, _code, case = submit()
    slug = advisor.organisation.slug
    _login(client, advisor)
    _unlock(client, advisor)
    for name, args in [("cases:list", []), ("cases:detail", [case.pk]),
                       ("cases:consent_new", [case.pk]), ("cases:acute_danger", [case.pk]),
                       ("cases:advice", []), ("cases:lessons", []), ("cases:signals", []),
                       ("cases:yearly_report", [])]:
        assert client.get(reverse(name, args=[slug, *args])).status_code == 200, name
    _login(client, coordinator)
    for name in ("cases:settings", "cases:lessons", "cases:yearly_report"):
        assert client.get(reverse(name, args=[slug])).status_code == 200, name
    assert client.get(reverse("cases:list", args=[slug])).status_code == 200
    assert client.get(reverse("cases:signals", args=[slug])).status_code == 404


@pytest.mark.django_db
def test_a_reply_on_the_report_page_counts_as_acknowledgement(client, submit, advisor):
    """Issue 13: a reply from the report page did not count, so the case stayed 'received' and
    the 7-day reminder kept coming. Any message a handler writes to the reporter counts."""
    from vangnet.cases.workflow import State

    _report, _code, case = submit()
    _login(client, advisor)
    _unlock(client, advisor)
    response = client.post(reverse("reporting:detail", args=[advisor.organisation.slug,
                                                             case.report_id]),
                           {"body": "Dank je, ik heb je melding gelezen."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACKNOWLEDGED and case.acknowledged_at is not None
    assert case.feedback_due_at is not None
    page = client.get(reverse("cases:detail", args=[advisor.organisation.slug, case.pk]))
    assert "via een bericht aan de melder" in page.content.decode()
    # A second message changes nothing more.
    first = case.acknowledged_at
    client.post(reverse("reporting:detail", args=[advisor.organisation.slug, case.report_id]),
                {"body": "Nog een bericht."})
    case.refresh_from_db()
    assert case.acknowledged_at == first
    assert case.events.filter(to_state=State.ACKNOWLEDGED).count() == 1


@pytest.mark.django_db
def test_the_case_page_shows_no_raw_part_keys(client, submit, advisor, hr):
    from vangnet.reporting.models import DialogueQuestion as Question

    _report, _code, case = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key,
                                       case=case, recipient_kind="hr", recipient=hr,
                                       parts=["narrative", "when"])
    dialogue_answer(question=Question.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    _login(client, advisor)
    page = client.get(reverse("cases:detail", args=[advisor.organisation.slug, case.pk]))
    html = page.content.decode()
    assert "narrative" not in html and "Wat er gebeurde, Wanneer" in html


@pytest.mark.django_db
def test_terms_are_called_law_only_for_a_report_of_wrongdoing(client, submit, advisor):
    _report, _code, complaint = submit()
    _report2, _code2, wrongdoing = submit(is_whistleblowing=True)
    _login(client, advisor)
    slug = advisor.organisation.slug

    def basis(case):
        html = client.get(reverse("cases:detail", args=[slug, case.pk])).content.decode()
        start = html.index('data-testid="terms-basis"')
        return html[start:html.index("</dd>", start)]

    assert "Wet bescherming klokkenluiders" in basis(wrongdoing)
    assert "Wet bescherming klokkenluiders" not in basis(complaint)
    assert "eigen belofte" in basis(complaint)
    listing = client.get(reverse("cases:list", args=[slug])).content.decode()
    assert "meteen de wettelijke termijnen" not in listing  # what it said for every report
    assert "Bij een melding van een misstand zijn dit wettelijke termijnen" in listing


@pytest.mark.django_db
def test_the_case_page_has_no_select_box_of_every_member(client, submit, advisor,
                                                         django_assert_max_num_queries):
    """Issue 13: the pattern form listed every active member in one select box (1,141 ms and
    343 KiB at 5,064 members). Now a search shows at most 25 people who match."""
    from support.people import make_member
    from vangnet.cases.forms import PICKER_LIMIT
    from vangnet.organisations.roles import Role

    organisation = advisor.organisation
    for n in range(PICKER_LIMIT + 10):
        make_member(organisation, Role.EMPLOYEE, name=f"Medewerker {n:03d}")
    _report, _code, case = submit()
    _login(client, advisor)
    _unlock(client, advisor)
    url = reverse("cases:detail", args=[organisation.slug, case.pk])
    html = client.get(url).content.decode()
    assert 'name="person"' not in html and "<select" not in html.split('id="patterns"')[1][:3000]
    html = client.get(url, {"persoon": "Medewerker"}).content.decode()
    assert html.count('name="person"') == PICKER_LIMIT
    html = client.get(url, {"persoon": "Medewerker 031"}).content.decode()
    assert html.count('name="person"') == 1


@pytest.mark.django_db
def test_a_handler_sends_a_file_to_the_reporter_encrypted_and_checked(client, submit, advisor):
    """Issue 13: files to the reporter, with the same checks and encryption as the reporter's."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from vangnet.reporting.models import Attachment, Message
    from vangnet.reporting.selectors import attachment_data_for
    from vangnet.reporting.services import reporter_open

    report, code, case = submit()
    _login(client, advisor)
    _unlock(client, advisor)
    url = reverse("cases:feedback", args=[advisor.organisation.slug, case.pk])
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(picture, format="PNG")
    png = picture.getvalue()
    response = client.post(url, {"body": "Hierbij het verslag van het gesprek.",
                                 "attachments": [SimpleUploadedFile("verslag.png", png)]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(message__isnull=False)
    stored = attachment.file.read()
    assert png not in stored and b"verslag" not in stored  # sealed, and the name too
    message = Message.objects.get(pk=attachment.message_id)
    assert message.author_kind == Message.AuthorKind.HANDLER
    access = reporter_open(code=code)
    view, data = attachment_data_for(actor=None, report=report, pk=attachment.pk, access=access)
    assert view.name == "verslag.png" and data[:8] == b"\x89PNG\r\n\x1a\n"
    # A file that is not allowed is refused with a Dutch message; nothing is sent or stored.
    before = Message.objects.count()
    response = client.post(url, {"body": "Nog een bestand.",
                                 "attachments": [SimpleUploadedFile("macro.docm", b"PK\x03\x04x")]})
    assert response.status_code == 200 and "macro.docm" in response.content.decode()
    assert Message.objects.count() == before and Attachment.objects.count() == 1
