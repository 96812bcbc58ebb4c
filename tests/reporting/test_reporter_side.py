"""Issue 12, the reporter's side: each defect found in the walk-through, as a test that fails on the
code before the fix (the browser parts are in test_e2e_reporter_side.py)."""

from __future__ import annotations

import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from support.people import make_member, make_unit
from vangnet.organisations.roles import Role
from vangnet.reporting.models import Report, ReportingRoute, ReportRecipient

from .conftest import give_keys

pytestmark = pytest.mark.django_db

PUBLIC = ("route", "guide", "report_new", "return")


def _url(organisation, name: str) -> str:
    return reverse(f"reporting:{name}", args=[organisation.slug])


# --- The route guide: answers out of the URL, no long-lived cookie ---------------------------


def test_guide_form_posts_and_ignores_answers_in_the_url(client, organisation, advisor) -> None:
    url = _url(organisation, "guide")
    page = client.get(url).content.decode()
    assert re.search(r'<form method="post" action="[^"]*/melden/wegwijzer/"', page)
    # Answers in a query string (an old bookmark, a link) are not used, so none are ever needed there.
    answered = client.get(url, {"category": "pesten", "manager_involved": "yes", "advice_involved": "no",
                                "danger": "no", "want": "advice", "speak_up": "no"})
    assert "advice" not in answered.context
    posted = client.post(url, {"category": "pesten", "manager_involved": "no", "advice_involved": "no",
                               "danger": "no", "want": "advice", "speak_up": "no"})
    assert posted.context["advice"] and posted["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", PUBLIC)
def test_no_cookie_on_a_public_page_outlives_the_visit(client, organisation, advisor, name) -> None:
    response = client.get(_url(organisation, name))
    assert response.cookies, "the page sets its CSRF cookie (a form is on it)"
    for morsel in response.cookies.values():
        assert not morsel["max-age"] and not morsel["expires"], (morsel.key, morsel.output())
    assert settings.CSRF_COOKIE_AGE is None and settings.LANGUAGE_COOKIE_AGE is None


# --- The guide asks for the team, knows the advisor-or-HR answer, the manager above ---------


def test_guide_uses_the_units_own_manager_route_and_the_manager_above(client, organisation, advisor) -> None:
    boss = make_member(organisation, Role.MANAGER, name="Bert Boven")
    own = make_member(organisation, Role.MANAGER, name="Mila Midden")
    department = make_unit(organisation, "Afdeling Zorg", managers=[boss])
    team = make_unit(organisation, "Team Nacht", parent=department, managers=[own])
    route = ReportingRoute.objects.create(organisation=organisation, unit=team,
                                          introduction="Eigen route van het nachtteam")
    url = _url(organisation, "guide")
    answers = {"category": "pesten", "advice_involved": "no", "danger": "no", "want": "advice",
               "speak_up": "no", "unit": str(team.pk)}
    page = client.get(url).content.decode()
    assert 'name="unit"' in page and "Team Nacht" in page and 'name="advice_involved"' in page
    not_involved = client.post(url, {**answers, "manager_involved": "no"})
    body = not_involved.content.decode()
    assert "Mila Midden" in body and "Bert Boven" in body  # own manager, and the one above
    involved = client.post(url, {**answers, "manager_involved": "yes"})
    steps = [s.kind for s in involved.context["advised_steps"]]
    assert steps[0] == "manager_above" and "manager" not in steps
    assert [p.membership for p in involved.context["advised_steps"][0].people] == [boss]
    assert "Mila Midden" not in involved.content.decode()
    assert route.pk  # the unit's route is the one in force for the team (route_config_for)


def test_guide_with_the_advisor_or_hr_involved(client, organisation, advisor) -> None:
    response = client.post(_url(organisation, "guide"), {
        "category": "pesten", "manager_involved": "no", "advice_involved": "yes", "danger": "no",
        "want": "advice", "speak_up": "no"})
    kinds = [s.kind for s in response.context["advised_steps"]]
    assert "advisor" not in kinds and "hr" not in kinds and "complaints_committee" in kinds


def test_guide_errors_name_each_question_with_a_link(client, organisation, advisor) -> None:
    body = client.post(_url(organisation, "guide"), {"category": "pesten"}).content.decode()
    assert "data-error-summary" in body
    for anchor in ("#id_manager_involved_1", "#id_advice_involved_1", "#id_danger_1", "#id_want_1",
                   "#id_speak_up_1"):
        assert f'href="{anchor}"' in body
    assert 'href="#id_category"' not in body  # answered


# --- Forms -----------------------------------------------------------------------------------


