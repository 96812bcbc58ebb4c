"""Changing what was planned: facilitator profiles edited and deactivated, sessions cancelled or
moved from the pages (with a confirmation step, mails and calendar updates), and the person search
that replaces the dropdown of everyone in the organisation when adding a facilitator."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from support.people import make_member
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.workshops import selectors, services
from vangnet.workshops.ics import session_uid
from vangnet.workshops.models import Facilitator, Registration, Session

pytestmark = pytest.mark.django_db


def _client(membership: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(membership.user)
    return client


def _url(world: Any, name: str, *args: Any) -> str:
    return reverse(f"workshops:{name}", args=[world.organisation.slug, *args])


def _ics(mail: Any) -> str:
    (attachment,) = [a for a in mail.attachments if a[0].endswith(".ics")]
    return attachment[1]


def _field(ics: str, name: str) -> str:
    match = re.search(rf"^{name}:(.*)$", ics, re.MULTILINE)
    assert match, f"{name} missing in {ics!r}"
    return match.group(1).strip()


# --- 1. facilitator profiles ------------------------------------------------------------------


def test_the_coordinator_edits_a_profile_and_the_audit_names_the_fields(ready: Any) -> None:
    facilitator = Facilitator.objects.get(pool=ready.pool, membership=ready.facilitators[2])
    services.facilitator_update(actor=ready.boss, facilitator=facilitator, line_experience=True,
                                facilitation_experience=True, programme="Verdieping 2026",
                                languages="nl, en", availability="maandag")
    facilitator.refresh_from_db()
    assert (facilitator.line_experience, facilitator.programme, facilitator.languages) == (
        True, "Verdieping 2026", "nl, en")
    entry = AuditEntry.objects.get(action="workshops.facilitator_update")
    assert entry.data == {"fields": ["availability", "languages", "line_experience", "programme"]}
    assert "Verdieping" not in str(entry.data)
    # The same values again change nothing and write no entry.
    services.facilitator_update(actor=ready.boss, facilitator=facilitator, line_experience=True,
                                facilitation_experience=True, programme="Verdieping 2026",
                                languages="nl, en", availability="maandag")
    assert AuditEntry.objects.filter(action="workshops.facilitator_update").count() == 1
    with pytest.raises(PermissionDenied):
        services.facilitator_update(actor=ready.actor(ready.manager), facilitator=facilitator,
                                    line_experience=False, facilitation_experience=False)


def test_a_deactivated_facilitator_cannot_be_assigned_and_held_sessions_keep_them(ready: Any) -> None:
    line_a = Facilitator.objects.get(pool=ready.pool, membership=ready.facilitators[0])
    line_b = Facilitator.objects.get(pool=ready.pool, membership=ready.facilitators[1])
    fac = Facilitator.objects.get(pool=ready.pool, membership=ready.facilitators[3])
    Session.objects.filter(pk=ready.session.pk).update(status="held")
    services.facilitator_set_active(actor=ready.boss, facilitator=line_a, active=False)
    assert AuditEntry.objects.filter(action="workshops.facilitator_deactivate",
                                     object_id=str(line_a.pk)).count() == 1
    ready.session.refresh_from_db()
    assert ready.session.facilitator_a_id == line_a.pk  # the held session keeps them
    later = services.session_create(actor=ready.boss, offer=ready.offer,
                                    starts_at=timezone.now() + timedelta(days=20),
                                    video_link="https://video.example.org/b")
    with pytest.raises(ValidationError):
        services.duo_assign(actor=ready.boss, session=later, facilitator_a_id=line_a.pk,
                            facilitator_b_id=fac.pk, confirmed=True)
    assert line_a.pk not in {f.pk for f in selectors.facilitators_of(pool=ready.pool)}
    overview = selectors.pool_overview(actor=ready.boss, pool=ready.pool)
    assert overview.size == 3
    # Still reachable for the duo it led, and reactivated it can be assigned again.
    assert selectors.session_get_for_actor(actor=ready.actor(ready.facilitators[0]),
                                           pk=ready.session.pk) == ready.session
    services.facilitator_set_active(actor=ready.boss, facilitator=line_a, active=True)
    services.duo_assign(actor=ready.boss, session=later, facilitator_a_id=line_a.pk,
                        facilitator_b_id=fac.pk)
    later.refresh_from_db()
    assert later.facilitator_a_id == line_a.pk
    assert line_b.active


def test_the_profile_page_edits_and_deactivates(ready: Any) -> None:
    facilitator = Facilitator.objects.get(pool=ready.pool, membership=ready.facilitators[0])
    client = _client(ready.coordinator)
    url = _url(ready, "facilitator", facilitator.pk)
    page = client.get(url).content.decode()
    assert "Fien Lijn" in page and "Samen veilig" in page  # her planned session is listed
    bad = client.post(url, {"languages": "", "trained_on": "gisteren"})
    assert bad.status_code == 400 and "Er is iets niet goed ingevuld" in bad.content.decode()
    done = client.post(url, {"line_experience": "on", "languages": "nl", "trained_on": "2026-05-01",
                             "online": "on"}, follow=True)
    assert "Het profiel is opgeslagen." in done.content.decode()
    facilitator.refresh_from_db()
    assert str(facilitator.trained_on) == "2026-05-01" and facilitator.on_site is False
    client.post(_url(ready, "facilitator_active", facilitator.pk), {"active": "0"})
    facilitator.refresh_from_db()
    assert facilitator.active is False
    pool = client.get(_url(ready, "pool", ready.pool.pk)).content.decode()
    assert "Gedeactiveerde begeleiders" in pool and "een begeleider is gedeactiveerd" in pool
    duo = client.get(_url(ready, "duo", ready.session.pk)).content.decode()
    assert "Fien Lijn" not in duo
    for outsider in (ready.manager, ready.facilitators[0]):
        assert _client(outsider).get(url).status_code == 404
        assert _client(outsider).post(_url(ready, "facilitator_active", facilitator.pk),
                                      {"active": "1"}).status_code == 404


# --- 2. cancelling and moving sessions --------------------------------------------------------


def _fill(ready: Any, n: int) -> list[Any]:
    people = ready.members(n)
    return [services.register(actor=ready.actor(p), session=ready.session) for p in people]


def test_cancelling_ends_every_registration_and_tells_everyone_with_a_cancel_ics(
        ready: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    made = _fill(ready, 9)
    assert made[-1].status == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(actor=ready.boss, session=ready.session)
    ready.session.refresh_from_db()
    assert ready.session.status == "cancelled" and ready.session.sequence == 1
    assert not Registration.objects.filter(session=ready.session).exclude(status="cancelled").exists()
    recipients = sorted(address for m in mailoutbox for address in m.to)
    expected = sorted([r.membership.user.email for r in made]
                      + [ready.facilitators[0].user.email, ready.facilitators[3].user.email])
    assert recipients == expected
    ics = _ics(mailoutbox[0])
    assert _field(ics, "METHOD") == "CANCEL" and _field(ics, "STATUS") == "CANCELLED"
    assert _field(ics, "UID") == session_uid(ready.session) and _field(ics, "SEQUENCE") == "1"
    assert all(r.membership.user.email not in ics for r in made)
    entry = AuditEntry.objects.get(action="workshops.session_cancel")
    assert entry.data == {"registrations_ended": 9, "told": 11}
    with pytest.raises(ValidationError):
        services.session_cancel(actor=ready.boss, session=ready.session)
    with pytest.raises(ValidationError):
        services.register(actor=ready.actor(ready.members(1)[0]), session=ready.session)


def test_moving_keeps_registrations_and_sends_the_same_uid_with_a_higher_sequence(
        ready: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    made = _fill(ready, 9)
    Session.objects.filter(pk=ready.session.pk).update(reminded_at=timezone.now(),
                                                       low_flagged_at=timezone.now())
    ready.session.refresh_from_db()
    before = Client()
    before.force_login(made[0].membership.user)
    first = before.get(_url(ready, "session_ics", ready.session.pk)).content.decode()
    new_time = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_move(actor=ready.boss, session=ready.session, starts_at=new_time,
                              video_link="https://video.example.org/nieuw")
    ready.session.refresh_from_db()
    assert ready.session.starts_at == new_time and ready.session.sequence == 1
    assert ready.session.reminded_at is None and ready.session.low_flagged_at is None
    assert [r.status for r in Registration.objects.filter(session=ready.session)] == (
        ["registered"] * 8 + ["waiting"])
    with_ics = [m for m in mailoutbox if m.attachments]
    seated = sorted(address for m in with_ics for address in m.to)
    assert seated == sorted([r.membership.user.email for r in made[:8]]
                            + [ready.facilitators[0].user.email, ready.facilitators[3].user.email])
    (waiting_mail,) = [m for m in mailoutbox if not m.attachments]
    assert waiting_mail.to == [made[8].membership.user.email] and "wachtlijst" in waiting_mail.body
    ics = _ics(with_ics[0])
    assert _field(ics, "UID") == _field(first, "UID")
    assert int(_field(ics, "SEQUENCE")) > int(_field(first, "SEQUENCE"))
    assert _field(ics, "METHOD") == "PUBLISH"
    assert _field(ics, "DTSTART") == new_time.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert "video.example.org/nieuw" in ics
    with pytest.raises(ValidationError):
        services.session_move(actor=ready.boss, session=ready.session,
                              starts_at=timezone.now() - timedelta(days=1),
                              video_link="https://video.example.org/nieuw")
    with pytest.raises(ValidationError):  # an online session keeps a video link
        services.session_move(actor=ready.boss, session=ready.session, starts_at=new_time)
    with pytest.raises(PermissionDenied):
        services.session_move(actor=ready.actor(ready.manager), session=ready.session,
                              starts_at=new_time, video_link="https://video.example.org/x")


def test_cancel_and_move_pages_ask_for_confirmation_first(ready: Any) -> None:
    _fill(ready, 3)
    client = _client(ready.coordinator)
    page = client.get(_url(ready, "session_cancel", ready.session.pk)).content.decode()
    assert "3 deelnemers hebben een plek" in page
    assert Session.objects.get(pk=ready.session.pk).status == "planned"  # GET writes nothing
    url = _url(ready, "session_move", ready.session.pk)
    step = client.post(url, {"starts_at": "2031-03-04T09:30",
                             "video_link": "https://video.example.org/later"})
    assert step.status_code == 200
    text = step.content.decode()
    assert "4 maart 2031 09:30" in text and "Ja, verplaats deze sessie" in text
    assert Session.objects.get(pk=ready.session.pk).sequence == 0  # not yet
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text))
    assert hidden["confirmed"] == "True" and hidden["starts_at"] == "2031-03-04T09:30"
    done = client.post(url, hidden, follow=True)
    assert "De sessie is verplaatst." in done.content.decode()
    moved = Session.objects.get(pk=ready.session.pk)
    assert timezone.localtime(moved.starts_at).strftime("%Y-%m-%d %H:%M") == "2031-03-04 09:30"
    bad = client.post(url, {"starts_at": "morgen"})
    assert bad.status_code == 400 and "Er is iets niet goed ingevuld" in bad.content.decode()
    past = client.post(url, {"starts_at": "2001-01-01T10:00", "video_link": "https://v.example.org",
                             "confirmed": "True"})
    assert past.status_code == 400 and "Kies een moment in de toekomst." in past.content.decode()
    done = client.post(_url(ready, "session_cancel", ready.session.pk), follow=True)
    assert "De sessie is geannuleerd." in done.content.decode()
    assert Session.objects.get(pk=ready.session.pk).status == "cancelled"
    for outsider in (ready.manager, ready.facilitators[0]):
        assert _client(outsider).get(_url(ready, "session_cancel", ready.session.pk)).status_code == 404
        assert _client(outsider).post(url, hidden).status_code == 404


# --- 3. the person search ---------------------------------------------------------------------


def test_the_search_lists_only_people_who_may_facilitate_at_most_25(world: Any) -> None:
    pool = services.pool_create(actor=world.boss, name="Pool")
    services.pool_join(actor=world.boss, pool=pool, organisation_slug=world.joining.slug)
    for i in range(30):
        make_member(world.organisation, Role.EMPLOYEE, Role.FACILITATOR, name=f"Begeleider {i:02d}")
    make_member(world.organisation, Role.EMPLOYEE, name="Begeleider Zonder Rol")
    make_member(world.joining, Role.EMPLOYEE, Role.FACILITATOR, name="Begeleider Buur")
    make_member(world.unrelated, Role.EMPLOYEE, Role.FACILITATOR, name="Begeleider Vreemd")
    candidates = selectors.facilitator_candidates(pool=pool)
    shown = selectors.candidates_matching(candidates, "")
    assert len(shown) == selectors.PICKER_LIMIT
    names = {m.user.full_name for m in selectors.candidates_matching(candidates, "begeleider")}
    assert "Begeleider Zonder Rol" not in names and "Begeleider Vreemd" not in names
    assert [m.user.full_name for m in selectors.candidates_matching(candidates, "buur")] == [
        "Begeleider Buur"]
    client = _client(world.coordinator)
    page = client.get(_url(world, "pool", pool.pk), {"persoon": "Begeleider 2"}).content.decode()
    assert page.count('type="radio" name="membership"') == 10  # 20..29
    assert "Begeleider 05" not in page
    many = client.get(_url(world, "pool", pool.pk)).content.decode()
    assert many.count('type="radio" name="membership"') == 25 and "Zoek om iemand anders" in many
    nobody = client.get(_url(world, "pool", pool.pk), {"persoon": "Vreemd"}).content.decode()
    assert 'data-testid="no-candidates"' in nobody


def test_adding_validates_against_everyone_eligible_not_just_the_shown(world: Any) -> None:
    pool = services.pool_create(actor=world.boss, name="Pool")
    no_role = make_member(world.organisation, Role.EMPLOYEE, name="Zonder Rol")
    stranger = make_member(world.unrelated, Role.EMPLOYEE, Role.FACILITATOR, name="Vreemd")
    client = _client(world.coordinator)
    url = _url(world, "facilitator_add", pool.pk)
    for person in (no_role, stranger):
        page = client.post(url, {"membership": person.pk, "languages": "nl"})
        assert page.status_code == 400
        assert "heeft niet de rol van workshopbegeleider" in page.content.decode()
    with pytest.raises(ValidationError):
        services.facilitator_add(actor=world.boss, pool=pool, membership_id=no_role.pk,
                                 organisation_id=world.organisation.pk, line_experience=True,
                                 facilitation_experience=False)
    # Someone the current search does not show is still accepted (the search narrows, it
    # does not decide).
    fien = world.facilitators[0]
    done = client.post(f"{url}?persoon=Finn", {"membership": fien.pk, "languages": "nl",
                                                "line_experience": "on"}, follow=True)
    assert "De begeleider is aan de pool toegevoegd." in done.content.decode()
    assert Facilitator.objects.filter(pool=pool, membership=fien).exists()
    again = client.post(url, {"membership": fien.pk, "languages": "nl"})
    assert again.status_code == 400  # already in the pool: no longer a candidate


def test_the_pool_page_stays_flat_with_many_candidates(
        world: Any, django_assert_max_num_queries: Any) -> None:
    pool = services.pool_create(actor=world.boss, name="Pool")
    client = _client(world.coordinator)
    url = _url(world, "pool", pool.pk)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    for i in range(40):
        make_member(world.organisation, Role.EMPLOYEE, Role.FACILITATOR, name=f"Extra {i}")
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
