"""The two-person recovery pages, through the views (the browser test adds axe)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.people import PASSWORD, make_member
from vangnet.organisations.roles import Role
from vangnet.reporting import services
from vangnet.reporting.keys import keypair_create
from vangnet.reporting.models import RecipientUnavailability, RecoveryRequest, ReportRecipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organisation, advisor, submit, as_actor):
    coordinator = make_member(organisation, Role.COORDINATOR, name="Cor Coord")
    committee = make_member(organisation, Role.COMPLAINTS_COMMITTEE, name="Kim Commissie")
    successor = make_member(organisation, Role.ADVISOR, name="Sam Opvolger")
    keypair_create(user=successor.user, password=PASSWORD)
    _key, offline = services.recovery_key_create(actor=as_actor(coordinator))
    report, _ = submit()
    return {"coordinator": coordinator, "committee": committee, "successor": successor,
            "offline": offline, "report": report}


def test_the_whole_two_person_flow_through_the_pages(client, organisation, advisor, people,
                                                     as_actor) -> None:
    slug = organisation.slug
    page = reverse("reporting:recovery_requests", args=[slug])
    client.force_login(people["coordinator"].user)
    # While the advisor is active, the request is refused with a clear message.
    refused = client.post(page, {"ask": "1", "successor": people["successor"].pk,
                                 "reason": "De vertrouwenspersoon is weg."})
    assert refused.status_code == 200 and refused.context["request_form"].errors
    assert not RecoveryRequest.objects.exists()
    declared = client.post(page, {"declare": "1", "membership": advisor.pk,
                                  "reason": "Langdurig ziek sinds maart."})
    assert declared.status_code == 302
    made = client.post(page, {"ask": "1", "successor": people["successor"].pk,
                              "reason": "De vertrouwenspersoon is langdurig ziek."})
    request = RecoveryRequest.objects.get()
    detail = reverse("reporting:recovery_request", args=[slug, request.pk])
    assert made["Location"] == detail
    # The coordinator cannot approve their own request, not even by posting the button.
    assert client.post(detail, {"approve": "1"}).status_code == 403
    client.force_login(people["successor"].user)
    assert client.get(detail).context["view"].can_decide is False
    assert client.post(detail, {"approve": "1"}).status_code == 403
    client.force_login(people["committee"].user)
    assert client.get(detail).context["view"].can_decide is True
    assert client.post(detail, {"approve": "1"}).status_code == 302
    assert client.post(detail, {"carry_out": "1", "recovery_key": people["offline"]}).status_code == 403
    client.force_login(people["coordinator"].user)
    wrong = client.post(detail, {"carry_out": "1", "recovery_key": "VNR-ABCD"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    done = client.post(detail, {"carry_out": "1", "recovery_key": people["offline"]})
    assert done.status_code == 302
    assert ReportRecipient.objects.filter(report=people["report"], membership=people["successor"],
                                          revoked_at__isnull=True).exists()


def test_a_declared_person_ends_it_themselves_and_an_employee_sees_nothing(
    client, organisation, advisor, people, as_actor,
) -> None:
    declaration = services.recipient_unavailable_declare(
        actor=as_actor(people["coordinator"]), membership=advisor, reason="Met verlof tot juni.")
    page = reverse("reporting:recovery_requests", args=[organisation.slug])
    client.force_login(advisor.user)
    assert [d.pk for d in client.get(page).context["declarations"]] == [declaration.pk]
    assert client.post(page, {"end": str(declaration.pk)}).status_code == 302
    assert RecipientUnavailability.objects.get().ended_at is not None
    assert client.post(page, {"end": "abc"}).status_code == 404
    employee = make_member(organisation, Role.EMPLOYEE)
    client.force_login(employee.user)
    assert client.get(page).status_code == 403
