"""Step 3: team agreements, the discussion log, the "not discussed for a year" flag, and the
toolbox session's "agreements made" step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vangnet.conduct import selectors, services
from vangnet.conduct.models import TeamAgreement
from vangnet.toolbox import services as toolbox_services
from vangnet.toolbox.models import Werkvorm

pytestmark = pytest.mark.django_db


def _session(org: Any) -> Any:
    toolbox_services.builtin_content_load()
    werkvorm = Werkvorm.objects.filter(organisation__isnull=True, slug="gedragscode-bespreken").first()
    assert werkvorm is not None
    return toolbox_services.session_create(actor=org.actor(org.manager), unit=org.unit,
                                           title="Teamsessie omgangsvormen", werkvormen=[werkvorm])


def test_manager_keeps_agreements_of_their_team_not_of_another(org: Any) -> None:
    today = timezone.localdate()
    made = services.agreements_add(actor=org.actor(org.manager), unit=org.unit, made_on=today,
                                   texts=["We zeggen het meteen als een grap te ver gaat", " ", "x"])
    assert [a.text for a in made] == ["We zeggen het meteen als een grap te ver gaat", "x"]
    with pytest.raises(PermissionDenied):
        services.agreements_add(actor=org.actor(org.manager), unit=org.other_unit, made_on=today,
                                texts=["Nee"])
    with pytest.raises(PermissionDenied):
        services.agreements_add(actor=org.actor(org.employee), unit=org.unit, made_on=today,
                                texts=["Nee"])
    with pytest.raises(PermissionDenied):
        services.agreements_add(actor=org.actor(org.outsider_coordinator), unit=org.unit,
                                made_on=today, texts=["Nee"])
    with pytest.raises(ValidationError):
        services.agreements_add(actor=org.actor(org.coordinator), unit=org.unit, made_on=today,
                                texts=["  "])


def test_the_team_reads_its_agreements_others_do_not(client: Any, org: Any) -> None:
    services.agreements_add(actor=org.actor(org.coordinator), unit=org.unit,
                            made_on=timezone.localdate(), texts=["Feedback geven we onder vier ogen"])
    url = reverse("conduct:team", args=[org.organisation.slug, org.unit.pk])
    client.force_login(org.employee.user)
    response = client.get(url)
    assert response.status_code == 200 and "Feedback geven we onder vier ogen" in response.content.decode()
    assert "Bespreking vastleggen" not in response.content.decode()  # the team reads, keepers write
    client.force_login(org.other_employee.user)
    assert client.get(url).status_code == 404
    client.force_login(org.outsider_coordinator.user)
    assert client.get(url).status_code == 404
    with pytest.raises(Http404):
        selectors.team_get_for_actor(actor=org.actor(org.other_employee), pk=org.unit.pk)


def test_discussion_log_updates_last_discussed_and_the_year_flag(client: Any, org: Any) -> None:
    long_ago = timezone.localdate() - timedelta(days=400)
    old, recent = services.agreements_add(actor=org.actor(org.manager), unit=org.unit,
                                          made_on=long_ago, texts=["Oud", "Ook oud"])
    client.force_login(org.employee.user)
    url = reverse("conduct:team", args=[org.organisation.slug, org.unit.pk])
    assert client.get(url).content.decode().count("Een jaar niet besproken") == 2
    services.discussion_record(actor=org.actor(org.manager), unit=org.unit,
                               held_on=timezone.localdate(), about_code=True,
                               agreement_ids=[recent.pk], note="Goed gesprek over feedback")
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.last_discussed_on == timezone.localdate()
    assert old.last_discussed_on == long_ago
    page = client.get(url).content.decode()
    assert page.count("Een jaar niet besproken") == 1
    assert "Goed gesprek over feedback" in page


def test_discussion_needs_a_subject_and_a_date_not_in_the_future(org: Any) -> None:
    manager = org.actor(org.manager)
    with pytest.raises(ValidationError):
        services.discussion_record(actor=manager, unit=org.unit, held_on=timezone.localdate(),
                                   about_code=False, agreement_ids=[], note="")
    with pytest.raises(ValidationError):
        services.discussion_record(actor=manager, unit=org.unit,
                                   held_on=timezone.localdate() + timedelta(days=1),
                                   about_code=True, agreement_ids=[], note="")
    with pytest.raises(PermissionDenied):
        services.discussion_record(actor=org.actor(org.employee), unit=org.unit,
                                   held_on=timezone.localdate(), about_code=True,
                                   agreement_ids=[], note="")


def test_coordinator_sees_per_unit_when_code_and_agreements_were_last_discussed(org: Any) -> None:
    services.agreements_add(actor=org.actor(org.manager), unit=org.unit,
                            made_on=date(2025, 1, 6), texts=["Oud"])
    services.discussion_record(actor=org.actor(org.manager), unit=org.unit,
                               held_on=date(2026, 3, 2), about_code=True, agreement_ids=[], note="")
    rows = {row.label: row for row in selectors.discussed_per_unit(actor=org.actor(org.coordinator))}
    assert rows["Team Jeugd"].code_last == date(2026, 3, 2)
    assert rows["Team Jeugd"].agreements_last == date(2025, 1, 6)
    assert rows["Team Jeugd"].stale == 1
    assert rows["Team Wmo"].code_last is None
    with pytest.raises(Http404):
        selectors.discussed_per_unit(actor=org.actor(org.manager))


def test_toolbox_session_links_to_agreements_made_which_the_team_page_shows(client: Any,
                                                                            org: Any) -> None:
    session = _session(org)
    slug = org.organisation.slug
    client.force_login(org.manager.user)
    detail = client.get(reverse("toolbox:session_detail", args=[slug, session.pk])).content.decode()
    step_url = reverse("conduct:session_agreements", args=[slug, session.pk])
    assert f'href="{step_url}"' in detail
    assert client.get(step_url).status_code == 200
    response = client.post(step_url, {"texts": "We laten elkaar uitpraten\nWe melden onveilige situaties",
                                      "made_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    agreements = list(TeamAgreement.objects.filter(unit=org.unit))
    assert [a.session_id for a in agreements] == [session.pk, session.pk]
    team_page = client.get(reverse("conduct:team", args=[slug, org.unit.pk])).content.decode()
    assert "We laten elkaar uitpraten" in team_page and "Gemaakt in een teamsessie." in team_page


def test_agreements_made_step_refuses_people_who_may_not_keep_them(client: Any, org: Any) -> None:
    session = _session(org)
    step_url = reverse("conduct:session_agreements", args=[org.organisation.slug, session.pk])
    client.force_login(org.employee.user)
    assert client.post(step_url, {"texts": "Nee", "made_on": "2026-12-01"}).status_code == 403
    client.force_login(org.outsider_coordinator.user)
    assert client.get(step_url).status_code == 404
    assert not TeamAgreement.objects.exists()
