""""Talk first" (issue 12): a call-back request instead of a report — encrypted for one advisor,
counted as an advice contact (and only through the anonymity threshold), optional time slots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from support.people import make_member
from vangnet.cases.models import AdviceContact
from vangnet.cases.stats import compute_yearly_report
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.reporting import selectors, services
from vangnet.reporting.models import CallbackRequest, CallbackSlot, Report

from .conftest import give_keys

pytestmark = pytest.mark.django_db


def _url(organisation, name: str) -> str:
    return reverse(f"reporting:{name}", args=[organisation.slug])


def _ask(client, organisation, **data):
    return client.post(_url(organisation, "callback_new"), {"category": "pesten", **data})


def test_a_callback_is_sealed_for_its_advisor_and_counts_as_advice(client, organisation, advisor,
                                                                   as_actor) -> None:
    response = _ask(client, organisation, recipient=str(advisor.pk), how_to_reach="06 12 34 56 78",
                    when="Na vijf uur", name="Sam")
    assert response.status_code == 303 and response["Location"].endswith("/melden/eerst-praten/verstuurd/")
    callback = CallbackRequest.objects.get()
    assert callback.recipient_id == advisor.pk and callback.requested_on == timezone.localdate()
    assert b"06 12 34 56 78" not in bytes(callback.content_ciphertext)
    assert not Report.objects.exists()  # not a report: no code, no case
    view = selectors.callbacks_for(actor=as_actor(advisor), private_key=advisor.private_key)
    assert [(v.how_to_reach, v.when, v.name) for v in view] == [("06 12 34 56 78", "Na vijf uur", "Sam")]
    contact = AdviceContact.objects.get()
    assert (contact.advisor_id, contact.category, contact.channel) == (advisor.pk, "pesten", "phone")
    entries = AuditEntry.objects.filter(action="reporting.callback_request")
    assert entries.count() == 1 and "06 12" not in str(entries.get().data)
    page = client.get(_url(organisation, "callback_sent")).content.decode()
    assert 'data-testid="callback-sent"' in page


def test_another_advisor_cannot_read_it(organisation, advisor, as_actor) -> None:
    other = make_member(organisation, Role.ADVISOR, name="Otto Ander")
    other.private_key = give_keys(other)
    services.callback_request(organisation=organisation, recipient=advisor, how_to_reach="privé 0612")
    assert selectors.callbacks_for(actor=as_actor(other), private_key=other.private_key) == []
    # Even with the row's id: not found for them.
    with pytest.raises(Http404):
        selectors.callback_get_for_actor(actor=as_actor(other), pk=CallbackRequest.objects.get().pk)


def test_callbacks_count_only_through_the_anonymity_threshold(organisation, advisor) -> None:
    year = timezone.localdate().year
    for _ in range(2):
        services.callback_request(organisation=organisation, recipient=advisor, how_to_reach="0612")
    few = compute_yearly_report(organisation_id=organisation.pk, organisation_name="X", year=year)
    assert few.advice_contacts.suppressed and few.advice_contacts.count is None
    for _ in range(3):
        services.callback_request(organisation=organisation, recipient=advisor, how_to_reach="0612")
    five = compute_yearly_report(organisation_id=organisation.pk, organisation_name="X", year=year)
    assert five.advice_contacts.count == 5 == AdviceContact.objects.count()


def test_form_errors_follow_the_error_pattern_and_keep_what_was_typed(client, organisation,
                                                                      advisor) -> None:
    response = _ask(client, organisation, how_to_reach="", when="Dinsdag")
    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_how_to_reach"' in body
    assert 'value="Dinsdag"' in body and not CallbackRequest.objects.exists()
    assert not AdviceContact.objects.exists()


def test_default_goes_to_the_default_recipient(client, organisation, advisor) -> None:
    assert _ask(client, organisation, how_to_reach="0612").status_code == 303
    assert CallbackRequest.objects.get().recipient_id == advisor.pk


def test_time_slots_offered_and_taken_once(client, organisation, advisor, as_actor) -> None:
    start = timezone.now() + timedelta(days=2)
    slot = services.callback_slot_add(actor=as_actor(advisor), starts_at=start)
    with pytest.raises(ValidationError):
        services.callback_slot_add(actor=as_actor(advisor), starts_at=timezone.now() - timedelta(hours=1))
    page = client.get(_url(organisation, "callback_new")).content.decode()
    assert f'name="slot" value="{slot.pk}"' in page and "Anna Advies" in page
    other = make_member(organisation, Role.ADVISOR, name="Otto Ander")
    give_keys(other)
    # The slot decides the advisor, whatever else was chosen.
    assert _ask(client, organisation, slot=str(slot.pk), recipient=str(other.pk),
                how_to_reach="0612").status_code == 303
    assert CallbackRequest.objects.get().recipient_id == advisor.pk
    assert f'name="slot" value="{slot.pk}"' not in client.get(_url(organisation, "callback_new")).content.decode()
    with pytest.raises(ValidationError):
        services.callback_request(organisation=organisation, recipient=None, slot=slot, how_to_reach="x")
    assert CallbackRequest.objects.count() == 1


def test_the_advisor_page_lists_marks_done_and_manages_slots(client, organisation, advisor) -> None:
    from support.people import PASSWORD

    services.callback_request(organisation=organisation, recipient=advisor, how_to_reach="0612 34")
    client.force_login(advisor.user)
    client.post(_url(organisation, "unlock"), {"password": PASSWORD})
    page = client.get(_url(organisation, "callbacks"))
    assert page.status_code == 200 and "0612 34" in page.content.decode()
    callback = CallbackRequest.objects.get()
    client.post(_url(organisation, "callbacks"), {"handled": str(callback.pk)})
    callback.refresh_from_db()
    assert callback.handled_on == timezone.localdate()
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(_url(organisation, "callbacks"), {"add_slot": "1", "starts_at": when})
    slot = CallbackSlot.objects.get()
    client.post(_url(organisation, "callbacks"), {"remove_slot": str(slot.pk)})
    assert not CallbackSlot.objects.exists()


def test_public_pages_query_count_is_constant(client, organisation, advisor, as_actor,
                                              django_assert_max_num_queries) -> None:
    for days in range(1, 8):
        services.callback_slot_add(actor=as_actor(advisor), starts_at=timezone.now() + timedelta(days=days))
    with django_assert_max_num_queries(20):
        assert client.get(_url(organisation, "callback_new")).status_code == 200
