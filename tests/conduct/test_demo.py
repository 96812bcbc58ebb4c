"""The demo shows the code of conduct at work, and `make demo` may run any number of times."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from vangnet.conduct import demo as conduct_demo
from vangnet.conduct.models import (
    Acknowledgement,
    CodeVersion,
    Discussion,
    TeamAgreement,
    WelcomePath,
    YearlyReview,
)
from vangnet.core.app import app_modules

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        CodeVersion, Acknowledgement, TeamAgreement, Discussion, WelcomePath, YearlyReview)}


def test_conduct_declares_its_demo_and_seeding_twice_adds_nothing(client: object) -> None:
    assert ("conduct", conduct_demo) in list(app_modules("demo"))
    call_command("seed_demo", verbosity=0)
    first = _counts()
    assert first == {"CodeVersion": 1, "Acknowledgement": len(conduct_demo.ACKNOWLEDGING),
                     "TeamAgreement": len(conduct_demo.AGREEMENTS), "Discussion": 1,
                     "WelcomePath": 1, "YearlyReview": 1}
    version = CodeVersion.objects.get()
    assert version.status == CodeVersion.Status.PUBLISHED and version.consent_on is not None
    call_command("seed_demo", verbosity=0)
    assert _counts() == first

    # The demo employee lands on a welcome path that shows the advisors and her buddy.
    path = WelcomePath.objects.select_related("membership__user", "membership__organisation",
                                              "buddy__user").get()
    assert path.buddy is not None
    client.force_login(path.membership.user)  # type: ignore[attr-defined]
    page = client.get(reverse("conduct:welcome",  # type: ignore[attr-defined]
                              args=[path.membership.organisation.slug])).content.decode()
    assert "Els Hoekstra" in page and path.buddy.user.full_name in page
