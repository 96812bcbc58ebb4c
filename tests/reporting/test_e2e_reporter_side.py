"""Issue 12 in a real browser: history, focus and error summary, check step, tel links, 390 px
without sideways scroll, the header menu, quick exit, and axe with every rule on every public page."""

from __future__ import annotations

import re

import pytest

from support.browser import assert_accessible, send_report
from vangnet.reporting.models import Report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = ("hulp/", "melden/", "melden/wegwijzer/", "melden/nieuw/", "melden/terug/")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_guide_answers_never_reach_the_url_or_history(page, organisation, advisor) -> None:
    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/wegwijzer/")
    page.select_option("select[name=category]", "pesten")
    for name, value in (("manager_involved", "yes"), ("advice_involved", "no"), ("danger", "no"),
                        ("want", "advice"), ("speak_up", "no")):
        page.check(f"input[name={name}][value={value}]")
    with page.expect_navigation():
        page.click("main form.vn-guide button[type=submit]")
    assert page.locator("#advice-title").is_visible()
    assert "?" not in page.url and "pesten" not in page.url
    # Every entry the browser keeps for this tab: none holds an answer.
    assert "pesten" not in page.evaluate("() => location.href + document.referrer")
    cookies = page.context.cookies()
    assert cookies and all(c["expires"] == -1 for c in cookies), cookies  # session cookies only
    assert_accessible(page)


def test_error_summary_gets_focus_and_links_to_fields(page, organisation, advisor) -> None:
    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/nieuw/")
    # Nothing is painted invalid before anyone typed.
    assert page.evaluate("() => document.querySelectorAll('main :invalid').length") == 0
    page.check("input[name=mode][value=confidential]")
    page.fill("input[name=when]", "Elke maandag")
    send_report(page)
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-error-summary]')")
    assert page.input_value("input[name=when]") == "Elke maandag"
    page.click("[data-error-summary] a[href='#id_narrative']")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_narrative'")
    assert Report.objects.count() == 0
    assert_accessible(page)


def test_check_step_shows_the_report_before_anything_is_sent(page, organisation, advisor) -> None:
    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}")
    page.check("input[name=mode][value=anonymous]")
    page.check("input[name=category][value=pesten]")
    page.fill("textarea[name=narrative]", "Mijn collega scheldt mij uit.")
    page.click("main [data-check-open]")
    panel = page.locator("main [data-check]")
    panel.wait_for(state="visible")
    assert "Mijn collega scheldt mij uit." in panel.inner_text()
    assert Report.objects.count() == 0
    page.click("main [data-check-change]")
    panel.wait_for(state="hidden")
    page.fill("textarea[name=narrative]", "Mijn collega scheldt mij steeds uit.")
    send_report(page)
    page.wait_for_url(f"**/o/{slug}/melden/ontvangen/")
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}",
                        page.locator("[data-testid=receipt-code]").inner_text().strip())
    assert page.locator("[data-testid=lost-code]").is_visible()
    assert Report.objects.count() == 1
    assert_accessible(page)


def test_phone_at_390_px(browser, live_server, organisation, advisor) -> None:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        slug = organisation.slug
        for path in PUBLIC_PATHS:
            page.goto(f"/o/{slug}/{path}")
            assert _no_sideways_scroll(page), path
            # Header: brand and a menu button on one row; the tools are behind the button.
            button = page.locator("summary.vn-header__menu-button")
            assert button.is_visible(), path
            assert not page.locator(".vn-header__tools").is_visible(), path
        page.goto(f"/o/{slug}/melden/")
        assert page.locator("main a[href='tel:112']").first.is_visible()
        assert page.locator("main a[href^='tel:']").count() >= 3
        page.click("summary.vn-header__menu-button")
        assert page.locator(".vn-header__tools").is_visible()
        assert _no_sideways_scroll(page)
        page.goto(f"/o/{slug}/hulp/")
        acute = page.locator("main a[href='tel:112']")
        assert acute.is_visible()
        assert acute.bounding_box()["y"] < page.locator("main h1").bounding_box()["y"]
        # A tablet turned: wide shows the tools without a button; narrow again hides them behind
        # the button instead of leaving the open menu over the page.
        tools = page.locator(".vn-header__tools")
        page.set_viewport_size({"width": 1024, "height": 768})
        tools.wait_for(state="visible")
        assert not page.locator("summary.vn-header__menu-button").is_visible()
        page.set_viewport_size({"width": 390, "height": 844})
        tools.wait_for(state="hidden")
        assert page.locator("summary.vn-header__menu-button").is_visible()
    finally:
        context.close()


