"""Shared fixtures: throwaway PostgreSQL and Redis servers on 127.0.0.1 (Debian packages)."""

from __future__ import annotations

import pytest

from xxgk.localservices import ServiceUnavailable, postgres, redis


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database URL; skipped with the reason only when the binaries are absent."""
    try:
        with postgres() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def redis_url():
    """A fresh Redis URL; skipped with the reason only when redis-server is absent."""
    try:
        with redis() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))
