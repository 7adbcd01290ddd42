"""Schema migrations (Alembic): every schema change from now on is a revision in xxgk/store/migrations.

`ensure_schema` runs on every new engine: an empty database is built by the migrations themselves
(so they are exercised everywhere), and an existing one is upgraded to the newest revision. A store
already at the newest revision is recognised from the revision files without loading Alembic, whose
templates pull in Mako and Pygments (about 11 MB that every crawl process would carry for nothing).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from xxgk.errors import UserError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SCHEMA_LOCK = 0x78786B  # PostgreSQL advisory lock key ("xxk"): one schema builder at a time
_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*["\']([^"\']+)["\']', re.M)

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revisions() -> frozenset[str]:
    """The newest revision(s): those no revision file names as its `down_revision`."""
    made: set[str] = set()
    replaced: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (made if key == "revision" else replaced).add(value)
    return frozenset(made - replaced)


def _at_head(engine: Engine) -> bool:
    """The store's recorded revision is the newest (no lock: a store never moves back)."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except SQLAlchemyError:  # a new database: no version table yet
        return False
    return bool(rows) and {r[0] for r in rows} == head_revisions()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the newest revision (an empty one is built by the migrations), in one
    transaction: a process killed half-way leaves the store as it was, never half-built."""
    if _at_head(engine):
        return
    with engine.connect() as conn, _transactional_ddl(conn), conn.begin():
        if conn.dialect.name == "sqlite":
            # one writer at a time; processes starting together wait, then find the schema current
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            # an audit and its workers starting together on a new database would both CREATE TABLE and one
            # fail on a duplicate key; the lock is held to the end of this transaction
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        _upgrade(engine, conn)


@contextlib.contextmanager
def _transactional_ddl(conn: Connection) -> Iterator[None]:
    """SQLite's Python driver commits before every CREATE/ALTER/DROP on its own, so a kill mid-migration
    left some tables made and the revision unrecorded (the store then failed with "table runs already
    exists"). With the driver's own transaction handling off, the BEGIN above covers the DDL too."""
    raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
    if raw is None:
        yield
        return
    saved = raw.isolation_level
    raw.isolation_level = None
    try:
        yield
    finally:
        raw.isolation_level = saved


def _upgrade(engine: Engine, conn: Connection) -> None:
    from alembic import command

    tables = set(inspect(conn).get_table_names())
    cfg = alembic_config(conn)
    if tables and "alembic_version" not in tables:
        # Made by a pre-release build without migrations: its columns cannot be known, so adopting it
        # could leave a half-upgraded store. Say so instead of guessing.
        raise UserError(f"the database at {engine.url.render_as_string(hide_password=True)} was created "
                        "without migrations (a pre-release xxgk); use a new database file or URL")
    command.upgrade(cfg, "head")
