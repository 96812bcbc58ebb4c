"""Standard texts per organisation with placeholders and a preview (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.people import enable_totp
from vangnet.cases import texts
from vangnet.cases.models import StandardText
from vangnet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_fill_replaces_only_known_placeholders() -> None:
    values = texts.TextValues(reference="2026-AB12C", organisation="Gemeente X",
                              handler="Anna", feedback_due="3 maart 2027")
    body = "Melding {kenmerk} bij {organisatie}: {behandelaar}, uiterlijk {terugkoppeling_voor}. {x} {{0}}"
    assert texts.fill(body, values) == (
        "Melding 2026-AB12C bij Gemeente X: Anna, uiterlijk 3 maart 2027. {x} {{0}}")
    assert texts.unknown_placeholders(body) == ["x"]


def test_texts_are_kept_per_organisation_and_previewed_on_the_case_page(
    client, organisation, advisor, submit,
) -> None:
    from support.people import make_member, make_organisation
    from vangnet.organisations.roles import Role

    enable_totp(advisor.user)
    client.force_login(advisor.user)
    url = reverse("cases:standard_texts", args=[organisation.slug])
    bad = client.post(url, {"kind": "acknowledgement", "title": "Eerste brief Noord",
                            "body": "Je melding {kenmrk} is binnen."})
    assert bad.status_code == 200 and "{kenmrk}" in bad.content.decode()
    assert not StandardText.objects.exists()
    client.post(url, {"kind": "acknowledgement", "title": "Eerste brief Noord",
                      "body": "Je melding {kenmerk} is binnen bij {organisatie}. "
                              "Uiterlijk {terugkoppeling_voor} hoor je meer."})
    text = StandardText.objects.get()
    assert AuditEntry.objects.filter(action="cases.standard_text_save").count() == 1

    _report, _code, case = submit()
    page = client.get(reverse("cases:detail", args=[organisation.slug, case.pk]),
                      {"tekst": text.pk}).content.decode()
    preview = page[page.index('data-testid="reporter-preview"'):]
    preview = preview[:preview.index("</div>")]
    assert f"Je melding {case.reference} is binnen bij {organisation.name}." in preview
    assert "{" not in preview
    assert f"Je melding {case.reference} is binnen" in page.split('name="body"')[1][:600]

    # Another organisation neither sees nor uses this text.
    other = make_organisation("Andere organisatie")
    advisor_b = make_member(other, Role.EMPLOYEE, Role.ADVISOR, name="Bea")
    enable_totp(advisor_b.user)
    client.force_login(advisor_b.user)
    listing = client.get(reverse("cases:standard_texts", args=[other.slug])).content.decode()
    assert "Eerste brief Noord" not in listing
    assert client.post(reverse("cases:standard_text_delete",
                               args=[other.slug, text.pk])).status_code == 404
    assert StandardText.objects.filter(pk=text.pk).exists()
