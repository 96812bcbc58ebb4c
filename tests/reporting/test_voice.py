"""Issue 12: a spoken report, recorded in the browser, stored encrypted like an attachment, played
back by the advisor."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.browser import CHROMIUM, CHROMIUM_ARGS, assert_accessible, send_report
from support.people import PASSWORD
from vangnet.reporting.models import Attachment, Report

WEBM = b"\x1a\x45\xdf\xa3" + b"\x00webm-opus-recording-MARKERVOICE4411" * 40


def _post(client, organisation, advisor, voice: bytes, narrative: str = ""):
    return client.post(reverse("reporting:report_new", args=[organisation.slug]), {
        "recipient": str(advisor.pk), "mode": "anonymous", "category": "pesten", "narrative": narrative,
        "voice": SimpleUploadedFile("spraakbericht.webm", voice, content_type="audio/webm"),
    })


@pytest.mark.django_db
def test_a_spoken_report_needs_no_text_and_is_stored_encrypted(client, organisation, advisor) -> None:
    response = _post(client, organisation, advisor, WEBM)
    assert response.status_code == 303, response.content.decode()[:2000]
    report = Report.objects.get()
    attachment = Attachment.objects.get(report=report)
    stored = attachment.file.read()
    assert b"MARKERVOICE4411" not in stored and b"MARKERVOICE4411" not in bytes(attachment.meta_ciphertext)
    client.force_login(advisor.user)
    client.post(reverse("reporting:unlock", args=[organisation.slug]), {"password": PASSWORD})
    detail = client.get(reverse("reporting:detail", args=[organisation.slug, report.pk])).content.decode()
    assert 'data-testid="voice-player"' in detail and "spraakbericht.webm" in detail
    played = client.get(reverse("reporting:attachment", args=[organisation.slug, report.pk, attachment.pk]))
    assert played["Content-Type"] == "audio/webm" and played.content == WEBM


@pytest.mark.django_db
def test_only_recordings_and_without_one_the_text_is_required(client, organisation, advisor) -> None:
    assert _post(client, organisation, advisor, b"MZ\x90\x00 not audio").status_code == 200
    assert _post(client, organisation, advisor, b"").status_code == 200
    assert not Report.objects.exists()
    no_voice = client.post(reverse("reporting:report_new", args=[organisation.slug]), {
        "recipient": str(advisor.pk), "mode": "anonymous", "category": "pesten", "narrative": ""})
    assert 'href="#id_narrative"' in no_voice.content.decode() and not Report.objects.exists()


@pytest.mark.django_db
def test_only_the_report_form_may_use_the_microphone(client, organisation, advisor) -> None:
    form = client.get(reverse("reporting:report_new", args=[organisation.slug]))
    assert "microphone=(self)" in form["Permissions-Policy"]
    body = form.content.decode()
    assert "data-voice" in body and "Je stem kan verraden wie je bent" in body
    route = client.get(reverse("reporting:route", args=[organisation.slug]))
    assert "microphone=()" in route["Permissions-Policy"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_voice_report_recorded_in_the_browser_and_played_back(_playwright, page, login, live_server,
                                                              organisation, advisor) -> None:
    slug = organisation.slug
    # The reporter: a browser with a (fake) microphone.
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    try:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
        reporter = context.new_page()
        reporter.goto(f"/o/{slug}/melden/nieuw/?ontvanger={advisor.pk}")
        reporter.locator("[data-voice]").wait_for(state="visible")
        assert_accessible(reporter)
        reporter.check("input[name=mode][value=anonymous]")
        reporter.check("input[name=category][value=pesten]")
        reporter.click("[data-voice-record]")
        # Wait for a state: the recorder has delivered a few kilobytes of sound.
        reporter.wait_for_function(
            "() => Number(document.querySelector('[data-voice]').dataset.voiceBytes || 0) > 3000")
        reporter.click("[data-voice-stop]")
        reporter.wait_for_function(
            "() => document.querySelector('[data-voice]').hasAttribute('data-voice-ready')")
        assert reporter.evaluate("() => document.querySelector('#id_voice').files.length") == 1
        assert Report.objects.count() == 0  # nothing is sent before "send"
        send_report(reporter)
        reporter.wait_for_url(f"**/o/{slug}/melden/ontvangen/")
        context.close()
    finally:
        browser.close()
    report = Report.objects.get()
    assert Attachment.objects.get(report=report).size > 3000
    # The advisor logs in, unlocks and plays it back: the browser decodes the decrypted recording.
    login(advisor.user.email)
    page.goto(f"/o/{slug}/meldingen/ontgrendelen/?next=/o/{slug}/meldingen/{report.pk}/")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    player = page.locator("[data-testid=voice-player]")
    player.wait_for()
    page.wait_for_function("""() => {
        const audio = document.querySelector('[data-testid=voice-player]');
        return audio.readyState >= 1 && (audio.duration > 0);
    }""")
    page.evaluate("() => document.querySelector('[data-testid=voice-player]').play()")
    page.wait_for_function("() => document.querySelector('[data-testid=voice-player]').currentTime > 0")
