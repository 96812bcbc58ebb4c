"""Production settings: the base, hardened. Refuses to start when something is insecure."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DATABASES,
    DEVELOPMENT_SERVER_KEY,
    EMAIL_BACKEND,
    PRIVATE_STORAGE,
    REDIS_URL,
    SECRET_KEY,
    VANGNET_SERVER_KEY,
    env_bool,
    env_int,
    env_str,
)

DEBUG = False


def _refuse(reason: str) -> None:
    raise ImproperlyConfigured(f"Vangnet refuses to start in production: {reason}")


if not env_str("SECRET_KEY") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    _refuse("set SECRET_KEY to a random value of at least 50 characters.")
# The server key protects what the server must read back itself (ADR 0030); it must be its own
# secret so that rotating SECRET_KEY cannot lock reporters out, and never the public development one.
if (
    not env_str("VANGNET_SERVER_KEY")
    or VANGNET_SERVER_KEY == DEVELOPMENT_SERVER_KEY
    or len(VANGNET_SERVER_KEY) < 50
    or len(set(VANGNET_SERVER_KEY)) < 10
):
    _refuse("set VANGNET_SERVER_KEY to a random value of at least 50 characters.")
if VANGNET_SERVER_KEY == SECRET_KEY:
    _refuse("VANGNET_SERVER_KEY must differ from SECRET_KEY.")
# The development default (localhost) is no answer here: the host names must be set on purpose.
if not env_str("ALLOWED_HOSTS").strip() or not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    _refuse("set ALLOWED_HOSTS to the host names that serve Vangnet.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool(
    "VANGNET_ALLOW_SQLITE", False
):
    _refuse("use PostgreSQL (DATABASE_URL=postgres://...), or set VANGNET_ALLOW_SQLITE=1.")
if EMAIL_BACKEND.endswith(("filebased.EmailBackend", "locmem.EmailBackend")):
    _refuse("set EMAIL_URL to an SMTP server (smtp://... or smtps://...).")
# Throttles count in the cache. Without Redis every web process counts alone, so four workers
# would allow four times every limit (ADR 0005). Redis is required unless the operator declares
# one single web process; gunicorn takes WEB_CONCURRENCY as its worker count, so a declared
# single process with WEB_CONCURRENCY above 1 is a contradiction.
_single_process = env_bool("VANGNET_SINGLE_PROCESS", False)
if not REDIS_URL and not _single_process:
    _refuse("set REDIS_URL (throttles must be shared by every web process), or set "
            "VANGNET_SINGLE_PROCESS=1 if exactly one web process serves Vangnet.")
if not REDIS_URL and env_int("WEB_CONCURRENCY", 1) > 1:
    _refuse("WEB_CONCURRENCY is above 1 but REDIS_URL is not set: each process would count its "
            "own throttles.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production runs behind one TLS-terminating proxy unless told otherwise (see ADR 0005).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
WHITENOISE_USE_FINDERS = False
