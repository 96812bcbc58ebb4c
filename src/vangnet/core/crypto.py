"""Encryption primitives for Vangnet (libsodium through PyNaCl). See docs/adr/0030.

Only this module touches PyNaCl, so the choices (algorithms, Argon2id cost) live in one place:

- `new_key()` / `secret_encrypt` / `secret_decrypt`: XSalsa20-Poly1305 (SecretBox) with a random
  nonce stored in front of the ciphertext.
- `keypair_generate()` / `seal` / `unseal`: X25519 sealed boxes (anonymous sender): anyone with the
  public key can write, only the private key can read.
- `derive_key(secret, salt)`: Argon2id. Production cost is libsodium's INTERACTIVE (2 passes,
  64 MiB); with `settings.VANGNET_CRYPTO_FAST` (tests) the MIN cost is used.
- `server_key(purpose)`: a key derived from the server secret for the few things the server itself
  must be able to read back (notification e-mail addresses, conflict-of-interest tags).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from django.conf import settings
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_SIZE = nacl.secret.SecretBox.KEY_SIZE  # 32
SALT_SIZE = nacl.pwhash.argon2id.SALTBYTES  # 16


class DecryptionError(Exception):
    """Wrong key, or the ciphertext was changed. Never says which."""


def new_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_SIZE)


def secret_encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def secret_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return nacl.secret.SecretBox(key).decrypt(bytes(ciphertext))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionError from error


def keypair_generate() -> tuple[bytes, bytes]:
    """(public key, private key), 32 bytes each."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def public_key_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(plaintext))


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(sealed))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise DecryptionError from error


def argon2_cost() -> tuple[int, int]:
    """(opslimit, memlimit) for Argon2id; MIN in tests, INTERACTIVE in production (ADR 0030)."""
    if getattr(settings, "VANGNET_CRYPTO_FAST", False):
        return nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN
    return nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE, nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


def derive_key(secret: str | bytes, salt: bytes, *, size: int = KEY_SIZE) -> bytes:
    """Argon2id: a key from a password, recovery key or receipt code."""
    opslimit, memlimit = argon2_cost()
    data = secret.encode() if isinstance(secret, str) else secret
    return bytes(
        nacl.pwhash.argon2id.kdf(size, data, bytes(salt), opslimit=opslimit, memlimit=memlimit)
    )


def server_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from VANGNET_SERVER_KEY (default: SECRET_KEY).

    Anyone holding the server secret can use these keys; they protect data the server must read
    without a person present (ADR 0030 lists exactly which).
    """
    root = getattr(settings, "VANGNET_SERVER_KEY", "") or settings.SECRET_KEY
    return hmac.new(root.encode(), f"vangnet:{purpose}".encode(), hashlib.sha256).digest()


def server_keys(purpose: str) -> list[bytes]:
    """Every server key that may still have protected data for `purpose`: the current one first.

    Decrypt or verify with each in turn; encrypt or sign with `server_key(purpose)` only.
    """
    return [server_key(purpose)]


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 under a server key, hex: a tag that only the server can compute."""
    return hmac.new(server_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def random_digits(count: int) -> str:
    """`count` uniformly random decimal digits from the OS generator."""
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def constant_time_equal(a: bytes | str, b: bytes | str) -> bool:
    a_bytes = a.encode() if isinstance(a, str) else a
    b_bytes = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(a_bytes, b_bytes)
