"""Settings for every environment. Everything comes from the environment with safe defaults.

`production.py` builds on this and refuses to start with an insecure configuration.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vangnet.core.logs import logging_config

from .env import env_bool, env_int, env_list, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("VANGNET_DATA_DIR", Path.cwd() / "var")

DEBUG = env_bool("DEBUG", False)
# A development key is generated into the data directory; production refuses it.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    from vangnet.core.secret_key import development_secret_key

    SECRET_KEY = development_secret_key(DATA_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "vangnet.core",
    "vangnet.accounts",
    "vangnet.organisations",
    # Django's admin with Vangnet's site: no password-only login, reviewed models only (ADR 0050).
    "vangnet.accounts.platform_admin.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
# Domain apps register themselves here as they are built (see docs/architecture.md).
INSTALLED_APPS += [
    app
    for app in (
        "vangnet.toolbox",
        "vangnet.surveys",
        "vangnet.quickscan",
        "vangnet.pulse",
        "vangnet.reporting",
        "vangnet.cases",
        "vangnet.conduct",
        "vangnet.workshops",
        "vangnet.signals",
    )
    if (PACKAGE_DIR / app.split(".")[1] / "apps.py").exists()
]

MIDDLEWARE = [
    # /health/live/ and /health/ready/ are answered before anything else: no session, no cookie, no
    # host check, no log of the client (core.health).
    "vangnet.core.health.HealthMiddleware",
    # Request latency per view and /metrics/, only when VANGNET_METRICS_TOKEN is set (core.metrics).
    "vangnet.core.metrics.MetricsMiddleware",
    # Then: a NUL byte or broken text anywhere in the request is a 400 before anything reads it.
    "vangnet.core.middleware.RejectInvalidInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vangnet.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vangnet.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vangnet.core.cache_headers.PrivatePagesMiddleware",  # logged-in pages: private, no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "vangnet.accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "vangnet.urls"
WSGI_APPLICATION = "vangnet.wsgi.application"
ASGI_APPLICATION = "vangnet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vangnet.core.context_processors.vangnet",
            ],
        },
    }
]
FORM_RENDERER = "vangnet.core.forms.VangnetFormRenderer"

# --- Database -------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'vangnet.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the task worker share the file: WAL, a busy timeout and immediate
    # transactions keep writers from meeting "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, rate limits -----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several installations (or a load test) may share one Redis database.
            "KEY_PREFIX": env_str("VANGNET_CACHE_KEY_PREFIX", "vangnet"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_HTTPONLY = True
# No cookie outlives the visit on a public page (issue 12): the CSRF cookie is a browser-session
# cookie (gone when the browser closes) instead of Django's one year. A form left open across a
# browser restart is refused with our 403 page, which says how to go on.
CSRF_COOKIE_AGE = None
LANGUAGE_COOKIE_AGE = None

# --- Background tasks -----------------------------------------------------------------------
# The database backend is the default: nothing else to run. With several app servers and a busy
# queue, one setting moves the queue to Redis (ADR 0062): TASKS_BACKEND=django_tasks_rq.RQBackend,
# workers `vangnet rqworker default --with-scheduler` instead of `vangnet db_worker`. RQ hands each
# job to exactly one worker (an atomic move from the queue list to that worker's list).
RQ_BACKEND = "django_tasks_rq.RQBackend"
TASKS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}
TASKS_REDIS_URL = env_str("TASKS_REDIS_URL") or REDIS_URL
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=django_tasks_rq.RQBackend needs TASKS_REDIS_URL or "
                                   "REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    TASKS["default"]["QUEUES"] = []  # every queue of RQ_QUEUES (below)
# Workers must run django-tasks' job class (it turns the stored path back into the task).
RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
# Queue names that tasks use (task.using(queue_name=...)); all on the same Redis database.
RQ_QUEUES = {
    name: {"URL": TASKS_REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}
    for name in ["default", *env_list("VANGNET_TASK_QUEUES", [])]
}

# Prometheus metrics at /metrics/ with "Authorization: Bearer <token>"; empty: off (core.metrics).
VANGNET_METRICS_TOKEN = env_str("VANGNET_METRICS_TOKEN")

# Readiness (/health/ready/) fails when the oldest task that may run has waited longer than this.
VANGNET_READY_MAX_TASK_AGE = env_int("VANGNET_READY_MAX_TASK_AGE", 300)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "vangnet.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Vangnet] "
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Brute force: failed logins are limited per account (key) tightly and per IP address only
# loosely, so that one attacker cannot guess a password while a whole office behind one NAT
# address can still log in. Counters live in the cache (Redis when REDIS_URL is set).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,60/m/ip",
    "login": "120/m/ip",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
# Behind a reverse proxy every request comes from the proxy's address, and the per-IP limits above
# would become one limit for everybody. Set TRUSTED_PROXY_COUNT to the number of proxies in front
# (production defaults to 1) so allauth takes the client address from X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Vangnet's own throttles (receipts, reports, reporter messages) read the same number through
# core.client, reserve before the work (core.throttle) and count in the cache: Redis with more
# than one process (production refuses otherwise). ADR 0005 and 0032.
VANGNET_REPORTER_MESSAGES_PER_REPORT_PER_HOUR = env_int("VANGNET_REPORTER_MESSAGES_PER_REPORT_PER_HOUR", 20)
VANGNET_REPORTER_MESSAGES_PER_SOURCE_PER_HOUR = env_int("VANGNET_REPORTER_MESSAGES_PER_SOURCE_PER_HOUR", 60)
SOCIALACCOUNT_ADAPTER = "vangnet.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ONLY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Vangnet"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Platform admin and account security (ADR 0050): second-factor secrets encrypted under the server
# key; every change to an account announced by e-mail (and audited, see accounts.adapter); no
# "trust this browser" and no login straight after a password reset, so that every session that
# needs a second factor has passed it (accounts.middleware). One e-mail address per account.
MFA_ADAPTER = "vangnet.accounts.mfa_adapter.MFAAdapter"
MFA_TRUST_ENABLED = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_CHANGE_EMAIL = True

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Vangnet <noreply@vangnet.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_str("EMAIL_URL", "file://" + str(DATA_DIR / "mail"))


def _email_settings(url: str) -> dict[str, object]:
    """EMAIL_URL: smtp://user:pass@host:587?tls=1, smtps://..., file:///path, console:, memory:."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": unquote(parsed.path)}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
            "EMAIL_TIMEOUT": 20,
        }
    raise ValueError(f"EMAIL_URL scheme not supported: {scheme!r}")


