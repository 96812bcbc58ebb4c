"""The pulse's results as PDF, CSV and API, and the trend of a team over its waves (issue 14).

The small team appears nowhere (PDF text extracted with pypdf, CSV, API), and the organisation's
figure is over the shown teams only, so nothing about it follows by subtraction. The trend flags a
change only when it is larger than its uncertainty, checked against DOMAIN.md's worked example.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from support.people import make_member
from vangnet.core.statistics import change_is_beyond_uncertainty, mean_interval
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.pulse import report, services
from vangnet.pulse.content import instrument
from vangnet.pulse.models import PulseGroup, PulseResponse, PulseRound

from .test_flow import answer, links_by_address, plan

pytestmark = pytest.mark.django_db


def _close_wave(client: Any, organisation: Any, people: dict[str, Any], capture: Any,
                values: dict[str, int]) -> PulseRound:
    round_ = plan(people, capture, *values)
    links = links_by_address()
    for name, value in values.items():
        for member in people["members"][name]:
            answer(client, organisation, links[member.user.email], value, "meer overleg")
    services.round_close(actor=people["coordinator"], round_=round_)
    return PulseRound.objects.get(pk=round_.pk)


def _login(client: Any, actor: Any) -> None:
    client.force_login(Membership.objects.get(pk=actor.membership_id).user)


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_pdf_csv_and_api_never_name_the_small_team(
        client: Any, organisation: Any, people: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    wave = _close_wave(client, organisation, people, django_capture_on_commit_callbacks,
                       {"north": 6, "south": 3, "small": 1})
    _login(client, people["coordinator"])
    slug = organisation.slug
    pdf = client.get(reverse("pulse:wave_pdf", args=[slug, wave.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Team Noord" in text and "Team Zuid" in text and "Team Klein" not in text
    assert "meer overleg" in text  # 11 counted ≥ 10: open answers for the coordinator
    csv = client.get(reverse("pulse:wave_csv", args=[slug, wave.pk])).content.decode()
    assert "Team Noord" in csv and "Team Zuid" in csv and "Team Klein" not in csv
    api = client.get(f"/api/v1/pulse/waves/{wave.pk}/results")
    assert api.status_code == 200 and api["Cache-Control"] == "no-store"
    data = api.json()
    assert "Team Klein" not in json.dumps(data)
    assert {u["name"] for u in data["units"]} == {"Team Noord", "Team Zuid"}
    assert data["units_not_shown"] == 1
    # No parent figure gives the small team away: the organisation's figure is over the shown
    # teams only (organisation − shown teams = nobody), in every shape.
    shown = sum(u["scales"]["veiligheid"]["n"] for u in data["units"])
    assert data["organisation"]["answers"] == shown == 11
    assert data["organisation"]["small_units_left_out"] is True
    mean = data["organisation"]["scales"]["veiligheid"]["mean"]
    assert mean == pytest.approx(sum(u["scales"]["veiligheid"]["mean"] * u["answers"]
                                     for u in data["units"]) / shown, abs=1e-3)
    # The small team's own members are nowhere as a figure either: its item counts (3 people
    # answering 1) would be a row of 3s in the distribution.
    assert all(sum(counts) >= 5 for u in data["units"] for counts in u["items"].values())


def test_api_is_for_coordinators_of_the_organisation(
        client: Any, organisation: Any, people: dict[str, Any], other_organisation: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    wave = _close_wave(client, organisation, people, django_capture_on_commit_callbacks,
                       {"north": 6})
    url = f"/api/v1/pulse/waves/{wave.pk}/results"
    client.logout()
    assert client.get(url).status_code == 401
    _login(client, people["manager"])  # sees the page, not the API
    assert client.get(url).status_code == 404
    outsider = make_member(other_organisation, Role.EMPLOYEE, Role.COORDINATOR)
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/pulse/waves/999999/results").status_code == 404
    _login(client, people["coordinator"])
    open_wave = plan(people, django_capture_on_commit_callbacks, "south")
    assert client.get(f"/api/v1/pulse/waves/{open_wave.pk}/results").status_code == 409
    trend = client.get(f"/api/v1/pulse/units/{people['units']['north'].pk}/trend")
    assert trend.status_code == 200
    assert trend.json()["waves"][0]["scales"]["veiligheid"]["respondents"] == 6


def _add_closed_wave(people: dict[str, Any], unit: str, scores: list[int],
                     days_ago: int) -> PulseRound:
    """A closed wave of one unit with these scores (every item answered alike, reverse-keyed
    items turned round), closed `days_ago` days ago, through the service that snapshots it."""
    unit_obj = people["units"][unit]
    round_ = PulseRound.objects.create(organisation_id=people["coordinator"].organisation_id,
                                       title=f"Golf {days_ago}", closes_on=timezone.localdate())
    group = PulseGroup.objects.create(round=round_, unit=unit_obj, unit_name=unit_obj.name,
                                      parent_unit_id=unit_obj.parent_id, slug=f"g{unit_obj.pk}")
    PulseResponse.objects.bulk_create(
        PulseResponse(round=round_, group=group, channel="personal", submitted=True,
                      answers={i.code: (8 - s if i.reverse else s) for i in instrument().items})
        for s in scores)
    services.round_close(actor=None, round_=round_)
    PulseRound.objects.filter(pk=round_.pk).update(
        closed_at=timezone.now() - timedelta(days=days_ago))
    return round_


def test_change_is_flagged_only_beyond_the_uncertainty_domain_example(
        organisation: Any, people: dict[str, Any]) -> None:
    """DOMAIN.md's teams as three waves of one team: A = 4,5,5,6 (mean 5), C = 5,4,4,3 (mean 4),
    B = 3,3,4,2 (mean 3). Each interval: s = 0.8165, half width 1.2992 (t(3) = 3.1824); the
    difference's uncertainty is 1.96·√(2·0.4082²) = 1.1316. A → C (1.0) is within it: not
    flagged; C → B (1.0) neither; A → B (2.0) would be. Here with k = 3 (the hard minimum)."""
    a, c, b = [4, 5, 5, 6], [5, 4, 4, 3], [3, 3, 4, 2]
    ia, ic, ib = mean_interval(a), mean_interval(c), mean_interval(b)
    assert ia and ic and ib
    assert round(ia.half_width, 4) == round(ib.half_width, 4) == 1.2992
    assert not change_is_beyond_uncertainty(ia, ic)
    assert change_is_beyond_uncertainty(ia, ib)
    for days, scores in ((30, a), (20, c), (10, b), (5, a)):
        round_ = _add_closed_wave(people, "north", scores, days)
        PulseRound.objects.filter(pk=round_.pk).update(threshold=3)
    # The snapshot was made with the wave's own threshold (5): four answers are too few there.
    # Make them again at 3 so the worked example is visible.
    for round_ in PulseRound.objects.all():
        round_.status = PulseRound.Status.OPEN
        round_.save(update_fields=["status"])
        closed_at = round_.closed_at
        services.round_close(actor=None, round_=round_)
        PulseRound.objects.filter(pk=round_.pk).update(closed_at=closed_at)
    from vangnet.pulse.selectors import unit_trend

    points = [p for p in unit_trend(actor=people["coordinator"], unit_id=people["units"][
        "north"].pk) if p.scale == "veiligheid"]
    assert [p.mean for p in points] == [5.0, 4.0, 3.0, 5.0]
    assert [round(p.high - p.mean, 4) for p in points] == [1.2992] * 4
    # A→C: within; C→B: within; B→A: 2.0 > 1.1316, flagged.
    assert [p.changed for p in points] == [False, False, False, True]


def test_trend_page_chart_is_readable_in_print_and_costs_the_same_over_more_waves(
        client: Any, organisation: Any, people: dict[str, Any]) -> None:
    _login(client, people["coordinator"])
    url = reverse("pulse:unit_trend", args=[organisation.slug, people["units"]["north"].pk])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    for days in (40, 30):
        _add_closed_wave(people, "north", [6, 6, 5, 6, 7, 6], days)
    few = queries()
    for days in (20, 10, 8, 6, 4):
        _add_closed_wave(people, "north", [3, 4, 3, 2, 3, 3], days)
    assert queries() == few
    html = client.get(url).content.decode()
    svg = html[html.index("<svg class=\"vn-chart__svg\""):html.index("</svg>") + 6]
    assert 'role="img"' in svg and "<title" in svg
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)}
    assert sizes and min(sizes) >= 9
    # Printed at CHART_WIDTH_MM: the picture is scaled by print width / drawn width; the text
    # must stay ≥ 9 pt after that.
    drawn_pt = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
    printed_pt = report.CHART_WIDTH_MM / 25.4 * 72
    assert min(sizes) * printed_pt / drawn_pt >= 9
    # The data table beside it has every wave, the gap-free figures, and the change in words.
    assert html.count("<tr><th scope=\"row\">") == 7
    assert "veranderd, meer dan de onzekerheid" in html or "changed beyond the uncertainty" in html


def test_a_wave_below_the_threshold_is_a_gap_in_the_trend(
        client: Any, organisation: Any, people: dict[str, Any]) -> None:
    _add_closed_wave(people, "north", [6, 6, 5, 6, 7, 6], 30)
    _add_closed_wave(people, "north", [1, 1], 20)  # two answers: below k
    _add_closed_wave(people, "north", [5, 6, 5, 6, 6, 6], 10)  # as many as the first
    _login(client, people["coordinator"])
    data = client.get(f"/api/v1/pulse/units/{people['units']['north'].pk}/trend").json()
    cells = [w["scales"]["veiligheid"] for w in data["waves"]]
    assert cells[1] is None and cells[0] and cells[2]
    html = client.get(reverse("pulse:unit_trend", args=[
        organisation.slug, people["units"]["north"].pk])).content.decode()
    assert "1,0" not in html and "1.0" not in html