def test_quick_exit_replaces_the_page_and_its_history_entry(page, live_server, organisation, advisor,
                                                             settings) -> None:
    # The neutral site, here a page of the test server (the test machine has no internet).
    settings.VANGNET_QUICK_EXIT_URL = f"{live_server.url}/privacy/"
    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/terug/")
    history_before = page.evaluate("() => history.length")
    # Keyboard: the quick exit is the first thing after the skip link.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-quick-exit')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/privacy/"
    assert page.evaluate("() => history.length") == history_before  # replaced, not added
    page.go_back()
    assert "/melden/terug/" not in page.url


def test_every_public_page_passes_axe_with_all_rules(page, organisation, advisor, settings) -> None:
    # With the demo banner on: it used to sit outside every landmark (axe: region).
    settings.VANGNET_DEMO = True
    slug = organisation.slug
    for path in PUBLIC_PATHS:
        page.goto(f"/o/{slug}/{path}")
        assert page.locator(".vn-demo-banner").count() == 1
        assert_accessible(page)
    # The receipt, the "shown already" page and the reporter's own page (the dialogue).
    page.goto(f"/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}")
    page.check("input[name=mode][value=anonymous]")
    page.check("input[name=category][value=pesten]")
    page.fill("textarea[name=narrative]", "Er wordt over mij geroddeld.")
    send_report(page)
    code = page.locator("[data-testid=receipt-code]").inner_text().strip()
    assert_accessible(page)
    page.reload()
    assert page.locator("[data-testid=receipt-shown]").count() == 1
    assert_accessible(page)
    page.goto(f"/o/{slug}/melden/terug/")
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/melden/mijn-melding/" in page.url
    assert_accessible(page)
    # A page with an error summary.
    page.goto(f"/o/{slug}/melden/terug/")
    page.fill("input[name=code]", "12")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-error-summary]").count() == 1
    assert_accessible(page)


def test_callback_request_reaches_the_advisor(page, login, organisation, advisor) -> None:
    from support.people import PASSWORD

    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/")
    with page.expect_navigation():
        page.click(f"main a[href='/o/{slug}/melden/eerst-praten/']")
    assert_accessible(page)
    # Sent empty: the error summary, focused, with a link to the field.
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-error-summary]')")
    assert page.locator("[data-error-summary] a[href='#id_how_to_reach']").count() == 1
    assert_accessible(page)
    page.fill("input[name=how_to_reach]", "06 11 22 33 44 (privé)")
    page.fill("input[name=when]", "Woensdag na 18:00")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-testid=callback-sent]").is_visible()
    assert_accessible(page)
    # The advisor logs in, unlocks and sees it.
    page.context.clear_cookies()
    login(advisor.user.email)
    page.goto(f"/o/{slug}/meldingen/terugbellen/")
    if "/ontgrendelen/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    table = page.locator("[data-testid=callbacks]")
    assert "06 11 22 33 44 (privé)" in table.inner_text() and "Woensdag na 18:00" in table.inner_text()


def test_a_report_in_arabic_is_rendered_right_to_left(page, login, organisation, advisor) -> None:
    from support.people import PASSWORD

    slug = organisation.slug
    page.goto(f"/o/{slug}/melden/")
    # The reporter chooses Arabic with the language switch in the header.
    with page.expect_navigation():
        page.click("form.vn-language-switch button[value=ar]")
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("() => getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert page.locator("main h1").inner_text() == "إلى أين يمكنني التوجه؟"
    cookie = next(c for c in page.context.cookies() if c["name"] == "django_language")
    assert cookie["value"] == "ar" and cookie["expires"] == -1  # ends with the browser session
    assert_accessible(page)
    page.goto(f"/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.check("input[name=mode][value=anonymous]")
    page.check("input[name=category][value=pesten]")
    page.fill("textarea[name=narrative]", "مديري يصرخ عليّ أمام الفريق كل صباح.")
    send_report(page)
    page.wait_for_url(f"**/o/{slug}/melden/ontvangen/")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.locator("main h1").inner_text() == "تم إرسال بلاغك"
    assert_accessible(page)
    report = Report.objects.get()
    assert report.language == "ar"
    # The advisor (in Dutch) sees the language and reads the Arabic text.
    page.context.clear_cookies()
    login(advisor.user.email)
    page.goto(f"/o/{slug}/meldingen/ontgrendelen/?next=/o/{slug}/meldingen/{report.pk}/")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-testid=report-language]").inner_text() == "Geschreven in het Arabisch"
    assert "مديري يصرخ عليّ" in page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["nl", "en", "pl", "tr", "ar", "uk"])
def test_public_pages_pass_axe_in_every_language(page, live_server, organisation, advisor, language) -> None:
    slug = organisation.slug
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for path in (*PUBLIC_PATHS, "melden/eerst-praten/"):
        page.goto(f"/o/{slug}/{path}")
        assert page.evaluate("() => document.documentElement.lang") == language, path
        assert _no_sideways_scroll(page), path
        assert_accessible(page)
