"""The route guide's advice, and that reporting pages load nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from vangnet.reporting.guide import recommend
from vangnet.reporting.models import StepKind


def test_acute_danger_points_to_112() -> None:
    advice = recommend(category="agressie_geweld", manager_involved="no", danger="yes", want="advice",
                       speak_up="yes")
    assert advice.acute and "112" in advice.external_codes
    assert StepKind.SPEAK_UP not in advice.steps  # never advise confronting someone in danger


def test_manager_involved_is_skipped() -> None:
    advice = recommend(category="pesten", manager_involved="yes", danger="no", want="mediation",
                       speak_up="no")
    assert advice.skip_manager and StepKind.MANAGER not in advice.steps
    assert advice.steps[0] == StepKind.ADVISOR


def test_formal_complaint_and_integrity() -> None:
    complaint = recommend(category="integriteit", manager_involved="no", danger="no", want="complaint",
                          speak_up="no")
    assert StepKind.COMPLAINTS_COMMITTEE in complaint.steps
    assert "huis_klokkenluiders" in complaint.external_codes
    speak = recommend(category="roddel_respectloos", manager_involved="no", danger="no", want="heard",
                      speak_up="yes")
    assert speak.steps[:2] == [StepKind.SPEAK_UP, StepKind.MANAGER]


@pytest.mark.django_db
def test_reporting_pages_request_nothing_from_elsewhere(client, organisation, advisor) -> None:
    slug = organisation.slug
    for name in ("route", "guide", "report_new", "return"):
        response = client.get(reverse(f"reporting:{name}", args=[slug]))
        html = response.content.decode()
        # Anything the browser would load by itself: scripts, styles, images, frames.
        loaded = re.findall(r'<(?:script|img|iframe|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert loaded and all(url.startswith("/") for url in loaded), (name, loaded)
        assert response["Cache-Control"] == "no-store"
        assert "sessionid" not in response.cookies
