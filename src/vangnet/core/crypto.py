"""Encryption primitives for Vangnet (libsodium through PyNaCl). See docs/adr/0030.

Only this module touches PyNaCl, so the choices (algorithms, Argon2id cost) live in one place:

- `new_key()` / `secret_encrypt` / `secret_decrypt`: XSalsa20-Poly1305 (SecretBox) with a random
  nonce stored in front of the ciphertext.
- `keypair_generate()` / `seal` / `unseal`: X25519 sealed boxes (anonymous sender): anyone with the
  public key can write, only the private key can read.
- `derive_key(secret, salt)`: Argon2id. Production cost is libsodium's INTERACTIVE (2 passes,
  64 MiB); with `settings.VANGNET_CRYPTO_FAST` (tests) the MIN cost is used.
- `server_key(purpose)`: a key derived from VANGNET_SERVER_KEY (never from SECRET_KEY) for the few
  things the server itself must be able to read back (notification e-mail addresses,
  conflict-of-interest tags, the audit chain). `server_keys(purpose)` lists every key a reader must
  try during a rotation (current first); `held_secret(name)` keeps a value that must outlive a
  rotation, wrapped under the server key. ADR 0030 and 0054.
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
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .models import HeldSecret

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


# --- Server-held keys (ADR 0030) -------------------------------------------------------------


def _server_roots() -> list[str]:
    """The configured server key roots: the current one first, then the previous ones."""
    current = str(getattr(settings, "VANGNET_SERVER_KEY", "") or "")
    if not current:
        # Never fall back to SECRET_KEY: rotating it must not change what the server can read.
        raise ImproperlyConfigured("VANGNET_SERVER_KEY is not set.")
    previous = [str(key) for key in getattr(settings, "VANGNET_SERVER_KEYS_PREVIOUS", []) or []]
    return list(dict.fromkeys([current, *[key for key in previous if key]]))


def derive_server_key(root: str, purpose: str) -> bytes:
    """The 32-byte key for one purpose under one root (HMAC-SHA256, a PRF: purposes unlinkable)."""
    return hmac.new(root.encode(), f"vangnet:{purpose}".encode(), hashlib.sha256).digest()


def key_id_of(root: str) -> str:
    """A short public name for a root, stored beside data so a reader knows which key wrote it."""
    return hmac.new(root.encode(), b"vangnet:key-id", hashlib.sha256).hexdigest()[:16]


def server_key_id() -> str:
    return key_id_of(_server_roots()[0])


def server_key(purpose: str) -> bytes:
    """The current 32-byte key for one purpose, derived from VANGNET_SERVER_KEY.

    Anyone holding the server secret can use these keys; they protect data the server must read
    without a person present (ADR 0030 lists exactly which). Encrypt, sign and hash with this one.
    """
    return derive_server_key(_server_roots()[0], purpose)


def server_keys_by_id(purpose: str) -> dict[str, bytes]:
    """{key id: key} for every configured root, the current one first."""
    return {key_id_of(root): derive_server_key(root, purpose) for root in _server_roots()}


def server_keys(purpose: str) -> list[bytes]:
    """Every server key that may still have protected data for `purpose`: the current one first,
    then the previous ones (VANGNET_SERVER_KEYS_PREVIOUS), then keys of the previous version that
    the upgrade kept (until `vangnet rekey` retires them).

    Decrypt or verify with each in turn; encrypt or sign with `server_key(purpose)` only.
    """
    return [*server_keys_by_id(purpose).values(), *_legacy_keys(purpose)]


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 under the current server key, hex: a tag that only the server can compute."""
    return hmac.new(server_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def keyed_hash_with(key: bytes, value: str) -> str:
    """HMAC-SHA256 under a given key (one of `server_keys(purpose)`), hex."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def keyed_hashes(purpose: str, value: str) -> list[str]:
    """The keyed hash of `value` under every server key (current first): look up with each."""
    return [keyed_hash_with(key, value) for key in server_keys(purpose)]


def server_encrypt(purpose: str, plaintext: bytes) -> bytes:
    return secret_encrypt(server_key(purpose), plaintext)


def server_decrypt(purpose: str, ciphertext: bytes) -> tuple[bytes, bool]:
    """(plaintext, True when it was encrypted under the current key); tries every server key."""
    for position, key in enumerate(server_keys(purpose)):
        try:
            return secret_decrypt(key, ciphertext), position == 0
        except DecryptionError:
            continue
    raise DecryptionError


# --- Secrets held in the database, wrapped under the server key ---------------------------------

HELD_SECRET_WRAP = "held-secret"
LEGACY_PREFIX = "legacy-key:"


def held_secret(name: str, *, size: int = KEY_SIZE) -> bytes:
    """A random secret, created on first use, stored only wrapped under the server key.

    For values that must outlive a server key rotation (see HeldSecret). A rotation re-wraps it.
    """
    row = HeldSecret.objects.filter(name=name).first()
    if row is None:
        value = nacl.utils.random(size)
        row, _created = HeldSecret.objects.get_or_create(
            name=name,
            defaults={"key_id": server_key_id(),
                      "ciphertext": secret_encrypt(server_key(HELD_SECRET_WRAP), value)},
        )
    return unwrap_held_secret(row.key_id, bytes(row.ciphertext))


def unwrap_held_secret(key_id: str, ciphertext: bytes) -> bytes:
    keys = server_keys_by_id(HELD_SECRET_WRAP)
    ordered = [keys[key_id]] if key_id in keys else []
    ordered += [key for known, key in keys.items() if known != key_id]
    for key in ordered:
        try:
            return secret_decrypt(key, ciphertext)
        except DecryptionError:
            continue
    raise ImproperlyConfigured(
        "A secret in the database is wrapped under a server key that is not configured "
        f"(key id {key_id}). Add that key to VANGNET_SERVER_KEYS_PREVIOUS."
    )


def wrap_held_secret(value: bytes) -> tuple[str, bytes]:
    """(key id, ciphertext) of `value` under the current server key."""
    return server_key_id(), secret_encrypt(server_key(HELD_SECRET_WRAP), value)


_legacy_cache: dict[str, list[bytes]] = {}


def _legacy_keys(purpose: str) -> list[bytes]:
    """Keys of the previous version (derived from SECRET_KEY) that the upgrade kept, wrapped.

    Read once per process: list pages check involvement per row and must not query for it. The
    rows are only ever created by the upgrade migration (before the new code serves requests) and
    deleted by `vangnet rekey`; a process that still holds them after that merely tries a useless
    extra key until it restarts. Nothing is read with a key that was not configured or kept."""
    cached = _legacy_cache.get(purpose)
    if cached is not None:
        return cached


    try:
        rows = list(HeldSecret.objects.filter(name=f"{LEGACY_PREFIX}{purpose}"))
    except DatabaseError:  # before the table exists (first migrate)
        return []
    keys = [unwrap_held_secret(row.key_id, bytes(row.ciphertext)) for row in rows]
    _legacy_cache[purpose] = keys
    return keys


def forget_cached_keys() -> None:
    """Drop the in-memory copy of legacy keys (after `vangnet rekey`, and in tests)."""
    _legacy_cache.clear()


def random_digits(count: int) -> str:
    """`count` uniformly random decimal digits from the OS generator."""
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def constant_time_equal(a: bytes | str, b: bytes | str) -> bool:
    a_bytes = a.encode() if isinstance(a, str) else a
    b_bytes = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(a_bytes, b_bytes)
