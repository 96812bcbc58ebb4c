"""Issue 12, first defect: a refresh of the receipt page sent the report again.

Post → redirect (303) → get: the code reaches the receipt page in a short-lived encrypted cookie,
is shown once, and a refresh shows a calm "already shown" page. The same form sent twice (double
click, back and send again) makes one report. The code is never stored in clear (ADR 0033)."""

from __future__ import annotations

import base64
import pickle
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from support.people import PASSWORD
from vangnet.core import crypto
from vangnet.reporting import services, submission
from vangnet.reporting.models import Report

from .test_privacy import database_text

pytestmark = pytest.mark.django_db

TOKEN = "t" * 20 + "0123456789abcdefghij-_"  # any 32–64 URL-safe characters, as token_new makes


def _data(recipient: Any, **extra: Any) -> dict[str, Any]:
    return {"recipient": str(recipient.pk), "mode": "anonymous", "category": "pesten",
            "narrative": "Mijn teamleider schreeuwt tegen mij.", "submission": TOKEN, **extra}


def _urls(organisation: Any) -> tuple[str, str]:
    slug = organisation.slug
    return reverse("reporting:report_new", args=[slug]), reverse("reporting:receipt", args=[slug])


def _code(response: Any) -> str:
    return response.context["code"].replace(" ", "")


def test_form_carries_a_fresh_one_time_token(client, organisation, advisor) -> None:
    new, _receipt = _urls(organisation)
    first = client.get(new).context["submission_token"]
    second = client.get(new).context["submission_token"]
    assert first != second and submission.token_valid(first)
    # A form with errors keeps its token, so sending it after the fix is still one submission.
    kept = client.post(new, {**_data(advisor), "narrative": ""})
    assert kept.status_code == 200 and kept.context["submission_token"] == TOKEN
    assert f'name="submission" value="{TOKEN}"' in kept.content.decode()


def test_post_redirects_and_the_receipt_is_shown_once(client, organisation, advisor) -> None:
    new, receipt = _urls(organisation)
    response = client.post(new, _data(advisor))
    assert response.status_code == 303 and response["Location"] == receipt
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"
    assert Report.objects.count() == 1

    shown = client.get(receipt)
    assert shown.status_code == 200
    code = _code(shown)
    assert len(code) == 16 and services.reporter_open(code=code) is not None
    assert shown.content.decode().count('data-testid="receipt-code"') == 1
    assert "no-store" in shown["Cache-Control"] and shown["Referrer-Policy"] == "no-referrer"
    assert shown.cookies[submission.COOKIE]["max-age"] == 0  # deleted as it is shown

    # The refresh: no code, a calm page with the way on, nothing sent again.
    again = client.get(receipt)
    assert again.status_code == 200
    html = again.content.decode()
    assert "code" not in again.context and 'data-testid="receipt-code"' not in html
    assert 'data-testid="receipt-shown"' in html
    assert reverse("reporting:return", args=[organisation.slug]) in html
    assert "no-store" in again["Cache-Control"] and again["Referrer-Policy"] == "no-referrer"
    assert Report.objects.count() == 1
    assert not Session.objects.exists()


