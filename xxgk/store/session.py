"""Engines and sessions of the store: one engine and one session factory per database URL per process.

Every part of xxgk (local crawl, distributed workers, scoring, reports, CLI) opens sessions through
`session_factory`, so a process never holds two connection pools to one database. SQLite file by
default; any SQLAlchemy URL (PostgreSQL) works the same way. A new engine migrates its schema first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from xxgk.store.migrate import ensure_schema

PAGE_CACHE_KIB = 256  # SQLite page cache of each connection of `make_engine`
_ENGINES: dict[str, Engine] = {}
_FACTORIES: dict[str, sessionmaker[Session]] = {}


def default_db_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def make_engine(url: str) -> Engine:
    """Engine for a database URL (one per URL per process), its schema migrated to the newest revision.

    SQLite gets WAL and foreign keys so a crawl and a reader can share it, and a 256 KiB page cache per
    connection instead of 2 MiB: the file's pages stay in the OS cache anyway, and a crawl process
    keeps several pooled connections open for its sites in flight (12 MB less at 100 sites).
    """
    if url in _ENGINES:
        return _ENGINES[url]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    _sqlite_pragmas(engine, "journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", f"cache_size=-{PAGE_CACHE_KIB}")
    ensure_schema(engine)  # migrations build and upgrade every database
    _ENGINES[url] = engine
    return engine


def read_only_engine(url: str) -> Engine:
    """A read-only engine on a store another connection of this run has migrated and may hold the write
    lock of (so no schema check, which would wait for that lock); SQLite connections are query-only."""
    engine = create_engine(url, future=True)
    _sqlite_pragmas(engine, "busy_timeout=30000", "query_only=ON")
    return engine


def shared_url(session: Session) -> str | None:
    """The URL another process can open to read the session's store, or None (an in-memory SQLite)."""
    url = session.get_bind().url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(engine: Engine, *pragmas: str) -> None:
    """Run `PRAGMA …` for each of `pragmas` on every new connection of a SQLite engine (nothing elsewhere)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _set(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        for pragma in pragmas:
            cur.execute(f"PRAGMA {pragma}")
        cur.close()


def session_factory(url: str) -> sessionmaker[Session]:
    """The session factory of a database URL (the same one on every call in a process)."""
    if url not in _FACTORIES:
        _FACTORIES[url] = sessionmaker(make_engine(url), expire_on_commit=False)
    return _FACTORIES[url]


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
