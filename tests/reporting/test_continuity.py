"""Key continuity (ADR 0031): a forgotten password, and an advisor who leaves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from support.people import PASSWORD, make_member
from vangnet.core.crypto import DecryptionError
from vangnet.organisations.roles import Role
from vangnet.reporting import keys, selectors, services
from vangnet.reporting.keys import keypair_create

pytestmark = pytest.mark.django_db


def test_personal_recovery_key_after_password_change(organisation) -> None:
    member = make_member(organisation, Role.ADVISOR)
    pair, private, recovery = keypair_create(user=member.user, password=PASSWORD)
    member.user.set_password("A-new-password-42")
    member.user.save()
    with pytest.raises(DecryptionError):
        keys.private_key_unlock(pair=pair, password="A-new-password-42")
    opened, new_recovery = keys.private_key_recover(pair=pair, recovery_key=recovery.lower(),
                                                    new_password="A-new-password-42")
    assert opened == private
    assert keys.private_key_unlock(pair=pair, password="A-new-password-42") == private
    with pytest.raises(DecryptionError):  # the used recovery key is retired
        keys.private_key_recover(pair=pair, recovery_key=recovery, new_password="x")
    assert keys.private_key_recover(pair=pair, recovery_key=new_recovery, new_password="y")[0] == private


def test_organisation_recovery_key_gives_a_new_advisor_access(organisation, advisor, submit, as_actor) -> None:
    coordinator = make_member(organisation, Role.COORDINATOR)
    _key, offline = services.recovery_key_create(actor=as_actor(coordinator))
    report, _ = submit(parts={"narrative": "Voor de opvolger"})
    # The advisor leaves; their key is gone with them.
    advisor.is_active = False
    advisor.save(update_fields=["is_active"])
    services.report_remove_recipient(actor=as_actor(coordinator), report=report, membership=advisor)
    successor = make_member(organisation, Role.ADVISOR)
    _pair, successor_private, _r = keypair_create(user=successor.user, password=PASSWORD)
    with pytest.raises(ValidationError):
        services.reports_recover_for(actor=as_actor(coordinator), recovery_private_key="VNR-AAAA",
                                     membership=successor)
    count = services.reports_recover_for(actor=as_actor(coordinator), recovery_private_key=offline,
                                         membership=successor)
    assert count == 1
    contents = selectors.report_contents_for(actor=as_actor(successor), report=report,
                                             private_key=successor_private)
    assert contents["narrative"] == "Voor de opvolger"
    employee = make_member(organisation, Role.EMPLOYEE)
    with pytest.raises(PermissionDenied):
        services.recovery_key_create(actor=as_actor(employee))


def test_recovery_skips_reports_where_the_new_recipient_is_involved(organisation, advisor, submit,
                                                                     as_actor) -> None:
    coordinator = make_member(organisation, Role.COORDINATOR)
    _key, offline = services.recovery_key_create(actor=as_actor(coordinator))
    successor = make_member(organisation, Role.ADVISOR)
    keypair_create(user=successor.user, password=PASSWORD)
    submit(involved=[successor])
    assert services.reports_recover_for(actor=as_actor(coordinator), recovery_private_key=offline,
                                        membership=successor) == 0


def test_second_recipient(organisation, advisor, external_advisor, submit, as_actor) -> None:
    report, _ = submit()
    services.report_add_recipient(actor=as_actor(advisor), report=report, membership=external_advisor,
                                  private_key=advisor.private_key)
    contents = selectors.report_contents_for(actor=as_actor(external_advisor), report=report,
                                             private_key=external_advisor.private_key)
    assert contents["narrative"]


def test_older_reports_get_sealed_for_a_new_recovery_key(organisation, advisor, submit, as_actor) -> None:
    report, _ = submit()  # before any organisation recovery key exists
    assert report.recovery_key_id is None
    coordinator = make_member(organisation, Role.COORDINATOR)
    key, offline = services.recovery_key_create(actor=as_actor(coordinator))
    assert services.report_seal_for_recovery(actor=as_actor(advisor), report=report,
                                             private_key=advisor.private_key)
    report.refresh_from_db()
    assert report.recovery_key_id == key.pk
    successor = make_member(organisation, Role.ADVISOR)
    keypair_create(user=successor.user, password=PASSWORD)
    assert services.reports_recover_for(actor=as_actor(coordinator), recovery_private_key=offline,
                                        membership=successor) == 1


def test_single_sign_on_user_chooses_a_key_passphrase(client, organisation) -> None:
    from django.urls import reverse

    member = make_member(organisation, Role.ADVISOR)
    member.user.set_unusable_password()
    member.user.save()
    client.force_login(member.user)
    url = reverse("reporting:unlock", args=[organisation.slug])
    mismatch = client.post(url, {"password": "lange-zin-voor-mijn-sleutel", "password_again": "anders"})
    assert mismatch.status_code == 200 and "password_again" in mismatch.context["form"].errors
    created = client.post(url, {"password": "lange-zin-voor-mijn-sleutel",
                                "password_again": "lange-zin-voor-mijn-sleutel"})
    assert created.status_code == 200 and created.context["recovery"]
    client.cookies.pop("vn_keywrap")
    wrong = client.post(url, {"password": "niet-de-goede-zin"})
    assert wrong.status_code == 200 and "password" in wrong.context["form"].errors
    right = client.post(url, {"password": "lange-zin-voor-mijn-sleutel"})
    assert right.status_code == 302