def test_report_form_is_not_red_before_typing_and_says_optional_once(client, organisation, advisor) -> None:
    body = client.get(_url(organisation, "report_new")).content.decode()
    assert not re.search(r"<(?:input|textarea|select)[^>]* required[ >]", body)
    assert re.search(r'<textarea[^>]*name="narrative"[^>]*aria-required="true"', body)
    assert "(niet verplicht) <span" not in body and "(niet verplicht)</span>" in body
    for label in re.findall(r"<label[^>]*>(.*?)</label>", body, flags=re.S):
        assert label.count("niet verplicht") <= 1, label


def test_report_form_error_summary_links_to_each_field(client, organisation, advisor) -> None:
    response = client.post(_url(organisation, "report_new"), {"mode": "confidential", "narrative": "",
                                                              "when": "Gisteren"})
    body = response.content.decode()
    summary = body[body.index("data-error-summary"):body.index("</ul>", body.index("data-error-summary"))]
    assert 'tabindex="-1"' in body[body.rindex("<div", 0, body.index("data-error-summary")):][:300]
    assert 'href="#id_narrative"' in summary and 'href="#id_category_0"' in summary  # the first checkbox
    assert 'href="#id_identity"' in summary  # confidential without a name
    assert 'value="Gisteren"' in body  # nothing typed lost
    assert Report.objects.count() == 0


# --- Lost code, one term ---------------------------------------------------------------------


def test_return_page_says_what_to_do_without_the_code(client, organisation, advisor) -> None:
    body = client.get(_url(organisation, "return")).content.decode()
    assert 'data-testid="lost-code"' in body and "meldcode" in body.lower()
    assert "ontvangstcode" not in body.lower()


def test_receipt_page_says_what_to_do_without_the_code(client, organisation, advisor) -> None:
    response = client.post(_url(organisation, "report_new"), {
        "mode": "anonymous", "category": "pesten", "narrative": "Er wordt over mij geroddeld."},
        follow=True)
    body = response.content.decode()
    assert 'data-testid="receipt-code"' in body and 'data-testid="lost-code"' in body
    assert "ontvangstcode" not in body.lower()


def test_no_ontvangstcode_anywhere_in_the_catalogues() -> None:
    catalogues = list(settings.PACKAGE_DIR.rglob("locale/nl/LC_MESSAGES/django.po"))
    assert len(catalogues) > 3
    for path in catalogues:
        assert "ontvangstcode" not in path.read_text().lower(), path


# --- The default recipient, named; anonymity caveats -----------------------------------------


def test_default_recipient_is_named_with_role_and_is_who_receives(client, organisation) -> None:
    hr = make_member(organisation, Role.HR, name="Hanna HR", email="hanna@example.org")
    give_keys(hr)
    ReportingRoute.objects.create(organisation=organisation, default_recipient=hr)
    body = client.get(_url(organisation, "report_new")).content.decode()
    assert "Hanna HR, HR (de vaste ontvanger)" in body
    assert "vaste vertrouwenspersoon" not in body
    client.post(_url(organisation, "report_new"), {"mode": "anonymous", "category": "pesten",
                                                   "narrative": "Het gebeurt elke week."})
    assert list(ReportRecipient.objects.values_list("membership_id", flat=True)) == [hr.pk]


def test_report_form_names_what_can_still_identify_you(client, organisation, advisor) -> None:
    body = client.get(_url(organisation, "report_new")).content.decode()
    for words in ("details in je verhaal", "verborgen gegevens in bestanden", "kleine afdeling",
                  "alleen met jouw toestemming"):
        assert words in body, words


# --- Mobile: tel links, acute help first, quick exit ----------------------------------------


def test_phone_numbers_are_tel_links_and_112_comes_first(client, organisation, advisor) -> None:
    route = client.get(_url(organisation, "route")).content.decode()
    assert 'href="tel:112"' in route and 'href="tel:09008844"' in route
    assert route.index('href="tel:112"') < route.index("<h1")
    help_page = client.get(reverse("organisations:public_home", args=[organisation.slug])).content.decode()
    assert 'href="tel:112"' in help_page
    assert help_page.index('href="tel:112"') < help_page.index("<h1")


@pytest.mark.parametrize("name", PUBLIC)
def test_quick_exit_on_every_public_page(client, organisation, advisor, name) -> None:
    body = client.get(_url(organisation, name)).content.decode()
    assert "data-quick-exit" in body
    assert body.index("data-quick-exit") < body.index('<main')


# --- Translations ----------------------------------------------------------------------------


def test_mistranslations_are_gone(client, organisation, advisor) -> None:
    team = make_unit(organisation, "Team X")
    body = client.get(_url(organisation, "route"), {"eenheid": team.pk}).content.decode()
    assert "Voor Team X" in body and "Foto van Team X" not in body
    po = polib.pofile(str(settings.PACKAGE_DIR / "reporting/locale/nl/LC_MESSAGES/django.po"))
    wanted = {"For %(name)s": "Voor %(name)s",
              "You are editing the route of the whole organisation.":
                  "Je past de meldroute van de hele organisatie aan.",
              "Route per unit": "Route per afdeling of team"}
    found = {e.msgid: e.msgstr for e in po if e.msgid in wanted}
    assert found == wanted
    assert not po.untranslated_entries() and not po.fuzzy_entries()


