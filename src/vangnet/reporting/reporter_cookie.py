"""The returning reporter's short-lived access, without a server-side session (docs/adr/0033).

After a correct receipt code, the report id and the report key are encrypted under a server key
and put in one HttpOnly, SameSite=Strict cookie, valid for 30 minutes and only on the reporter's
pages. Nothing is written to the database: no session row, no address, no user agent.
"""

from __future__ import annotations

import base64
import json
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from vangnet.core import crypto

from .models import Report
from .services import ReporterAccess

COOKIE = "vn_reporter"
MAX_AGE = 30 * 60


def _path(org_slug: str) -> str:
    return reverse("reporting:route", args=[org_slug])


def reporter_cookie_set(request: HttpRequest, response: HttpResponse, access: ReporterAccess) -> None:
    payload = json.dumps({"r": access.report.pk, "k": base64.b64encode(access.report_key).decode(),
                          "e": int(time.time()) + MAX_AGE}).encode()
    token = base64.urlsafe_b64encode(crypto.server_encrypt("reporter-cookie", payload)).decode()
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, path=_path(access.report.organisation.slug),
                        httponly=True, samesite="Strict",
                        secure=settings.SESSION_COOKIE_SECURE or request.is_secure())


def reporter_cookie_clear(response: HttpResponse, org_slug: str) -> None:
    response.delete_cookie(COOKIE, path=_path(org_slug), samesite="Strict")


def reporter_access_from_cookie(request: HttpRequest, org_slug: str) -> ReporterAccess | None:
    token = request.COOKIES.get(COOKIE)
    if not token:
        return None
    try:
        # Any configured server key: a rotation does not throw reporters out mid-visit.
        payload = json.loads(crypto.server_decrypt("reporter-cookie",
                                                   base64.urlsafe_b64decode(token.encode()))[0])
        if int(payload["e"]) < time.time():
            return None
        report = Report.objects.select_related("organisation").filter(
            pk=int(payload["r"]), organisation__slug=org_slug
        ).first()
        key = base64.b64decode(payload["k"])
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        return None
    if report is None:
        return None
    return ReporterAccess(report=report, report_key=key)
