"""Shared fixtures: throwaway PostgreSQL and Redis servers on 127.0.0.1 (Debian packages)."""

from __future__ import annotations

import pytest

from xxgk.localservices import ServiceUnavailable, postgres, redis


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL cluster per test session (URL of its first database)."""
    try:
        with postgres() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture()
def pg_url(pg_server):
    """A new, empty database on the session's cluster, so tests never see each other's rows."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    base = pg_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def redis_url():
    """A fresh Redis URL; skipped with the reason only when redis-server is absent."""
    try:
        with redis() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))
