"""Consistent backups and their restore: the database (SQLite or PostgreSQL) plus the media and
private files, in one `.tar.gz` with a manifest of checksums (`vangnet backup`, `vangnet restore`).

Consistency: the database is copied first, as one snapshot (SQLite's online backup API; `pg_dump`
runs in one repeatable-read transaction), then the files. Files are written before the row that
names them is committed, so every file a row in the snapshot names is already there when the files
are copied; a file created after the snapshot is harmless extra. The only gap is a file deleted
between the snapshot and the copy (retention clean-up): run backups outside the scheduler's night
jobs, or accept that such a file, already due for deletion, is missing.

The archive holds what the database holds: names, e-mail addresses, case metadata and encrypted
reports. Keep it encrypted and off the server (docs/operations.md). The keys are not in it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
DB_SQLITE = "database.sqlite3"
DB_POSTGRES = "database.pgdump"
FILE_TREES = {"media": "MEDIA_ROOT", "private": "VANGNET_PRIVATE_ROOT"}


class BackupError(Exception):
    pass


@dataclass
class Summary:
    path: Path
    vendor: str
    files: int
    bytes: int


def _vendor(alias: str = "default") -> str:
    return str(connections[alias].vendor)


def _pg_env_and_args(alias: str = "default") -> tuple[dict[str, str], list[str]]:
    db = connections[alias].settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client, the server's version)")
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_database(target_dir: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        target = target_dir / DB_SQLITE
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # one consistent snapshot, also while others write
        finally:
            destination.close()
        return target
    if connection.vendor == "postgresql":
        target = target_dir / DB_POSTGRES
        env, args = _pg_env_and_args(alias)
        name = str(connection.settings_dict["NAME"])
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args,
             "--file", str(target), name],
            env=env, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"backups of {connection.vendor} are not supported")


def create_backup(output: Path, alias: str = "default") -> Summary:
    """Write the backup archive to `output` (a file, or a directory to put a dated file in)."""
    if output.is_dir():
        output = output / f"vangnet-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, str] = {}
    total = 0
    with tempfile.TemporaryDirectory(prefix="vangnet-backup-") as scratch:
        dump = _dump_database(Path(scratch), alias)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            members[dump.name] = _sha256(dump)
            total += dump.stat().st_size
            for tree, setting in FILE_TREES.items():
                root = Path(getattr(settings, setting))
                if not root.exists():
                    continue
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    name = f"{tree}/{path.relative_to(root).as_posix()}"
                    archive.add(path, arcname=name)
                    members[name] = _sha256(path)
                    total += path.stat().st_size
            manifest = json.dumps({
                "format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": _vendor(alias),
                "database": dump.name, "members": members,
            }, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(manifest))
        os.chmod(partial, 0o600)
        partial.replace(output)
    return Summary(path=output, vendor=_vendor(alias), files=len(members) - 1, bytes=total)


def _database_is_empty(alias: str = "default") -> bool:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing a strange archive member: {member.name!r}")
        members.append(member)
    return members


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    handle = archive.extractfile("manifest.json")
    if handle is None:
        raise BackupError("the archive has no manifest.json: not a Vangnet backup")
    manifest = json.loads(handle.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return dict(manifest)


def _restore_database(dump: Path, vendor: str, alias: str = "default") -> None:
    connection = connections[alias]
    if vendor != connection.vendor:
        raise BackupError(f"the backup is of {vendor}; this Vangnet runs on {connection.vendor}. "
                          "Restore into the same kind of database, then move with dumpdata/loaddata.")
    if vendor == "sqlite":
        source = sqlite3.connect(dump)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)  # page by page into the configured database
        finally:
            source.close()
        return
    env, args = _pg_env_and_args(alias)
    name = str(connection.settings_dict["NAME"])
    connection.close()
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [_program("pg_restore"), "--no-owner", "--no-privileges", "--clean", "--if-exists",
         "--single-transaction", "--exit-on-error", *args, "--dbname", name, str(dump)],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def restore_backup(archive_path: Path, *, force: bool = False, alias: str = "default") -> Summary:
    """Restore an archive of create_backup into the configured database and file directories.

    Refuses a database that already has tables unless `force` (which replaces its contents).
    """
    if not force and not _database_is_empty(alias):
        raise BackupError("the database is not empty; restore into a fresh database, or pass --force "
                          "to replace what it holds")
    with tempfile.TemporaryDirectory(prefix="vangnet-restore-") as scratch, \
            tarfile.open(archive_path, "r:gz") as archive:
        manifest = _read_manifest(archive)
        members = _safe_members(archive)
        archive.extractall(scratch, members=members, filter="data")
        root = Path(scratch)
        for name, digest in manifest["members"].items():
            if _sha256(root / name) != digest:
                raise BackupError(f"{name} does not match its checksum: the archive is damaged")
        _restore_database(root / manifest["database"], manifest["vendor"], alias)
        count = 0
        total = 0
        for tree, setting in FILE_TREES.items():
            source = root / tree
            if not source.exists():
                continue
            target = Path(getattr(settings, setting))
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
                count += 1
                total += path.stat().st_size
    return Summary(path=archive_path, vendor=str(manifest["vendor"]), files=count, bytes=total)
