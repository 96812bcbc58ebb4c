"""`vangnet backup` then `vangnet restore` into a fresh database (SQLite, or PostgreSQL when the suite
runs on it): afterwards a reporter opens their report with the receipt code, and the files are back."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

# The reporting suite's own fixtures: a recipient with keys, and submitting a report as the product does.
from reporting import conftest as reporting_fixtures

advisor = reporting_fixtures.advisor
submit = reporting_fixtures.submit

pytestmark = pytest.mark.django_db(transaction=True)

REPORTER_OPENS = """
import sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
slug, code = sys.argv[1], sys.argv[2]
client = Client()
response = client.post(reverse("reporting:return", args=[slug]), {"code": code})
print("return", response.status_code, response.get("Location", ""))
page = client.get(reverse("reporting:reporter_report", args=[slug]))
print("report", page.status_code)
print(page.content.decode())
"""


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of a database that has never seen this data."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'vangnet.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"vn_restore_{uuid.uuid4().hex[:10]}"
    base = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    admin = ["psql", f"{base}/postgres", "-qc"]
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield f"{base}/{name}"
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


def _vangnet(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vangnet", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_backup_restores_into_a_fresh_database_and_the_reporter_gets_in(
        tmp_path: Path, fresh_database: str, organisation: Any, advisor: Any, submit: Any) -> None:
    _report, code = submit(recipient=advisor, parts={"narrative": "Mijn leidinggevende negeert mij."})
    logo = Path(settings.MEDIA_ROOT) / "logos" / f"logo-{uuid.uuid4().hex[:6]}.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n fake logo")
    sealed = Path(settings.VANGNET_PRIVATE_ROOT) / "reporting" / "files" / f"{uuid.uuid4().hex}.bin"
    sealed.parent.mkdir(parents=True, exist_ok=True)
    sealed.write_bytes(os.urandom(64))

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert "manifest.json" in names
    assert f"media/logos/{logo.name}" in names and f"private/reporting/files/{sealed.name}" in names
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings.test", "DATABASE_URL": fresh_database,
           "VANGNET_DATA_DIR": str(fresh_dir)}
    env.pop("VANGNET_PRIVATE_ROOT", None)
    restored = _vangnet(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert (fresh_dir / "media" / "logos" / logo.name).read_bytes() == logo.read_bytes()
    assert (fresh_dir / "private" / "reporting" / "files" / sealed.name).read_bytes() == sealed.read_bytes()
    migrated = _vangnet(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    again = _vangnet(env, "restore", str(archive))  # never over data without --force
    assert again.returncode != 0 and "not empty" in again.stderr

    opened = subprocess.run([sys.executable, "-c", REPORTER_OPENS, organisation.slug, code], env=env,
                            capture_output=True, text=True, timeout=300)
    assert opened.returncode == 0, opened.stderr
    lines = opened.stdout.splitlines()
    assert lines[0].startswith("return 302") and "mijn-melding" in lines[0], lines[0]
    assert lines[1] == "report 200", lines[1]

    wrong = subprocess.run([sys.executable, "-c", REPORTER_OPENS, organisation.slug, "0" * 16], env=env,
                           capture_output=True, text=True, timeout=300)
    assert wrong.stdout.splitlines()[0].startswith("return 200")  # a wrong code opens nothing


def test_a_damaged_archive_is_refused(tmp_path: Path, organisation: Any) -> None:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("database."):
                content = content[:-10] + b"0123456789"
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings.test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "VANGNET_DATA_DIR": str(tmp_path / "x")}
    if connection.vendor != "sqlite":
        pytest.skip("the checksum is checked before any database is touched; SQLite shows it")
    result = _vangnet(env, "restore", str(damaged))
    assert result.returncode != 0 and "checksum" in result.stderr
