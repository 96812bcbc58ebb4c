"""Shared by the benchmark scripts."""

from __future__ import annotations


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the PostgreSQL database of a postgres:// URL when it does not exist yet; with
    `fresh`, drop it first (a benchmark's throw-away database)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if fresh:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            connection.execute(drop)
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
