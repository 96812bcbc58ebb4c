"""Production settings refuse insecure configurations; a realistic one passes `check --deploy`."""

from __future__ import annotations

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from vangnet.settings.base import DEVELOPMENT_SERVER_KEY

PYTHON = sys.executable
CLEARED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL", "REDIS_URL", "DEBUG",
           "DJANGO_SETTINGS_MODULE", "VANGNET_ALLOW_SQLITE", "DJANGO_ALLOW_ASYNC_UNSAFE",
           "VANGNET_SINGLE_PROCESS", "WEB_CONCURRENCY", "VANGNET_PRIVATE_ROOT",
           "VANGNET_SERVER_KEY", "VANGNET_SERVER_KEYS_PREVIOUS",
           "VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR", "VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR",
           "VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR", "VANGNET_ANONYMITY_THRESHOLD")


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env["VANGNET_DATA_DIR"] = str(tmp_path)
    # Run against the same source tree as this test run.
    import vangnet

    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(vangnet.__file__).resolve().parents[1]), env.get("PYTHONPATH", "")]
    )
    env.update(values)
    return env


def realistic(tmp_path: Path, **overrides: str) -> dict[str, str]:
    values = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "VANGNET_SERVER_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "vangnet.example.org",
        "DATABASE_URL": "postgres://vangnet:geheim@127.0.0.1:5432/vangnet",
        "EMAIL_URL": "smtp://mail.example.org:587?tls=1",
        "REDIS_URL": "redis://127.0.0.1:6379/6",
    }
    values.update(overrides)
    return _env(tmp_path, **{k: v for k, v in values.items() if v is not None})


def _load_settings(env: dict[str, str], module: str = "vangnet.settings.production",
                   expression: str = "settings.DEBUG") -> subprocess.CompletedProcess[str]:
    code = (
        "import django; from django.conf import settings; "
        f"print(repr({expression}))"
    )
    return subprocess.run([PYTHON, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": module},
                          capture_output=True, text=True, timeout=60, check=False)


def test_realistic_environment_starts(tmp_path: Path) -> None:
    result = _load_settings(realistic(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "kort"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": ""}, "PostgreSQL"),
        ({"DATABASE_URL": "sqlite:////tmp/vangnet.sqlite3"}, "PostgreSQL"),
        ({"EMAIL_URL": "file:///tmp/mail"}, "EMAIL_URL"),
        ({"EMAIL_URL": "memory:"}, "EMAIL_URL"),
        # Several web processes, each counting its own throttles (issue #10, finding 6).
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"REDIS_URL": "", "VANGNET_SINGLE_PROCESS": "1", "WEB_CONCURRENCY": "4"}, "WEB_CONCURRENCY"),
        ({"VANGNET_SERVER_KEY": ""}, "VANGNET_SERVER_KEY"),
        ({"VANGNET_SERVER_KEY": "kort"}, "VANGNET_SERVER_KEY"),
        ({"VANGNET_SERVER_KEY": "ab" * 40}, "VANGNET_SERVER_KEY"),
        ({"VANGNET_SERVER_KEY": DEVELOPMENT_SERVER_KEY}, "VANGNET_SERVER_KEY"),
    ],
    ids=["no-secret", "short-secret", "boring-secret", "any-host", "no-host", "default-sqlite",
         "sqlite-url", "file-mail", "memory-mail", "no-redis", "single-process-but-four-workers",
         "no-server-key", "short-server-key", "boring-server-key", "development-server-key"],
)
def test_production_refuses_insecure_settings(tmp_path: Path, overrides: dict[str, str],
                                              reason: str) -> None:
    env = realistic(tmp_path)
    for key, value in overrides.items():
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    result = _load_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "refuses to start" in result.stderr and reason in result.stderr


def test_one_declared_process_may_run_without_redis(tmp_path: Path) -> None:
    env = realistic(tmp_path, VANGNET_SINGLE_PROCESS="1")
    env.pop("REDIS_URL")
    result = _load_settings(env, expression="settings.CACHES['default']['BACKEND']")
    assert result.returncode == 0, result.stderr
    assert "LocMemCache" in result.stdout


