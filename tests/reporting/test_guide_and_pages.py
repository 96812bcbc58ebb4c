"""The route guide's advice, and that reporting pages load nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from vangnet.reporting.guide import recommend
from vangnet.reporting.models import StepKind
from vangnet.reporting.route import MANAGER_ABOVE


def test_acute_danger_points_to_112() -> None:
    advice = recommend(category="agressie_geweld", manager_involved="no", danger="yes", want="advice",
                       speak_up="yes")
    assert advice.acute and "112" in advice.external_codes
    assert StepKind.SPEAK_UP not in advice.steps  # never advise confronting someone in danger


def test_manager_involved_is_skipped() -> None:
    advice = recommend(category="pesten", manager_involved="yes", danger="no", want="mediation",
                       speak_up="no")
    assert advice.skip_manager and StepKind.MANAGER not in advice.steps
    # Issue 12: the manager above the own manager comes first, then the advisor.
    assert advice.steps[:2] == [MANAGER_ABOVE, StepKind.ADVISOR]


def test_advisor_or_hr_involved_points_past_them() -> None:
    advice = recommend(category="pesten", manager_involved="no", danger="no", want="mediation",
                       speak_up="no", advice_involved="yes")
    assert advice.skip_advice
    assert StepKind.ADVISOR not in advice.steps and StepKind.HR not in advice.steps
    assert StepKind.COMPLAINTS_COMMITTEE in advice.steps and StepKind.EXTERNAL in advice.steps
    assert "arbeidsinspectie" in advice.external_codes


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
