"""The dossier export in a real browser (issue 13, ADR 0079): choose the recipient, black out a
passage, download the PDF; a tampered form gets the error summary. axe with every rule on each
state. Every step waits for a state, never for time."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from support.browser import assert_accessible, login
from support.people import make_member
from vangnet.organisations.roles import Role

from .conftest import give_keys
from .test_e2e_handoff import _new_page, _unlock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_export_form_redacts_and_downloads(browser, live_server, organisation, tmp_path):
    from vangnet.cases import services
    from vangnet.cases.models import Case
    from vangnet.organisations.models import Membership
    from vangnet.organisations.selectors import actor_for
    from vangnet.reporting.models import DialogueQuestion
    from vangnet.reporting.services import dialogue_answer, report_submit

    slug = organisation.slug
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Anna Advies",
                          email="anna@example.org")
    private_key = give_keys(advisor)
    committee = make_member(organisation, Role.EMPLOYEE, Role.COMPLAINTS_COMMITTEE,
                            name="Kim Commissie", email="kim@example.org")
    report_submit(organisation=organisation, category="pesten", mode="confidential",
                  recipient=advisor, parts={
                      "narrative": "Ik word buitengesloten bij het overleg. Jan Geheimzinnig "
                                   "lachte erom.",
                      "impact": "Nietgedeeld verdriet.", "identity": "Rosa Melder"})
    case = Case.objects.get()
    consent = services.consent_request(
        actor=actor_for(Membership.objects.get(pk=advisor.pk)), private_key=private_key,
        case=case, recipient_kind="complaints_committee", recipient=committee,
        parts=["narrative"])
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")

    page = _new_page(browser, live_server)
    try:
        login(page, advisor.user.email)
        _unlock(page, slug, f"/o/{slug}/dossiers/{case.pk}/")
        page.goto(f"/o/{slug}/dossiers/{case.pk}/")
        page.click("[data-testid=dossier-export-link]")
        page.wait_for_url(f"**/dossiers/{case.pk}/export/")
        page.locator("[data-testid=dossier-choose]").wait_for(state="visible")
        assert_accessible(page)

        # Step 1: the one recipient the reporter agreed to.
        page.get_by_label("Kim Commissie", exact=False).check()
        page.click("[data-testid=dossier-choose] button[type=submit]")
        form = page.locator("[data-testid=dossier-form]")
        form.wait_for(state="visible")
        assert "Nietgedeeld" not in page.content()  # a part not consented is not even offered
        assert_accessible(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "dossier-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        # A tampered passage name: the error summary, focused, with the message at the field.
        page.evaluate("document.querySelector('[data-testid=dossier-form] input[type=checkbox]')"
                      ".value = 'narrative:99'")
        form.locator("input[type=checkbox]").first.check()
        form.locator("button[type=submit]").click()
        page.locator("[data-error-summary]").wait_for(state="visible")
        page.wait_for_function("document.activeElement !== null"
                               " && document.activeElement.hasAttribute('data-error-summary')")
        assert "opnieuw" in page.content()
        assert_accessible(page)

        # Black out the second sentence and download.
        form = page.locator("[data-testid=dossier-form]")
        form.wait_for(state="visible")
        form.get_by_label("Jan Geheimzinnig lachte erom.").check()
        with page.expect_download() as download_info:
            form.locator("button[type=submit]").click()
        download = download_info.value
        assert download.suggested_filename == f"dossier-{case.reference}.pdf"
        path = tmp_path / "dossier.pdf"
        download.save_as(str(path))
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(
            io.BytesIO(path.read_bytes())).pages).split())
        assert "Ik word buitengesloten bij het overleg." in text
        assert "Geheimzinnig" not in text and "Nietgedeeld" not in text and "Rosa" not in text
        assert "Geëxporteerd door Anna Advies" in text
    finally:
        page.context.close()  # no keep-alive connection may outlive the live server
