"""Browsing, filtering, searching, cards and the organisation's own catalogue."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from support.people import make_member
from vangnet.organisations.roles import Role
from vangnet.toolbox import selectors, services
from vangnet.toolbox.models import Werkvorm

from .conftest import actor

pytestmark = pytest.mark.django_db


def url(name: str, org: Any, *args: Any) -> str:
    return reverse(f"toolbox:{name}", args=[org.slug, *args])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def own_input(**changes: Any) -> services.OwnWerkvormInput:
    values = {"title": "Koffie en klachten", "purpose": "Even bijpraten over wat dwarszit.",
                  "kind": "exercise", "pillars": (2,), "themes": ("werkdruk",), "audience": ("team",),
                  "duration_minutes": 20, "group_min": 3, "group_max": 10, "preparation": "Zet koffie.",
                  "steps": ("Vraag wat dwarszit.", "Luister."), "why": "Het helpt.",
                  "who_what_where": "Teamleider, pantry.", "tips": ("Begin zelf.",),
                  "safety_note": "Verwijs bij zware zaken naar de vertrouwenspersoon."}
    values.update(changes)
    return services.OwnWerkvormInput(**values)


def test_every_member_can_browse_and_open_a_werkvorm(team: Any, client_for: Any) -> None:
    client = client_for(team.employee)
    response = client.get(url("werkvorm_list", team.organisation))
    assert response.status_code == 200
    assert "Wekelijkse check-in" in response.content.decode()
    detail = client.get(url("werkvorm_detail", team.organisation, "wekelijkse-check-in"))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Waarom het werkt" in body or "Why it works" in body
    assert 'class="vn-term utrecht-link"' in body  # glossary terms are linked
    assert "toolbox/begrippen/#term-" in body


def test_a_member_of_another_organisation_gets_404(team: Any, other_organisation: Any,
                                                   client_for: Any) -> None:
    stranger = make_member(other_organisation, Role.COORDINATOR)
    client = client_for(stranger)
    for name, args in [("index", ()), ("werkvorm_list", ()), ("glossary", ()), ("faq", ()),
                       ("werkvorm_detail", ("wekelijkse-check-in",)), ("dilemma_list", ()),
                       ("session_list", ()), ("routine_list", ()), ("session_builder", ())]:
        assert client.get(url(name, team.organisation, *args)).status_code == 404, name


def test_filters(team: Any, client_for: Any) -> None:
    a = actor(team.employee)

    def slugs(**filters: Any) -> set[str]:
        return {w.slug for w in selectors.werkvormen_filtered(
            actor=a, filters=selectors.WerkvormFilters(**filters), language="nl")}

    every = slugs()
    assert len(every) >= 24
    assert all(2 in Werkvorm.objects.get(slug=s).pillars for s in slugs(pillar=2))
    assert "werkdruk-check-in" in slugs(pillar=2) and "werkdruk-check-in" not in slugs(pillar=3)
    assert slugs(theme="feedback") >= {"feedback-vragen", "feedback-ontvangen"}
    assert all("manager" in Werkvorm.objects.get(slug=s).audience for s in slugs(audience="manager"))
    assert all(Werkvorm.objects.get(slug=s).duration_minutes <= 15 for s in slugs(max_minutes=15))
    assert "een-op-een-met-collega-in-minderheid" in slugs(group_size=2)
    assert "waar-ligt-jouw-grens" not in slugs(group_size=2)
    assert slugs(kind="conversation-guide") and slugs(kind="conversation-guide") < every
    # Through the page, with an invalid value ignored instead of an error page.
    client = client_for(team.employee)
    response = client.get(url("werkvorm_list", team.organisation),
                          {"pillar": "4", "max_minutes": "nonsense", "group_size": "-3"})
    assert response.status_code == 200
    assert "Nazorg na een melding" in response.content.decode()


def test_search_ranks_title_hits_first(team: Any, client_for: Any) -> None:
    a = actor(team.employee)
    found = list(selectors.werkvormen_filtered(
        actor=a, filters=selectors.WerkvormFilters(query="feedback"), language="nl"))
    assert found and "feedback" in found[0].title_nl.lower()
    assert not list(selectors.werkvormen_filtered(
        actor=a, filters=selectors.WerkvormFilters(query="xylofoonzzz"), language="nl"))
    english = list(selectors.werkvormen_filtered(
        actor=a, filters=selectors.WerkvormFilters(query="confidential advisor"), language="en"))
    assert any(w.slug == "zo-werkt-de-vertrouwenspersoon" for w in english)
    response = client_for(team.employee).get(url("werkvorm_list", team.organisation),
                                             {"q": "check-in"})
    assert "Wekelijkse check-in" in response.content.decode()


def test_dutch_search_matches_word_forms_on_postgresql(team: Any) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Dutch stemming is a PostgreSQL feature; SQLite uses the substring fallback")
    found = {w.slug for w in selectors.werkvormen_filtered(
        actor=actor(team.employee), filters=selectors.WerkvormFilters(query="grappen"),
        language="nl")}
    assert "grappen-die-te-ver-gaan" in found
    stemmed = {w.slug for w in selectors.werkvormen_filtered(
        actor=actor(team.employee), filters=selectors.WerkvormFilters(query="grap"),
        language="nl")}
    assert "grappen-die-te-ver-gaan" in stemmed


def test_list_page_query_count_is_constant(team: Any, client_for: Any,
                                           django_assert_max_num_queries: Any) -> None:
    client = client_for(team.employee)
    client.get(url("werkvorm_list", team.organisation))  # warm up session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(url("werkvorm_list", team.organisation))
    baseline = len(few.captured_queries)
    for number in range(15):
        services.werkvorm_create(actor=actor(team.coordinator), data=own_input(title=f"Eigen {number}"))
    with django_assert_max_num_queries(baseline):
        response = client.get(url("werkvorm_list", team.organisation))
    assert "Eigen 14" in response.content.decode()


def test_card_pdf_and_deck_pdf_contain_the_texts(team: Any, client_for: Any) -> None:
    client = client_for(team.employee)
    response = client.get(url("werkvorm_pdf", team.organisation, "wekelijkse-check-in"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Wekelijkse check-in" in text and "vertrouwenspersoon" in text
    reader = PdfReader(io.BytesIO(response.content))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert round(width) == 420 and round(height) == 595  # A5 in points
    deck = client.get(url("deck_pdf", team.organisation),
                      {"slug": ["werkdruk-check-in", "feedback-vragen", "bestaat-niet"]})
    deck_text = pdf_text(deck.content)
    assert "Werkdruk" in deck_text and "Feedback vragen" in deck_text.replace("\n", " ")
    empty = client.get(url("deck_pdf", team.organisation))
    assert empty.status_code == 302


def test_pdf_rendering_fetches_nothing_from_outside() -> None:
    from vangnet.toolbox.pdf import FetchRefused, local_static_fetcher

    for bad in ("https://example.org/x.css", "file:///etc/passwd", "http://127.0.0.1/"):
        with pytest.raises(FetchRefused):
            local_static_fetcher(bad)


def test_coordinator_adds_own_werkvorm_and_hides_a_builtin(team: Any, client_for: Any) -> None:
    client = client_for(team.coordinator)
    response = client.post(url("werkvorm_create", team.organisation), {
        "title": "Ons <b>eigen</b> rondje", "purpose": "Samen terugkijken.", "kind": "exercise",
        "pillars": ["1"], "themes": ["leren"], "audience": ["team"], "duration_minutes": "20",
        "group_min": "2", "group_max": "12", "preparation": "Niets.",
        "steps": "Vraag wat goed ging.\n- Vraag wat beter kan.", "why": "Leren.",
        "who_what_where": "Iedereen.", "tips": "", "safety_note": "Verwijs naar de vertrouwenspersoon.",
    })
    assert response.status_code == 302
    werkvorm = Werkvorm.objects.get(organisation=team.organisation)
    assert werkvorm.body_nl["steps"] == ["Vraag wat goed ging.", "Vraag wat beter kan."]
    page = client.get(url("werkvorm_detail", team.organisation, werkvorm.slug)).content.decode()
    assert "Ons &lt;b&gt;eigen&lt;/b&gt; rondje" in page and "<b>eigen</b>" not in page

    client.post(url("werkvorm_hide", team.organisation, "werkdruk-check-in"), {"hidden": "1"})
    employee = client_for(team.employee)
    assert employee.get(url("werkvorm_detail", team.organisation, "werkdruk-check-in")).status_code == 404
    assert "Werkdruk-check-in" not in employee.get(url("werkvorm_list", team.organisation)).content.decode()
    assert selectors.werkvormen_by_slugs(team.organisation.pk, ["werkdruk-check-in"]) == []
    coordinator = client_for(team.coordinator)
    assert coordinator.get(url("werkvorm_detail", team.organisation, "werkdruk-check-in")).status_code == 200
    coordinator.post(url("werkvorm_hide", team.organisation, "werkdruk-check-in"), {"hidden": "0"})
    assert selectors.werkvormen_by_slugs(team.organisation.pk, ["werkdruk-check-in"])


def test_invalid_own_werkvorm_keeps_what_was_entered(team: Any, client_for: Any) -> None:
    response = client_for(team.coordinator).post(url("werkvorm_create", team.organisation), {
        "title": "Bijna klaar", "purpose": "", "kind": "exercise", "pillars": ["1"],
        "audience": ["team"], "duration_minutes": "20", "group_min": "8", "group_max": "3",
        "preparation": "x", "steps": "  ", "why": "x", "who_what_where": "x", "safety_note": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Bijna klaar"' in body
    assert not Werkvorm.objects.filter(organisation=team.organisation).exists()


def test_only_coordinators_change_the_catalogue(team: Any, client_for: Any) -> None:
    for member in (team.employee, team.manager):
        client = client_for(member)
        assert client.get(url("werkvorm_create", team.organisation)).status_code == 403
        assert client.post(url("werkvorm_hide", team.organisation, "werkdruk-check-in"),
                           {"hidden": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.werkvorm_create(actor=actor(team.manager), data=own_input())
    # Built-ins cannot be edited in the UI, not even by a coordinator.
    assert client_for(team.coordinator).get(
        url("werkvorm_edit", team.organisation, "werkdruk-check-in")).status_code == 403


def test_own_werkvorm_is_invisible_to_other_organisations(team: Any, other_organisation: Any,
                                                          client_for: Any) -> None:
    own = services.werkvorm_create(actor=actor(team.coordinator), data=own_input())
    outsider = make_member(other_organisation, Role.COORDINATOR)
    client = client_for(outsider)
    assert client.get(url("werkvorm_detail", other_organisation, own.slug)).status_code == 404
    assert selectors.werkvormen_by_slugs(other_organisation.pk, [own.slug]) == []
    with pytest.raises(PermissionDenied):
        services.werkvorm_set_hidden(actor=actor(outsider), werkvorm=own, hidden=True)


def test_werkvormen_by_slugs_keeps_order_and_skips_unknown(team: Any) -> None:
    found = selectors.werkvormen_by_slugs(team.organisation.pk,
                                          ["feedback-vragen", "nope", "wekelijkse-check-in"])
    assert [w.slug for w in found] == ["feedback-vragen", "wekelijkse-check-in"]
    assert reverse("toolbox:werkvorm_detail",
                   kwargs={"org_slug": team.organisation.slug, "slug": "feedback-vragen"})


def test_dilemmas_glossary_and_faq_pages(team: Any, client_for: Any) -> None:
    client = client_for(team.employee)
    listing = client.get(url("dilemma_list", team.organisation), {"setting": "technical"})
    assert listing.status_code == 200 and "Een grap in de teamapp" in listing.content.decode()
    assert "Boze inwoner" not in listing.content.decode()
    detail = client.get(url("dilemma_detail", team.organisation, "grap-in-de-teamapp"))
    assert detail.status_code == 200 and "Grappen die te ver gaan" in detail.content.decode()
    assert client.get(url("dilemma_detail", team.organisation, "bestaat-niet")).status_code == 404
    glossary = client.get(url("glossary", team.organisation)).content.decode()
    assert 'id="term-vertrouwenspersoon"' in glossary
    faq = client.get(url("faq", team.organisation)).content.decode()
    assert "Voor leidinggevenden" in faq or "For managers" in faq


def test_public_glossary_and_faq_need_no_login(team: Any, client: Any) -> None:
    glossary = client.get(url("public_glossary", team.organisation))
    assert glossary.status_code == 200 and 'id="term-pesten"' in glossary.content.decode()
    assert client.get(url("public_faq", team.organisation)).status_code == 200
    assert client.get(reverse("toolbox:public_faq", args=["bestaat-niet"])).status_code == 404
    public_home = client.get(reverse("organisations:public_home", args=[team.organisation.slug]))
    assert url("public_glossary", team.organisation) in public_home.content.decode()


def test_navigation_items_per_role(team: Any) -> None:
    from vangnet.toolbox.navigation import nav_items

    employee = {i.label for i in nav_items(actor(team.employee))}
    manager = {i.label for i in nav_items(actor(team.manager))}
    assert "Compose a session" not in employee and "Sessie samenstellen" not in employee
    assert len(manager) == len(employee) + 1
    assert any(i.in_menu for i in nav_items(actor(team.employee)))


def test_pages_follow_the_active_language(team: Any, client_for: Any) -> None:
    from django.conf import settings

    client = client_for(team.employee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url("werkvorm_detail", team.organisation, "wekelijkse-check-in")).content.decode()
    assert "Weekly check-in" in english and "Why it works" in english
    assert "#term-vertrouwenspersoon" in english  # English glossary terms are linked too
    pdf = client.get(url("werkvorm_pdf", team.organisation, "wekelijkse-check-in"))
    assert "Weekly check-in" in pdf_text(pdf.content)
    found = client.get(url("werkvorm_list", team.organisation), {"q": "feedback"}).content.decode()
    assert "Asking for feedback" in found or "feedback" in found.lower()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = client.get(url("werkvorm_detail", team.organisation, "wekelijkse-check-in")).content.decode()
    assert "Wekelijkse check-in" in dutch and "Waarom het werkt" in dutch


def test_demo_seed_is_idempotent(db: Any) -> None:
    from vangnet.organisations.demo import seed_organisations
    from vangnet.toolbox import demo
    from vangnet.toolbox.models import Routine, TeamSession

    organisation, people = seed_organisations()
    demo.seed(organisation=organisation, people=people)
    counts = (Werkvorm.objects.count(), TeamSession.objects.count(), Routine.objects.count())
    demo.seed(organisation=organisation, people=people)
    assert counts == (Werkvorm.objects.count(), TeamSession.objects.count(), Routine.objects.count())
    assert counts[1] == 1 and counts[2] == 2


@pytest.mark.parametrize("query", ['"', "!&|:*", "-", "a", "' OR 1=1 --", "grens & (", "ééé", "x" * 100])
def test_odd_search_input_never_breaks_the_page(team: Any, client_for: Any, query: str) -> None:
    response = client_for(team.employee).get(url("werkvorm_list", team.organisation), {"q": query})
    assert response.status_code == 200
