"""The public reporting pages and the recipient pages, through the test client."""

from __future__ import annotations

import io

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from PIL import Image

from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role
from vangnet.reporting import selectors, services
from vangnet.reporting.models import Attachment, Report

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_route_page_poster_and_qr(client, organisation, advisor) -> None:
    response = client.get(reverse("reporting:route", args=[organisation.slug]))
    assert response.status_code == 200
    assert "Anna Advies" in response.content.decode()
    pdf = client.get(reverse("reporting:poster", args=[organisation.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    svg = client.get(reverse("reporting:qr", args=[organisation.slug]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_unknown_organisation_404(client) -> None:
    assert client.get("/o/bestaat-niet/melden/").status_code == 404


def test_guide_stores_nothing_and_skips_manager(client, organisation, advisor) -> None:
    url = reverse("reporting:guide", args=[organisation.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"category": "pesten", "manager_involved": "yes", "danger": "no",
                                 "advice_involved": "no", "want": "advice", "speak_up": "no"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Anna Advies" in body
    assert response.context["advice"].skip_manager
    assert all(s.kind != "manager" for s in response.context["advised_steps"])
    assert not Session.objects.exists()
    # Incomplete answers: a message, no error.
    assert client.post(url, {"category": "x"}).status_code == 200


def _post_report(client, organisation, recipient, **extra):
    data = {"recipient": str(recipient.pk), "mode": "anonymous", "category": "pesten",
            "narrative": "Mijn teamleider schreeuwt tegen mij.", **extra}
    # follow: the form answers 303 to the receipt page (post → redirect → get)
    return client.post(reverse("reporting:report_new", args=[organisation.slug]), data, follow=True)


def test_report_form_full_flow_without_session(client, organisation, advisor, as_actor) -> None:
    form = client.get(reverse("reporting:report_new", args=[organisation.slug]))
    assert form.status_code == 200
    upload = io.BytesIO(jpeg_with_gps())
    upload.name = "foto.jpg"
    response = _post_report(client, organisation, advisor, attachments=upload, when="gisteren")
    assert response.status_code == 200, response.content.decode()[:2000]
    code = response.context["code"].replace(" ", "")
    assert len(code) == 16
    report = Report.objects.get()
    # The photo lost its EXIF/GPS data before it was encrypted.
    att = Attachment.objects.get()
    view, data = selectors.attachment_data_for(actor=as_actor(advisor), report=report, pk=att.pk,
                                               private_key=advisor.private_key)
    assert view.metadata_removed and view.content_type == "image/jpeg"
    assert not Image.open(io.BytesIO(data)).getexif()
    # Return with the code.
    ret = client.post(reverse("reporting:return", args=[organisation.slug]), {"code": code})
    assert ret.status_code == 302
    services.message_post(report=report, actor=as_actor(advisor), private_key=advisor.private_key, body="Wil je bellen?")
    page = client.get(reverse("reporting:reporter_report", args=[organisation.slug]))
    assert "Wil je bellen?" in page.content.decode()
    reply = client.post(reverse("reporting:reporter_report", args=[organisation.slug]),
                        {"body": "Liever mailen."})
    assert reply.status_code == 302
    bodies = [m.body for m in selectors.report_messages_for(actor=as_actor(advisor), report=report,
                                                            private_key=advisor.private_key)]
    assert bodies == ["Wil je bellen?", "Liever mailen."]
    # No session for the reporter: nothing server-side remembers them.
    assert not Session.objects.exists()
    cookie = client.cookies["vn_reporter"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


def test_form_errors_keep_input(client, organisation, advisor) -> None:
    response = client.post(reverse("reporting:report_new", args=[organisation.slug]),
                           {"mode": "confidential", "category": "pesten", "narrative": "Blijft staan",
                            "recipient": str(advisor.pk)})
    assert response.status_code == 200
    assert "identity" in response.context["form"].errors
    assert "Blijft staan" in response.content.decode()
    assert not Report.objects.exists()


def test_bad_upload_rejected(client, organisation, advisor) -> None:
    upload = io.BytesIO(b"MZ not an image")
    upload.name = "virus.exe"
    response = _post_report(client, organisation, advisor, attachments=upload)
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert "JPEG" in response.content.decode()


def test_reporter_answers_question(client, organisation, advisor, submit, as_actor) -> None:
    report, code = submit()
    question = services.dialogue_ask(report=report, actor=as_actor(advisor), private_key=advisor.private_key, kind="consent",
                                     body="Mag ik HR inlichten?", choices=[("yes", "Yes"), ("no", "No")])
    client.post(reverse("reporting:return", args=[organisation.slug]), {"code": code})
    page = client.get(reverse("reporting:reporter_report", args=[organisation.slug]))
    assert "Mag ik HR inlichten?" in page.content.decode()
    client.post(reverse("reporting:reporter_report", args=[organisation.slug]),
                {"question": str(question.pk), "answer": "no"})
    question.refresh_from_db()
    assert question.answer == "no"


def test_wrong_code_message(client, organisation, advisor) -> None:
    response = client.post(reverse("reporting:return", args=[organisation.slug]),
                           {"code": "1234 5678 1234 5678"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    # Without a valid cookie the reporter page sends you to the code form.
    assert client.get(reverse("reporting:reporter_report", args=[organisation.slug])).status_code == 302


def test_recipient_pages(client, organisation, advisor, submit) -> None:
    report, _ = submit(parts={"narrative": "Zichtbaar na ontgrendelen"})
    client.force_login(advisor.user)
    detail = reverse("reporting:detail", args=[organisation.slug, report.pk])
    response = client.get(detail)
    assert response.status_code == 302 and "ontgrendelen" in response["Location"]
    wrong = client.post(reverse("reporting:unlock", args=[organisation.slug]),
                        {"password": "not-the-password", "next": detail})
    assert wrong.status_code == 200
    ok = client.post(reverse("reporting:unlock", args=[organisation.slug]),
                     {"password": PASSWORD, "next": detail})
    assert ok.status_code == 302 and ok["Location"] == detail
    # The session holds only the wrapped key; the wrapping key is in its own strict cookie.
    assert client.cookies["vn_keywrap"]["samesite"] == "Strict"
    session = client.session
    from vangnet.reporting.keys import SESSION_KEY

    assert advisor.private_key.hex() not in str(dict(session))
    assert SESSION_KEY in session
    page = client.get(detail)
    assert "Zichtbaar na ontgrendelen" in page.content.decode()
    client.post(detail, {"body": "Ik heb je melding gelezen."})
    assert client.get(reverse("reporting:inbox", args=[organisation.slug])).status_code == 200
    # Without the cookie, the session alone opens nothing.
    del client.cookies["vn_keywrap"]
    assert client.get(detail).status_code == 302


def test_first_unlock_creates_keys_and_shows_recovery(client, organisation) -> None:
    hr = make_member(organisation, Role.HR)
    client.force_login(hr.user)
    response = client.post(reverse("reporting:unlock", args=[organisation.slug]), {"password": PASSWORD})
    assert response.status_code == 200
    assert response.context["recovery"].count("-") == 7


def test_non_recipient_gets_404_or_403(client, organisation, advisor, submit) -> None:
    report, _ = submit()
    employee = make_member(organisation, Role.EMPLOYEE)
    client.force_login(employee.user)
    assert client.get(reverse("reporting:detail", args=[organisation.slug, report.pk])).status_code == 404
    assert client.get(reverse("reporting:inbox", args=[organisation.slug])).status_code == 403


def test_unit_route_override_and_managers(client, organisation, advisor) -> None:
    from support.people import make_unit
    from vangnet.reporting.models import ReportingRoute

    manager = make_member(organisation, Role.MANAGER, name="Mila Manager")
    team = make_unit(organisation, "Team Zuid", managers=[manager])
    ReportingRoute.objects.create(organisation=organisation, unit=team, introduction="Eigen route Zuid")
    url = reverse("reporting:route", args=[organisation.slug])
    page = client.get(url, {"eenheid": team.pk}).content.decode()
    assert "Eigen route Zuid" in page and "Mila Manager" in page
    assert "Eigen route Zuid" not in client.get(url).content.decode()
    assert client.get(url, {"eenheid": "99999999999999999999"}).status_code == 200


def test_coordinator_sets_route_and_adds_second_recipient(client, organisation, advisor,
                                                          external_advisor, submit) -> None:
    from support.forms import form_data

    coordinator = make_member(organisation, Role.COORDINATOR)
    client.force_login(coordinator.user)
    url = reverse("reporting:route_edit", args=[organisation.slug])
    editor = client.get(url).context["editor"]
    data = form_data(editor.form, *editor.steps, editor.contacts)
    data.update({"introduction": "Onze route", "default_recipient": str(external_advisor.pk)})
    response = client.post(url, data)
    assert response.status_code == 302
    route_page = client.get(reverse("reporting:route", args=[organisation.slug])).content.decode()
    assert "Onze route" in route_page
    report, _ = submit()
    assert report.recipients.get().membership == external_advisor  # the route's default
    client.force_login(external_advisor.user)
    client.post(reverse("reporting:unlock", args=[organisation.slug]), {"password": PASSWORD})
    detail = reverse("reporting:detail", args=[organisation.slug, report.pk])
    client.post(detail, {"add_recipient": "1", "membership": str(advisor.pk)})
    assert set(report.recipients.values_list("membership_id", flat=True)) == {advisor.pk, external_advisor.pk}


def test_inbox_queries_do_not_grow_with_reports(client, organisation, advisor, submit,
                                                django_assert_max_num_queries) -> None:
    client.force_login(advisor.user)
    url = reverse("reporting:inbox", args=[organisation.slug])
    submit()
    client.get(url)
    with django_assert_max_num_queries(16) as first:
        client.get(url)
    for _ in range(5):
        submit()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)
