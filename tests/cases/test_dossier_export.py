"""The dossier export (issue 13, ADR 0079): only consented parts, redacted passages gone from the
PDF altogether, a watermark naming the exporter on every page, audited with ids only, and bad
input or the wrong person answered without a 500."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from support.people import make_member
from vangnet.cases import dossier, services
from vangnet.cases.models import ConsentRequest
from vangnet.cases.parts import PART_LABELS
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.reporting.models import DialogueQuestion
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of, give_keys
from .test_views import _login, _unlock

# Words that appear only in what must never reach the PDF: each is a separate attack.
NOT_CONSENTED = "Kantinegeheim zegt dat de deurcode 4711 is."  # impact: not consented
IDENTITY = "Piet Zwartboek"  # identity: not consented
REDACTED = "Karel Verborgenhuis keek zwijgend toe."  # consented, but blacked out by the handler
OTHER_CASE = "Tweedezaakgeheim in het magazijn."  # another case of the same handler

KEPT = ["Mijn collega scheldt me al weken uit.", "Het gebeurt vooral op maandagochtend."]
WHERE = "In de kantine bij de koffieautomaat."


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _pdf_pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


@pytest.fixture
def committee(organisation):
    return make_member(organisation, Role.EMPLOYEE, Role.COMPLAINTS_COMMITTEE,
                       name="Kim Commissie", email="kim.commissie@example.org")


@pytest.fixture
def setup(submit, advisor, committee):
    """Case A with a consent (narrative + where) for the committee; case B of the same advisor."""
    _report, _code, case = submit(parts={
        "narrative": f"{KEPT[0]} {REDACTED}\n{KEPT[1]}",
        "where": WHERE,
        "impact": NOT_CONSENTED,
        "identity": IDENTITY,
    })
    _r2, _c2, other = submit(parts={"narrative": OTHER_CASE, "where": "Elders.",
                                      "identity": "Tweede Melder"})
    consent = _consent(case, advisor, committee, ["narrative", "where"])
    other_consent = _consent(other, advisor, committee, ["narrative"])
    return case, consent, other, other_consent


def _consent(case, advisor, recipient, parts, answer="yes"):
    consent = services.consent_request(
        actor=actor_of(advisor), private_key=advisor.private_key, case=case,
        recipient_kind="complaints_committee", recipient=recipient, parts=parts,
        purpose="De klachtencommissie behandelt de klacht.")
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer=answer)
    consent.refresh_from_db()
    return consent


def test_passages_are_sentences_and_lines():
    assert dossier.passages("Een. Twee! Drie?\nVier \"vijf.\" Zes\n\n") == [
        "Een.", "Twee!", "Drie?", "Vier \"vijf.\"", "Zes"]
    assert dossier.passages("   \n") == []


@pytest.mark.django_db
def test_the_pdf_holds_exactly_the_consented_unredacted_parts(setup, advisor):
    case, consent, _other, _oc = setup
    sections = services.dossier_passages(actor=actor_of(advisor), case=case, consent=consent,
                                         private_key=advisor.private_key)
    narrative = {p.text: p.key for p in sections[0].passages}
    assert [s.part for s in sections] == ["narrative", "where"]
    assert list(narrative) == [KEPT[0], REDACTED, KEPT[1]]

    result = services.dossier_export(actor=actor_of(advisor), case=case, consent=consent,
                                     redact=[narrative[REDACTED]],
                                     private_key=advisor.private_key)
    assert result.pdf.startswith(b"%PDF")
    text = "\n".join(_pdf_pages(result.pdf))
    flat = " ".join(text.split())
    for kept in [*KEPT, WHERE]:
        assert kept in flat, kept
    # The attacks: a part not consented, a redacted passage, another case: not a word of them.
    assert "Kantinegeheim" not in text and "Verborgenhuis" not in text
    assert "Zwartboek" not in text and "Tweedezaakgeheim" not in text
    # Not hidden either: no such bytes anywhere in the file (metadata, hidden layers, fonts).
    for secret in (b"Verborgenhuis", b"Kantinegeheim", b"Zwartboek"):
        assert secret not in result.pdf

    # Nothing else: every word is a kept passage, a part label, or the page's fixed text
    # (rendered without any section), plus page numbers.
    boilerplate = render_to_string("cases/dossier_pdf.html", {
        "case": case, "recipient": services.recipient_label(consent), "sections": [],
        "exporter": "Anna Advies", "exported_at": timezone.localtime(result.exported_at),
        "redacted": 1})
    allowed = (_words(re.sub(r"<style.*?</style>|<[^>]+>", " ", boilerplate, flags=re.S))
               | _words(" ".join([*KEPT, WHERE])) | _words(" ".join(str(PART_LABELS[p]) for p in ("narrative", "where")))
               | {str(n) for n in range(10)})
    assert _words(text) - allowed == set()
    for secret in (NOT_CONSENTED, IDENTITY, REDACTED, OTHER_CASE):
        telling = _words(secret) - allowed
        assert telling, secret  # the attack is only meaningful with words of its own
        assert not telling & _words(text), (secret, telling & _words(text))
    assert "[weggelaten]" in text


@pytest.mark.django_db
def test_watermark_names_the_exporter_on_every_page(submit, advisor, committee):
    long_story = "\n".join(f"Zin nummer {n} over wat er op de afdeling gebeurde." for n in range(160))
    _report, _code, case = submit(parts={"narrative": long_story, "identity": "Piet"})
    consent = _consent(case, advisor, committee, ["narrative"])
    result = services.dossier_export(actor=actor_of(advisor), case=case, consent=consent,
                                     redact=[], private_key=advisor.private_key)
    pages = _pdf_pages(result.pdf)
    assert len(pages) >= 3
    when = timezone.localtime(result.exported_at).strftime("%H:%M")
    for number, page in enumerate(pages, start=1):
        assert "Geëxporteerd door Anna Advies op" in " ".join(page.split()), number
        assert when in page, number


@pytest.mark.django_db
def test_export_is_audited_with_ids_only(setup, advisor):
    case, consent, _other, _oc = setup
    before = AuditEntry.objects.filter(action="cases.dossier_export").count()
    services.dossier_export(actor=actor_of(advisor), case=case, consent=consent,
                            redact=["narrative:1"], private_key=advisor.private_key)
    entries = AuditEntry.objects.filter(action="cases.dossier_export")
    assert entries.count() == before + 1
    entry = entries.latest("pk")
    assert entry.actor_id == advisor.user_id and entry.object_id == str(case.pk)
    assert entry.data["consent"] == consent.pk and entry.data["redacted"] == ["narrative:1"]
    assert entry.data["parts"] == ["narrative", "where"]
    stored = json.dumps(entry.data)
    for word in ("scheldt", "Verborgenhuis", "kantine", "Zwartboek"):
        assert word.lower() not in stored.lower()


@pytest.mark.django_db
def test_no_dossier_without_a_standing_consent(setup, advisor, committee, submit):
    case, consent, other, other_consent = setup
    actor = actor_of(advisor)
    # Another case's consent cannot export this case.
    with pytest.raises(ValidationError):
        services.dossier_export(actor=actor, case=case, consent=other_consent, redact=[],
                                private_key=advisor.private_key)
    # Refused, then withdrawn: nothing to export.
    _r, _c, third = submit()
    refused = _consent(third, advisor, committee, ["narrative"], answer="no")
    assert refused.status == ConsentRequest.Status.REFUSED
    with pytest.raises(ValidationError):
        services.dossier_export(actor=actor, case=third, consent=refused, redact=[],
                                private_key=advisor.private_key)
    services.consent_withdraw(consent=consent, actor=actor)
    with pytest.raises(ValidationError):
        services.dossier_export(actor=actor, case=case, consent=consent, redact=[],
                                private_key=advisor.private_key)
    # A redaction name that is not a passage of a consented part is refused, not guessed.
    with pytest.raises(ValidationError):
        services.dossier_export(actor=actor, case=other, consent=other_consent,
                                redact=["impact:0"], private_key=advisor.private_key)
    assert not AuditEntry.objects.filter(action="cases.dossier_export").exists()


@pytest.mark.django_db
def test_a_grant_holder_cannot_export(setup, advisor, organisation):
    case, _consent_a, _other, _oc = setup
    hr = make_member(organisation, Role.EMPLOYEE, Role.HR, name="Hans HR",
                     email="hans.hr2@example.org")
    hr.private_key = give_keys(hr)
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key,
                                       case=case, recipient_kind="hr", recipient=hr,
                                       parts=["narrative"])
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    consent.refresh_from_db()
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    consent.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.dossier_export(actor=actor_of(hr), case=case, consent=consent, redact=[],
                                private_key=hr.private_key)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_consents(client, setup, advisor, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, consent, _other, _oc = setup
    _login(client, advisor)
    _unlock(client, advisor)
    url = _url(case, advisor)

    def counts():
        found = []
        for data, send in (({}, client.get), ({"toestemming": consent.pk}, client.get),
                           ({"toestemming": consent.pk}, client.post)):
            with CaptureQueriesContext(connection) as queries:
                assert send(url, data).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    for _ in range(6):
        _consent(case, advisor, committee, ["narrative"])
    assert counts() == few


# --- the page ----------------------------------------------------------------------------------


def _url(case, member):
    return reverse("cases:dossier_export", args=[member.organisation.slug, case.pk])


@pytest.mark.django_db
def test_the_page_downloads_the_pdf(client, setup, advisor, django_assert_max_num_queries):
    case, consent, _other, _oc = setup
    _login(client, advisor)
    _unlock(client, advisor)
    url = _url(case, advisor)
    page = client.get(url)
    assert page.status_code == 200 and "1. Voor wie" in page.content.decode()
    with django_assert_max_num_queries(16):  # measured: 16, whatever the number of consents
        step2 = client.get(url, {"toestemming": consent.pk})
    body = step2.content.decode()
    assert step2.status_code == 200 and REDACTED in body and NOT_CONSENTED not in body
    assert IDENTITY not in body and OTHER_CASE not in body
    response = client.post(url, {"toestemming": consent.pk, "redact_narrative": ["narrative:1"]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"dossier-{case.reference}.pdf" in response["Content-Disposition"]
    text = "\n".join(_pdf_pages(response.content))
    assert "Verborgenhuis" not in text and "scheldt" in text and "Anna Advies" in text


@pytest.mark.django_db
def test_the_page_without_an_unlocked_key_sends_to_unlock(client, setup, advisor):
    case, consent, _other, _oc = setup
    _login(client, advisor)
    response = client.get(_url(case, advisor), {"toestemming": consent.pk})
    unlock = reverse("reporting:unlock", args=[advisor.organisation.slug])
    assert response.status_code == 302 and response["Location"].startswith(unlock)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"toestemming": "abc"}, {"toestemming": "999999"}, {"toestemming": ""},
    {"toestemming": "CONSENT", "redact_narrative": ["narrative:99"]},
    {"toestemming": "CONSENT", "redact_narrative": ["impact:0"]},
    {"toestemming": "OTHER"},
])
def test_bad_input_gets_a_dutch_message_never_a_500(client, setup, advisor, data):
    case, consent, _other, other_consent = setup
    data = {k: (str(consent.pk) if v == "CONSENT" else str(other_consent.pk) if v == "OTHER"
                else v) for k, v in data.items()}
    _login(client, advisor)
    _unlock(client, advisor)
    response = client.post(_url(case, advisor), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert ("Kies een ontvanger" in body or "Kies voor wie" in body
            or "markeer de passages opnieuw" in body.lower()), body[:2000]
    assert not AuditEntry.objects.filter(action="cases.dossier_export").exists()


@pytest.mark.django_db
def test_people_without_the_case_get_403_or_404(client, setup, advisor, committee, employee,
                                                other_organisation):
    case, consent, _other, _oc = setup
    stranger = make_member(other_organisation, Role.EMPLOYEE, Role.ADVISOR, name="Olga Ander",
                           email="olga@example.org")
    for member in (committee, employee):
        _login(client, member)
        for response in (client.get(_url(case, advisor), {"toestemming": consent.pk}),
                         client.post(_url(case, advisor), {"toestemming": consent.pk})):
            assert response.status_code in (403, 404), member
    _login(client, stranger)
    wrong_org = reverse("cases:dossier_export", args=[other_organisation.slug, case.pk])
    assert client.post(wrong_org, {"toestemming": consent.pk}).status_code == 404
    assert not AuditEntry.objects.filter(action="cases.dossier_export").exists()


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="nl")
def test_no_consent_yet_says_so(client, submit, advisor):
    _report, _code, case = submit()
    _login(client, advisor)
    response = client.get(_url(case, advisor))
    assert response.status_code == 200
    assert 'data-testid="no-consent"' in response.content.decode()