# --- Poster and QR code per unit (point 7) ---------------------------------------------------


def test_poster_and_qr_per_unit(client, organisation, advisor) -> None:
    import io

    from pypdf import PdfReader

    manager = make_member(organisation, Role.MANAGER, name="Mila Midden")
    team = make_unit(organisation, "Team Nacht", managers=[manager])
    route = client.get(_url(organisation, "route"), {"eenheid": team.pk}).content.decode()
    assert f'melden/poster.pdf?eenheid={team.pk}"' in route and f'melden/qr.svg?eenheid={team.pk}"' in route
    whole = client.get(_url(organisation, "qr")).content
    own = client.get(_url(organisation, "qr"), {"eenheid": team.pk}).content
    assert own.startswith(b"<?xml") or b"<svg" in own
    assert own != whole  # another address in the code
    pdf = client.get(_url(organisation, "poster"), {"eenheid": team.pk})
    assert pdf.status_code == 200 and f"-{team.pk}.pdf" in pdf["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Team Nacht" in text and "Mila Midden" in text and f"eenheid={team.pk}" in text
    # A unit of another organisation is ignored: the organisation's poster.
    other = client.get(_url(organisation, "poster"), {"eenheid": "999999"})
    assert other.status_code == 200 and "-999999" not in other["Content-Disposition"]


# --- Languages (point 5) ---------------------------------------------------------------------

PUBLIC_LANGUAGES = ("nl", "en", "pl", "tr", "ar", "uk")
ROUTE_HEADINGS = {"nl": "Waar kan ik terecht?", "en": "Where can I go?", "pl": "Gdzie mogę się zwrócić?",
                  "tr": "Nereye başvurabilirim?", "ar": "إلى أين يمكنني التوجه؟",
                  "uk": "Куди я можу звернутися?"}


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_public_pages_in_every_language(client, organisation, advisor, language) -> None:
    from django.conf import settings as django_settings

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    for name in (*PUBLIC, "callback_new"):
        body = client.get(_url(organisation, name)).content.decode()
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in body, name
    route = client.get(_url(organisation, "route")).content.decode()
    heading = re.search(r'<h1 class="utrecht-heading-1">(.*?)</h1>', route).group(1)
    assert heading == ROUTE_HEADINGS[language]
    # The quick exit and the acute help are translated too (project and app catalogues).
    assert 'data-quick-exit' in route and "112" in route


def test_choosing_a_language_sets_no_cookie_that_outlives_the_visit(client, organisation, advisor) -> None:
    response = client.post("/i18n/setlang/", {"language": "pl", "next": _url(organisation, "route")})
    assert response.status_code == 302
    morsel = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert morsel.value == "pl" and not morsel["max-age"] and not morsel["expires"]
    assert 'lang="pl"' in client.get(_url(organisation, "route")).content.decode()


def test_public_only_languages_are_offered_on_public_pages_only(client, organisation, advisor) -> None:
    public = client.get(_url(organisation, "route")).content.decode()
    for code in ("pl", "tr", "ar", "uk", "en"):
        assert f'name="language" value="{code}"' in public
    privacy = client.get("/privacy/").content.decode()
    assert 'value="en"' in privacy and 'name="language" value="ar"' not in privacy


def test_machine_drafts_are_marked_in_every_new_catalogue() -> None:
    for language in ("pl", "tr", "ar", "uk"):
        catalogues = list(settings.PACKAGE_DIR.rglob(f"locale/{language}/LC_MESSAGES/django.po"))
        assert len(catalogues) == 3, (language, catalogues)
        for path in catalogues:
            po = polib.pofile(str(path))
            assert len(po) and all("Machine draft" in entry.tcomment for entry in po if entry.msgstr)
            assert not po.untranslated_entries(), path
            for entry in po:
                assert re.findall(r"%\(\w+\)[sd]", entry.msgid) == re.findall(r"%\(\w+\)[sd]", entry.msgstr) or \
                    sorted(re.findall(r"%\(\w+\)[sd]", entry.msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", entry.msgstr)), entry.msgid


def test_the_advisor_sees_the_language_of_the_report(client, organisation, advisor) -> None:
    from support.people import PASSWORD

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.post(_url(organisation, "report_new"), {"mode": "anonymous", "category": "pesten",
                                                   "narrative": "زميلي يصرخ عليّ كل يوم."})
    report = Report.objects.get()
    assert report.language == "ar"
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.force_login(advisor.user)
    client.post(_url(organisation, "unlock"), {"password": PASSWORD})
    detail = client.get(reverse("reporting:detail", args=[organisation.slug, report.pk])).content.decode()
    assert 'data-testid="report-language"' in detail and "Arabisch" in detail