def test_private_files_cannot_be_put_under_the_web_root(tmp_path: Path) -> None:
    env = realistic(tmp_path, VANGNET_PRIVATE_ROOT=str(tmp_path / "media" / "private"))
    result = _load_settings(env, expression="__import__('django.core.files.storage', fromlist=['x'])"
                                            ".storages['private'].location")
    assert result.returncode != 0
    assert "must not be inside a publicly served directory" in result.stderr


def test_sqlite_can_be_allowed_explicitly(tmp_path: Path) -> None:
    env = realistic(tmp_path, VANGNET_ALLOW_SQLITE="1")
    env.pop("DATABASE_URL")
    assert _load_settings(env).returncode == 0


def test_check_deploy_reports_no_issues(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "vangnet", "check", "--deploy", "--settings=vangnet.settings.production"],
        env=realistic(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_cookies_and_transport(tmp_path: Path) -> None:
    expression = ("(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT,"
                  " settings.SECURE_HSTS_SECONDS >= 31536000, settings.SESSION_COOKIE_NAME,"
                  " settings.ALLAUTH_TRUSTED_PROXY_COUNT)")
    result = _load_settings(realistic(tmp_path), expression=expression)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(True, True, True, True, '__Host-sessionid', 1)"


def test_redis_url_selects_the_redis_cache(tmp_path: Path) -> None:
    env = _env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    result = _load_settings(env, module="vangnet.settings.base",
                            expression="(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('django.core.cache.backends.redis.RedisCache', 'redis://127.0.0.1:6379/0')"
    without = _load_settings(_env(tmp_path), module="vangnet.settings.base",
                             expression="settings.CACHES['default']['BACKEND']")
    assert "LocMemCache" in without.stdout


def test_production_refuses_a_server_key_equal_to_secret_key(tmp_path: Path) -> None:
    shared = secrets.token_urlsafe(64)
    result = _load_settings(realistic(tmp_path, SECRET_KEY=shared, VANGNET_SERVER_KEY=shared))
    assert result.returncode != 0
    assert "refuses to start" in result.stderr and "must differ from SECRET_KEY" in result.stderr


def test_server_keys_and_throttles_come_from_the_environment(tmp_path: Path) -> None:
    current, previous = secrets.token_urlsafe(64), secrets.token_urlsafe(64)
    env = realistic(tmp_path, VANGNET_SERVER_KEY=current,
                    VANGNET_SERVER_KEYS_PREVIOUS=f"{previous}, older-key-2 ",
                    VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR="1200",
                    VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR="12",
                    VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR="7",
                    VANGNET_ANONYMITY_THRESHOLD="6")
    expression = ("(settings.VANGNET_SERVER_KEY, settings.VANGNET_SERVER_KEYS_PREVIOUS, "
                  "settings.VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR, "
                  "settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR, "
                  "settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR, "
                  "settings.VANGNET_ANONYMITY_THRESHOLD)")
    result = _load_settings(env, expression=expression)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr((current, [previous, "older-key-2"], 1200, 12, 7, 6))
    # The receipt module reads them (ADR 0032).
    code = ("import django; django.setup(); from vangnet.reporting import receipts; "
            "print(receipts.global_budget(), receipts.source_budget(), receipts.submission_budget())")
    ran = subprocess.run([PYTHON, "-c", code],
                         env={**env, "DJANGO_SETTINGS_MODULE": "vangnet.settings.production"},
                         capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "1200 12 7"


def test_development_server_key_is_fixed_and_not_derived_from_secret_key(tmp_path: Path) -> None:
    """Demo and tests get a public, fixed value: it must not change with SECRET_KEY (that was
    finding 9), and it must not be SECRET_KEY."""
    answers = []
    for secret in (secrets.token_urlsafe(64), secrets.token_urlsafe(64)):
        env = _env(tmp_path, SECRET_KEY=secret)
        result = _load_settings(env, module="vangnet.settings.base",
                                expression="(settings.VANGNET_SERVER_KEY, settings.SECRET_KEY)")
        assert result.returncode == 0, result.stderr
        server_key, secret_key = ast.literal_eval(result.stdout.strip())
        assert secret_key == secret and server_key != secret
        answers.append(server_key)
    assert answers == [DEVELOPMENT_SERVER_KEY, DEVELOPMENT_SERVER_KEY]
