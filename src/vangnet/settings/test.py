"""Settings for the test suite: the base with fast hashing and in-memory mail."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("VANGNET_DATA_DIR", tempfile.mkdtemp(prefix="vangnet-test-"))
os.environ.setdefault("EMAIL_URL", "memory:")

from .base import *  # noqa: F403
from .base import ACCOUNT_RATE_LIMITS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(os.environ["VANGNET_DATA_DIR"]) / "media"
ACCOUNT_RATE_LIMITS = dict(ACCOUNT_RATE_LIMITS)
VANGNET_CRYPTO_FAST = True  # weaker Argon2id cost in tests; production cost is in the ADR
