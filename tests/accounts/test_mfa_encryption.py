"""Issue #10, finding 1: second-factor secrets were readable in `mfa_authenticator.data`. A dump of
the table must not give anyone the TOTP secret or the recovery-code seed; logging in still works."""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.db import connection

from support.people import PASSWORD, TOTP_SECRET, make_member, totp_code
from vangnet.accounts.mfa_adapter import StoredSecretError, decrypt_secret
from vangnet.organisations.roles import Role

MIGRATION = importlib.import_module("vangnet.accounts.migrations.0002_encrypt_mfa_secrets")
BASE32_SECRET = re.compile(r"[A-Z2-7]{16,}")
HEX_SEED = re.compile(r"[0-9a-f]{40,}")


def _table_dump() -> str:
    """What a database administrator or a stolen backup sees."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, data FROM mfa_authenticator")
        return "\n".join(f"{kind} {data}" for kind, data in cursor.fetchall())


def _logged_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


def _login_with_code(client: Any, email: str, code: str) -> Any:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client.post("/accounts/2fa/authenticate/", {"code": code})


@pytest.mark.django_db
def test_database_dump_holds_no_totp_secret_or_recovery_seed(organisation: Any) -> None:
    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    codes = RecoveryCodes.activate(advisor.user)
    seed = decrypt_secret(codes.instance.data["seed"])
    dump = _table_dump()
    assert "totp" in dump and "recovery_codes" in dump  # the rows are there
    assert TOTP_SECRET not in dump
    assert seed not in dump
    assert BASE32_SECRET.search(dump) is None, dump
    assert HEX_SEED.search(dump) is None, dump
    assert not any(code in dump for code in codes.get_unused_codes())


@pytest.mark.django_db
def test_login_with_totp_and_with_a_recovery_code_still_works(client: Any, organisation: Any
                                                              ) -> None:
    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    codes = RecoveryCodes.activate(advisor.user).get_unused_codes()
    _login_with_code(client, "vp@example.org", totp_code())
    assert _logged_in(client)
    client.logout()
    _login_with_code(client, "vp@example.org", codes[0])
    assert _logged_in(client)
    client.logout()
    _login_with_code(client, "vp@example.org", "123456")
    assert not _logged_in(client)


@pytest.mark.django_db
def test_a_secret_planted_in_clear_is_refused(client: Any, organisation: Any) -> None:
    # Someone with write access to the database replaces the advisor's secret with their own.
    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    attacker_secret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    Authenticator.objects.filter(user=advisor.user, type="totp").update(
        data={"secret": attacker_secret})
    with pytest.raises(StoredSecretError):
        _login_with_code(client, "vp@example.org", totp_code(attacker_secret))
    assert not _logged_in(client)


@pytest.mark.django_db
def test_the_migration_encrypts_secrets_stored_in_clear_by_earlier_versions(
        client: Any, organisation: Any) -> None:
    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org", two_factor=False)
    # As the previous version stored them: in clear.
    Authenticator.objects.create(user=advisor.user, type="totp", data={"secret": TOTP_SECRET})
    seed = "ab" * 40
    Authenticator.objects.create(user=advisor.user, type="recovery_codes",
                                 data={"seed": seed, "used_mask": 0})
    assert TOTP_SECRET in _table_dump()

    MIGRATION.encrypt_secrets(apps, None)
    dump = _table_dump()
    assert TOTP_SECRET not in dump and seed not in dump
    once = dump
    MIGRATION.encrypt_secrets(apps, None)  # running it again changes nothing
    assert _table_dump() == once

    _login_with_code(client, "vp@example.org", totp_code())
    assert _logged_in(client)

    MIGRATION.decrypt_secrets(apps, None)  # a downgrade gets the clear values back
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, data FROM mfa_authenticator")
        data = {kind: json.loads(raw) if isinstance(raw, str) else raw
                for kind, raw in cursor.fetchall()}
    assert data["totp"]["secret"] == TOTP_SECRET
    assert data["recovery_codes"]["seed"] == seed


@pytest.mark.django_db
def test_rekey_command_rewraps_and_codes_keep_working(client: Any, organisation: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    RecoveryCodes.activate(advisor.user)
    before = _table_dump()
    out = StringIO()
    call_command("rekey_mfa_secrets", stdout=out)
    assert out.getvalue().startswith("2 ")
    after = _table_dump()
    assert after != before and TOTP_SECRET not in after  # new nonce, same secret inside
    _login_with_code(client, "vp@example.org", totp_code())
    assert _logged_in(client)