_EMAIL = _email_settings(EMAIL_URL)
EMAIL_BACKEND = str(_EMAIL.pop("EMAIL_BACKEND"))
globals().update(_EMAIL)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English")), ("pl", _("Polish")), ("tr", _("Turkish")),
             ("ar", _("Arabic")), ("uk", _("Ukrainian"))]
# The pages for staff are in Dutch and English; the public pages (help, route, guide, report form,
# receipt, return, dialogue, talk first) also in these languages (issue 12). A string without a
# translation in such a language falls back to Dutch (LANGUAGE_CODE), Django's fallback catalogue.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
# The container image collects static files at build time into its own folder (VANGNET_STATIC_ROOT).
STATIC_ROOT = env_path("VANGNET_STATIC_ROOT", DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Encrypted attachments: outside MEDIA_ROOT (which the proxy serves), no URL (ADR 0034).
VANGNET_PRIVATE_ROOT = env_path("VANGNET_PRIVATE_ROOT", DATA_DIR / "private")
PRIVATE_STORAGE = {"BACKEND": "vangnet.core.storage.PrivateFileSystemStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

# --- Logging: never content, never IP addresses (see docs/adr/0004) ---------------------------
# LOG_FORMAT=json: one JSON object per line without client, user agent or content (core.logs).
LOG_FORMAT = env_str("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = logging_config(fmt=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))

# --- Vangnet --------------------------------------------------------------------------------
VANGNET_ANONYMITY_THRESHOLD = env_int("VANGNET_ANONYMITY_THRESHOLD", 5)
VANGNET_ANONYMITY_MINIMUM = 3
# Roles whose holders may read cases; they must log in with two factors.
VANGNET_DEMO = env_bool("VANGNET_DEMO", False)
# Where "Leave this page quickly" goes (issue 12): a neutral, common site.
VANGNET_QUICK_EXIT_URL = env_str("VANGNET_QUICK_EXIT_URL", "https://www.buienradar.nl/")
# Finished background-task rows are deleted after this many days (ADR 0051, docs/operations.md).
VANGNET_TASK_RESULTS_KEEP_DAYS = max(1, env_int("VANGNET_TASK_RESULTS_KEEP_DAYS", 7))

# Server-held keys (ADR 0030): the root of every key the server itself must hold (notification
# addresses, conflict-of-interest tags, the receipt pepper, the reporter cookie, the audit chain).
# Separate from SECRET_KEY on purpose: Django practice is to rotate SECRET_KEY, and that must never
# cut reporters off. Development, demo and tests use a fixed value that is public and NOT derived
# from SECRET_KEY; production refuses it (production.py). Previous keys (comma-separated) are
# still accepted for reading during a rotation; `vangnet rekey` moves data to the current key.
DEVELOPMENT_SERVER_KEY = "vangnet-development-server-key:public-value:never-use-in-production"
VANGNET_SERVER_KEY = env_str("VANGNET_SERVER_KEY") or DEVELOPMENT_SERVER_KEY
VANGNET_SERVER_KEYS_PREVIOUS = env_list("VANGNET_SERVER_KEYS_PREVIOUS", [])
# Receipt and submission throttles (ADR 0032).
VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR = env_int("VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR", 3600)
VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = env_int("VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR", 30)
VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = env_int(
    "VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR", 20
)
