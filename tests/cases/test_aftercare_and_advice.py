"""Issue 13: aftercare also for bystanders and the team, with restoring trust as a goal; and
advice-only contacts that carry a unit (unit signals, suppressed) and a lesson (the
organisation's lessons, ADR 0102)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from support.people import make_member, make_unit
from vangnet.cases import services
from vangnet.cases.models import AdviceContact, AftercareMoment, AftercarePlan, Lesson
from vangnet.cases.signal_sources import CasesSource
from vangnet.core.signal_sources import Quarter
from vangnet.organisations.models import Organisation
from vangnet.organisations.roles import Role

from .conftest import actor_of
from .test_views import _login

pytestmark = pytest.mark.django_db


# --- aftercare -----------------------------------------------------------------------------


def test_aftercare_for_bystanders_and_the_team_with_restoring_trust(organisation, advisor,
                                                                     submit) -> None:
    _report, _code, case = submit()
    actor = actor_of(advisor)
    soon = timezone.localdate() + timedelta(days=7)
    team = services.aftercare_moment_add(actor=actor, case=case, party="team", planned_for=soon,
                                         topic="Teamgesprek met begeleiding",
                                         goal="restore_trust")
    seen = services.aftercare_moment_add(actor=actor, case=case, party="bystanders",
                                         planned_for=soon, topic="Nagesprek getuigen")
    assert team.plan.party == AftercarePlan.Party.TEAM
    assert team.goal == AftercareMoment.Goal.RESTORE_TRUST
    assert seen.plan.party == AftercarePlan.Party.BYSTANDERS
    assert seen.goal == AftercareMoment.Goal.SUPPORT  # the default
    # One plan per party, separate from the reporter's and the accused's.
    assert set(case.aftercare_plans.values_list("party", flat=True)) == {"team", "bystanders"}
    with pytest.raises(ValidationError):
        services.aftercare_moment_add(actor=actor, case=case, party="team", planned_for=soon,
                                      topic="x", goal="revenge")
    with pytest.raises(ValidationError):
        services.aftercare_moment_add(actor=actor, case=case, party="neighbours",
                                      planned_for=soon, topic="x")
    assert AftercareMoment.objects.count() == 2


def test_the_case_page_plans_aftercare_for_the_team(client, organisation, advisor,
                                                    submit) -> None:
    _report, _code, case = submit()
    _login(client, advisor)
    detail = reverse("cases:detail", args=[organisation.slug, case.pk])
    body = client.get(detail).content.decode()
    for choice in ('value="bystanders"', 'value="team"', 'value="restore_trust"'):
        assert choice in body
    response = client.post(reverse("cases:aftercare", args=[organisation.slug, case.pk]), {
        "party": "team", "goal": "restore_trust", "topic": "Teamsessie",
        "planned_for": (timezone.localdate() + timedelta(days=3)).isoformat()})
    assert response.status_code == 302
    body = client.get(detail).content.decode()
    assert "Het team" in body and "Herstel van vertrouwen" in body and "Teamsessie" in body
    bad = client.post(reverse("cases:aftercare", args=[organisation.slug, case.pk]), {
        "party": "team", "goal": "onzin", "topic": "Teamsessie",
        "planned_for": timezone.localdate().isoformat()})
    assert bad.status_code == 200 and AftercareMoment.objects.count() == 1


# --- advice-only contacts ------------------------------------------------------------------


def test_an_advice_contact_with_a_unit_and_a_lesson(organisation, advisor, coordinator) -> None:
    team = make_unit(organisation, "Team Werkplaats")
    contact = services.advice_contact_record(
        actor=actor_of(advisor), contact_date=timezone.localdate(), category="veiligheid",
        channel="phone", unit=team.pk,
        lesson="Bijna-ongevallen worden niet besproken; plan een leersessie zonder schuldvraag.")
    assert contact.unit_id == team.pk
    lesson = Lesson.objects.get(advice_contact=contact)
    assert lesson.case_id is None and lesson.theme == "veiligheid"
    assert lesson.organisation_id == organisation.pk and lesson.created_by_id == advisor.pk
    # Without a lesson, no lesson row; an empty unit is fine.
    plain = services.advice_contact_record(actor=actor_of(advisor),
                                           contact_date=timezone.localdate(),
                                           category="pesten", channel="phone")
    assert plain.unit_id is None and not Lesson.objects.filter(advice_contact=plain).exists()


def test_an_advice_contact_refuses_another_organisations_unit_and_a_too_short_lesson(
        organisation, advisor) -> None:
    other = Organisation.objects.create(name="Elders", slug="elders")
    foreign = make_unit(other, "Team Elders")
    with pytest.raises(ValidationError) as error:
        services.advice_contact_record(actor=actor_of(advisor), contact_date=timezone.localdate(),
                                       category="pesten", channel="phone", unit=foreign.pk)
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.advice_contact_record(actor=actor_of(advisor), contact_date=timezone.localdate(),
                                       category="pesten", channel="phone", lesson="kort")
    assert "lesson" in error.value.message_dict
    assert not AdviceContact.objects.exists() and not Lesson.objects.exists()


def test_the_advice_page_records_unit_and_lesson_and_the_lessons_page_shows_it(
        client, organisation, advisor, coordinator) -> None:
    team = make_unit(organisation, "Team Werkplaats")
    _login(client, advisor)
    url = reverse("cases:advice", args=[organisation.slug])
    assert f'value="{team.pk}"' in client.get(url).content.decode()
    response = client.post(url, {
        "contact_date": timezone.localdate().isoformat(), "category": "veiligheid",
        "channel": "phone", "outcome": "advice", "unit": str(team.pk),
        "lesson": "Leidinggevenden reageren afwerend op meldingen van onveilige situaties."})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Team Werkplaats" in body and "Leidinggevenden reageren afwerend" in body
    # Bad input: a Dutch message, never a 500.
    bad = client.post(url, {"contact_date": timezone.localdate().isoformat(),
                            "category": "pesten", "channel": "phone", "outcome": "advice",
                            "unit": "abc"})
    assert bad.status_code == 200 and AdviceContact.objects.count() == 1
    _login(client, coordinator)
    lessons = client.get(reverse("cases:lessons", args=[organisation.slug])).content.decode()
    assert "Leidinggevenden reageren afwerend" in lessons and "uit een adviesgesprek" in lessons


def test_a_lesson_outlives_its_advice_contact(organisation, advisor) -> None:
    contact = services.advice_contact_record(
        actor=actor_of(advisor), contact_date=timezone.localdate() - timedelta(days=62 * 31),
        category="pesten", channel="phone", lesson="Roddel in de pauzes wordt niet begrensd.")
    services.retention_purge()
    assert not AdviceContact.objects.filter(pk=contact.pk).exists()
    lesson = Lesson.objects.get()
    assert lesson.advice_contact_id is None and "Roddel" in lesson.text


def test_advice_contacts_with_a_unit_feed_unit_signals_from_the_threshold(organisation,
                                                                          advisor) -> None:
    parent = make_unit(organisation, "Techniek")
    small = make_unit(organisation, "Team Klein", parent=parent)
    big = make_unit(organisation, "Team Groot", parent=parent)
    day = date(2026, 5, 4)
    for unit, n in ((big, 5), (small, 2), (None, 1)):
        AdviceContact.objects.bulk_create([
            AdviceContact(organisation=organisation, contact_date=day, category="pesten",
                          unit=unit) for _ in range(n)])
    figures = {(f.measure, f.unit_id): f for f in CasesSource().figures(
        organisation_id=organisation.pk, quarters=[Quarter.of(day)])}
    assert figures[("cases.advice_contacts", None)].value == 8  # every contact
    assert figures[("cases.advice_contacts", big.pk)].value == 5
    assert figures[("cases.advice_contacts", small.pk)].value is None  # 2 < 5: hidden
    assert figures[("cases.advice_contacts", small.pk)].people == 2
    assert figures[("cases.advice_contacts", parent.pk)].value == 7  # over its sub-units
    measure = next(m for m in CasesSource().measures() if m.key == "cases.advice_contacts")
    assert measure.unit_level


def test_another_advisors_contacts_are_not_listed(client, organisation, advisor) -> None:
    colleague = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Bert Bijstand")
    services.advice_contact_record(actor=actor_of(colleague), contact_date=timezone.localdate(),
                                   category="pesten", channel="phone",
                                   lesson="Een les van een collega, niet voor Anna's lijst.")
    _login(client, advisor)
    body = client.get(reverse("cases:advice", args=[organisation.slug])).content.decode()
    assert "Een les van een collega" not in body
