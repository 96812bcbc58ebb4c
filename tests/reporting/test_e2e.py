"""The whole story in a real browser, with axe on every reporting page."""

from __future__ import annotations

import re

import pytest

from support.browser import assert_accessible, send_report
from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def test_guide_report_reply_and_return(page, login, organisation, advisor, external_advisor) -> None:
    slug = organisation.slug
    # 1. The public route and the route guide.
    page.goto(f"/o/{slug}/melden/")
    assert_accessible(page)
    page.click("text=Help me choose (route guide)" if page.locator("text=Help me choose (route guide)").count()
               else f"a[href='/o/{slug}/melden/wegwijzer/']")
    assert_accessible(page)
    page.select_option("select[name=category]", "pesten")
    page.check("input[name=manager_involved][value=yes]")
    page.check("input[name=danger][value=no]")
    page.check("input[name=want][value=advice]")
    page.check("input[name=advice_involved][value=no]")
    page.check("input[name=speak_up][value=no]")
    with page.expect_navigation():
        page.click("form.vn-guide button[type=submit]")
    assert "Anna Advies" in page.content()
    assert_accessible(page)
    # 2. An anonymous report with an attachment, to the advisor chosen from the guide.
    page.click(f"a[href='/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}']")
    assert_accessible(page)
    page.check("input[name=mode][value=anonymous]")
    page.check("input[name=category][value=pesten]")
    page.fill("textarea[name=narrative]", "In het overleg word ik steeds belachelijk gemaakt.")
    page.set_input_files("input[name=attachments]", files=[
        {"name": "schermafbeelding.png", "mimeType": "image/png", "buffer": _png()}])
    send_report(page)
    code = page.locator("[data-testid=receipt-code]").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    assert_accessible(page)
    # 3. The advisor logs in with two factors, unlocks, reads and replies.
    reporter_context_cookies = page.context.cookies()
    page.context.clear_cookies()
    login(advisor.user.email)
    page.goto(f"/o/{slug}/meldingen/")
    assert_accessible(page)
    page.click("text=Unlock your reports with your password" if page.locator(
        "text=Unlock your reports with your password").count() else f"a[href='/o/{slug}/meldingen/ontgrendelen/']")
    assert_accessible(page)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"/o/{slug}/meldingen/")
    page.click("table a")
    assert "belachelijk gemaakt" in page.content()
    assert "schermafbeelding.png" in page.content()
    assert_accessible(page)
    page.fill("textarea[name=body]", "Dank je. Zullen we deze week praten?")
    page.click("main form button[type=submit]")
    assert "Zullen we deze week praten?" in page.content()
    # 4. The reporter returns with the code, reads the reply and answers.
    page.context.clear_cookies()
    page.context.add_cookies([c for c in reporter_context_cookies if c["name"] == "csrftoken"])
    page.goto(f"/o/{slug}/melden/terug/")
    assert_accessible(page)
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    assert "Zullen we deze week praten?" in page.content()
    assert_accessible(page)
    page.fill("textarea[name=body]", "Ja, donderdag kan ik.")
    page.click("main form[enctype] button[type=submit]")
    assert "Ja, donderdag kan ik." in page.content()


def test_coordinator_and_advisor_pages_are_accessible(page, login, organisation) -> None:
    slug = organisation.slug
    make_member(organisation, Role.ADVISOR, Role.COORDINATOR, email="coord@example.org", name="Cor Coord")
    login("coord@example.org")
    for path in ("meldingen/", "meldingen/ontgrendelen/"):
        page.goto(f"/o/{slug}/{path}")
        assert_accessible(page)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    assert page.locator("[data-testid=recovery-key]").count() == 1
    assert_accessible(page)
    for path in ("meldingen/profiel/", "meldingen/route/", "meldingen/herstelsleutel/",
                 "meldingen/mondeling/"):
        page.goto(f"/o/{slug}/{path}")
        assert_accessible(page)


def test_remaining_pages_are_accessible(page, login, organisation, advisor) -> None:
    slug = organisation.slug
    # The report form showing errors (nothing lost), and the reporter's return page with an error.
    page.goto(f"/o/{slug}/melden/nieuw/")
    page.check("input[name=mode][value=confidential]")
    page.fill("textarea[name=narrative]", "Blijft bewaard")
    send_report(page)
    assert "Blijft bewaard" in page.content()
    assert_accessible(page)
    page.goto(f"/o/{slug}/melden/terug/")
    page.fill("input[name=code]", "12")
    page.click("main form button[type=submit]")
    assert_accessible(page)
    # Coordinator: the organisation recovery key shown once; an oral report and its receipt;
    # the personal recovery page.
    make_member(organisation, Role.ADVISOR, Role.COORDINATOR, email="coord2@example.org", name="Co Ord")
    login("coord2@example.org")
    page.goto(f"/o/{slug}/meldingen/ontgrendelen/")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"/o/{slug}/meldingen/herstelsleutel/")
    page.check("input[name=confirm]")
    page.click("main button[name=create]")
    assert page.locator("[data-testid=org-recovery-key]").inner_text().startswith("VNR-")
    assert_accessible(page)
    page.goto(f"/o/{slug}/meldingen/mondeling/")
    page.check("input[name=mode][value=confidential]")
    page.fill("textarea[name=narrative]", "Verslag van een telefoongesprek.")
    page.fill("input[name=identity]", "Bram")
    page.click("main form button[type=submit]")
    assert page.locator("[data-testid=receipt-code]").count() == 1
    assert_accessible(page)
    page.goto(f"/o/{slug}/meldingen/herstellen/")
    assert_accessible(page)
    # Removing a recipient: the report page with its remove links, the confirmation, and the
    # coordinator's overview and "remove from all reports" for someone who left.
    from vangnet.organisations.models import Membership
    from vangnet.reporting.services import report_submit

    me = Membership.objects.get(organisation=organisation, user__email="coord2@example.org")
    report, _code = report_submit(organisation=organisation, category="pesten", mode="anonymous",
                                  parts={"narrative": "Twee ontvangers"}, recipient=me,
                                  extra_recipients=[advisor])
    page.goto(f"/o/{slug}/meldingen/{report.pk}/")
    assert_accessible(page)
    page.click(f"a[href='/o/{slug}/meldingen/{report.pk}/ontvangers/{advisor.pk}/verwijderen/']")
    assert page.locator("main button[name=confirm]").count() == 1
    assert_accessible(page)
    page.goto(f"/o/{slug}/meldingen/ontvangers/")
    assert_accessible(page)
    Membership.objects.filter(pk=advisor.pk).update(is_active=False)
    # The raw update skips the event that keeps the coordinator's running totals (ADR 0095).
    from vangnet.reporting import holdings
    from vangnet.reporting.models import ReportRecipient

    holdings.refresh(ReportRecipient.objects.filter(membership_id=advisor.pk)
                     .values_list("report_id", flat=True))
    page.goto(f"/o/{slug}/meldingen/ontvangers/{advisor.pk}/verwijderen/")
    assert_accessible(page)
    page.click("main button[name=confirm]")
    assert page.url.endswith(f"/o/{slug}/meldingen/ontvangers/")
    assert_accessible(page)
