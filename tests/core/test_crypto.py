"""The crypto core: round trips, wrong keys, Argon2id cost selection."""

from __future__ import annotations

import nacl.pwhash
import pytest

from vangnet.core import crypto


def test_secretbox_round_trip_and_tamper() -> None:
    key = crypto.new_key()
    box = crypto.secret_encrypt(key, b"geheim")
    assert b"geheim" not in box
    assert crypto.secret_decrypt(key, box) == b"geheim"
    with pytest.raises(crypto.DecryptionError):
        crypto.secret_decrypt(crypto.new_key(), box)
    tampered = bytearray(box)
    tampered[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.secret_decrypt(key, bytes(tampered))


def test_sealed_box_only_private_key_reads() -> None:
    public, private = crypto.keypair_generate()
    sealed = crypto.seal(public, b"voor jou")
    assert crypto.unseal(private, sealed) == b"voor jou"
    _other_public, other_private = crypto.keypair_generate()
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(other_private, sealed)
    assert crypto.public_key_of(private) == public


def test_derive_key_is_deterministic_per_salt() -> None:
    salt = crypto.new_salt()
    assert crypto.derive_key("wachtwoord", salt) == crypto.derive_key("wachtwoord", salt)
    assert crypto.derive_key("wachtwoord", salt) != crypto.derive_key("wachtwoord", crypto.new_salt())
    assert len(crypto.derive_key("x", salt, size=64)) == 64


def test_argon2_cost_fast_in_tests_interactive_in_production(settings) -> None:
    settings.VANGNET_CRYPTO_FAST = True
    assert crypto.argon2_cost() == (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)
    settings.VANGNET_CRYPTO_FAST = False
    assert crypto.argon2_cost() == (
        nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE, nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE
    )


def test_server_keys_differ_per_purpose_and_follow_the_secret(settings) -> None:
    assert crypto.server_key("a") != crypto.server_key("b")
    before = crypto.server_key("a")
    settings.VANGNET_SERVER_KEY = "another secret"
    assert crypto.server_key("a") != before


def test_random_digits() -> None:
    codes = {crypto.random_digits(16) for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 16 and c.isdigit() for c in codes)
