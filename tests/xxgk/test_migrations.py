"""Migrations build exactly the schema in xxgk/store/models.py, on SQLite and PostgreSQL.

A model change without its Alembic revision fails here, so every schema change ships a migration.
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from xxgk.errors import UserError
from xxgk.store import Base, make_engine
from xxgk.store.migrate import current_revision, ensure_schema


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_migrations_match_models_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    assert current_revision(engine) is not None
    assert _diff(engine) == []


def test_migrations_match_models_on_postgres(pg_url):
    engine = make_engine(pg_url)
    assert _diff(engine) == []
    ensure_schema(engine)  # idempotent: a second upgrade is a no-op
    assert _diff(engine) == []


def test_database_from_before_migrations_is_refused_with_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_engine(url)
    with old.begin() as conn:
        conn.execute(text("CREATE TABLE runs (id INTEGER PRIMARY KEY, mode VARCHAR(20))"))
    with pytest.raises(UserError, match="created without migrations"):
        ensure_schema(old)
    assert "alembic_version" not in set(inspect(old).get_table_names())  # nothing half-done
