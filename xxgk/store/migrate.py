"""Schema migrations (Alembic): every schema change from now on is a revision in xxgk/store/migrations.

`ensure_schema` runs on every new engine: an empty database is built by the migrations themselves
(so they are exercised everywhere), and an existing one is upgraded to the newest revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from xxgk.errors import UserError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the newest revision (an empty one is built by the migrations)."""
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        cfg = alembic_config(conn)
        if tables and "alembic_version" not in tables:
            # Made by a pre-release build without migrations: its columns cannot be known, so adopting it
            # could leave a half-upgraded store. Say so instead of guessing.
            raise UserError(f"the database at {engine.url.render_as_string(hide_password=True)} was created "
                            "without migrations (a pre-release xxgk); use a new database file or URL")
        command.upgrade(cfg, "head")
