"""The demo: begeleider@demo.vangnet.nl is a facilitator in the demo pool and leads a coming
session; seeding twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from vangnet.core.app import app_modules
from vangnet.workshops import demo as workshops_demo
from vangnet.workshops.models import Facilitator, Offer, Pool, Session

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (Pool.objects.count(), Facilitator.objects.count(), Offer.objects.count(),
            Session.objects.count())


def test_the_demo_facilitator_leads_a_session_and_seeding_twice_adds_nothing() -> None:
    assert ("workshops", workshops_demo) in list(app_modules("demo"))
    call_command("seed_demo", verbosity=0)
    first = _counts()
    assert first == (1, 2, 2, 1)
    session = Session.objects.get()
    assert session.facilitator_a.membership.user.email == "begeleider@demo.vangnet.nl"
    assert session.facilitator_b.line_experience and session.facilitator_a.facilitation_experience
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
