"""Issue 12: in a real browser, reloading the receipt page never sends the report again."""

from __future__ import annotations

import re

import pytest

from support.browser import assert_accessible, send_report
from vangnet.reporting.models import Report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reload_of_the_receipt_page_sends_nothing(page, organisation, advisor) -> None:
    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}")
    page.check("input[name=mode][value=anonymous]")
    page.check("input[name=category][value=pesten]")
    page.fill("textarea[name=narrative]", "Er wordt steeds over mij geroddeld in het team.")
    # The form exactly as the browser would send it (text fields, including the one-time token).
    fields = page.evaluate("""() => Object.fromEntries([...new FormData(
        document.querySelector('main form')).entries()].filter(([, v]) => typeof v === 'string'))""")
    assert fields["submission"]
    send_report(page)
    page.wait_for_url(f"**/o/{slug}/melden/ontvangen/")
    code = page.locator("[data-testid=receipt-code]").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    assert_accessible(page)
    assert Report.objects.count() == 1
    # The cookie that carried the code is gone, and the browser could not read it anyway.
    assert not [c for c in page.context.cookies() if c["name"] == "vn_receipt"]

    response = page.reload()
    assert response is not None and response.status == 200
    assert page.locator("[data-testid=receipt-code]").count() == 0
    assert page.locator("[data-testid=receipt-shown]").count() == 1
    assert_accessible(page)
    assert Report.objects.count() == 1

    # The same form sent again (back, then resend the very same POST body): no second report.
    again = page.request.post(f"/o/{slug}/melden/nieuw/", form=fields)
    assert again.ok and 'data-testid="receipt-shown"' in again.text()
    assert 'data-testid="receipt-code"' not in again.text()
    assert Report.objects.count() == 1