def test_receipt_page_in_dutch(client, organisation, advisor) -> None:
    new, receipt = _urls(organisation)
    client.post(new, _data(advisor), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Je melding is verstuurd" in client.get(receipt, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    html = client.get(receipt, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Er is niets opnieuw verstuurd" in html


def test_the_cookie_is_encrypted_strict_short_and_path_limited(client, organisation, advisor,
                                                               settings) -> None:
    settings.SESSION_COOKIE_SECURE = True  # as in production
    new, receipt = _urls(organisation)
    response = client.post(new, _data(advisor))
    cookie = response.cookies[submission.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["secure"]
    assert cookie["path"] == receipt
    assert 0 < int(cookie["max-age"]) <= 5 * 60 and cookie["expires"]
    code = _code(client.get(receipt, secure=True))
    raw = cookie.value
    assert code not in raw and code not in base64.urlsafe_b64decode(raw.encode()).decode("latin-1")
    # Only the server key opens it.
    plain = crypto.server_decrypt("receipt-cookie", base64.urlsafe_b64decode(raw.encode()))[0]
    assert code.encode() in plain


def test_expired_or_forged_cookie_is_the_calm_page_not_a_500(client, organisation, advisor,
                                                             monkeypatch) -> None:
    new, receipt = _urls(organisation)
    client.cookies[submission.COOKIE] = "bm90IGEgY29va2ll"
    assert 'data-testid="receipt-shown"' in client.get(receipt).content.decode()
    client.cookies[submission.COOKIE] = "%%%"
    assert client.get(receipt).status_code == 200
    client.post(new, _data(advisor))
    later = time.time() + submission.COOKIE_MAX_AGE + 1
    monkeypatch.setattr(submission.time, "time", lambda: later)
    response = client.get(receipt)
    assert response.status_code == 200 and "code" not in response.context


def test_same_form_sent_twice_makes_one_report(client, organisation, advisor) -> None:
    new, receipt = _urls(organisation)
    first = client.post(new, _data(advisor))
    second = client.post(new, _data(advisor))  # double click: the browser kept only this answer
    assert first.status_code == second.status_code == 303
    assert second["Location"] == receipt
    assert Report.objects.count() == 1
    # The first answer (and its cookie) was thrown away by the browser: the code is still shown,
    # once, from the copy sealed under the form's token.
    del client.cookies[submission.COOKIE]
    client.cookies.load(second.cookies)
    code = _code(client.get(receipt))
    assert services.reporter_open(code=code) is not None
    assert "code" not in client.get(receipt).context
    # Back, and send the same form again later: still one report, and no code any more.
    third = client.post(new, _data(advisor), follow=True)
    assert "code" not in third.context and 'data-testid="receipt-shown"' in third.content.decode()
    assert Report.objects.count() == 1
    # A new form (new token) is a new report.
    client.post(new, _data(advisor, submission=submission.token_new()))
    assert Report.objects.count() == 2


def test_refused_submission_can_be_sent_again(client, organisation, advisor) -> None:
    import io

    new, _receipt = _urls(organisation)
    upload = io.BytesIO(b"MZ not an image")
    upload.name = "virus.exe"
    refused = client.post(new, _data(advisor, attachments=upload))
    assert refused.status_code == 200 and not Report.objects.exists()
    assert client.post(new, _data(advisor)).status_code == 303
    assert Report.objects.count() == 1


def test_throttled_submission_keeps_its_token_usable(client, organisation, advisor, settings) -> None:
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 0
    new, _receipt = _urls(organisation)
    assert client.post(new, _data(advisor)).status_code == 429
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 5
    assert client.post(new, _data(advisor)).status_code == 303
    assert Report.objects.count() == 1


def test_no_receipt_code_in_the_database_or_in_clear_in_the_cache(client, organisation,
                                                                  advisor) -> None:
    new, receipt = _urls(organisation)
    client.post(new, _data(advisor))
    cached = pickle.dumps(dict(getattr(cache, "_cache", {})))
    code = _code(client.get(receipt))
    text, blob = database_text()
    for needle in (code, " ".join(code[i:i + 4] for i in range(0, 16, 4)), TOKEN):
        assert needle not in text and needle.encode() not in blob
        assert needle.encode() not in cached
    # Once shown, not even the sealed copy is left.
    assert not any(str(key).find("submission-code") >= 0 for key in getattr(cache, "_cache", {}))


def test_oral_report_refresh_and_resubmit_make_one_report(client, organisation, advisor) -> None:
    slug = organisation.slug
    client.force_login(advisor.user)
    client.post(reverse("reporting:unlock", args=[slug]), {"password": PASSWORD, "next": "/"})
    url = reverse("reporting:oral_new", args=[slug])
    assert client.get(url).context["submission_token"]
    data = {"mode": "confidential", "category": "pesten", "narrative": "Verslag van een gesprek.",
            "identity": "Bram", "submission": TOKEN}
    response = client.post(url, data)
    assert response.status_code == 303 and Report.objects.count() == 1
    shown = client.get(response["Location"])
    assert len(_code(shown)) == 16
    again = client.get(response["Location"])
    assert not again.context["code"] and 'data-testid="receipt-shown"' in again.content.decode()
    client.post(url, data)
    assert Report.objects.count() == 1


def test_second_post_while_the_first_is_at_work_waits_for_its_code(organisation, advisor) -> None:
    assert submission.claim(TOKEN)  # the first POST claimed the form and is still sealing
    assert submission.code_again(TOKEN, wait=0) is None  # nothing to show yet
    key = submission.sent(TOKEN, "1234567812345678")  # the first POST finished
    assert submission.code_again(TOKEN, wait=0) == ("1234567812345678", key)
    submission.forget_code(key)
    assert submission.code_again(TOKEN, wait=0) is None
    assert not submission.claim(TOKEN)  # still one submission
