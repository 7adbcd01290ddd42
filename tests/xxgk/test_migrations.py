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


def test_processes_starting_together_on_a_new_postgres_database_all_get_the_schema(pg_url, tmp_path):
    """An audit and its workers open a new shared store at the same moment: each waits for the one that
    builds the schema, none fails on a duplicate CREATE TABLE (it used to, one run in a dozen)."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    go = time.time() + 3.0  # every process imported and waiting before the first opens the store
    code = ("import sys, time; from xxgk.store import make_engine; from xxgk.store.migrate import current_revision;"
            f"time.sleep(max(0, {go} - time.time())); print(current_revision(make_engine(sys.argv[1])))")
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-800:] for _out, err in outs if err]
    assert len({out.strip() for out, _err in outs}) == 1 and outs[0][0].strip()


def test_the_head_read_from_the_revision_files_is_alembics():
    from alembic.script import ScriptDirectory

    from xxgk.store.migrate import alembic_config, head_revisions

    assert head_revisions() == frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_a_store_at_head_opens_without_loading_alembic_and_an_older_one_is_upgraded(tmp_path):
    import subprocess
    import sys

    from alembic import command

    from xxgk.store.migrate import alembic_config, head_revisions

    probe = ("import sys; from xxgk.store.session import make_engine; make_engine(sys.argv[1]); "
             "print(sorted(m for m in ('alembic', 'mako', 'pygments') if m in sys.modules))")
    current = f"sqlite:///{tmp_path / 'head.sqlite'}"
    make_engine(current)
    opened = subprocess.run([sys.executable, "-c", probe, current], capture_output=True, text=True, timeout=60)
    assert opened.stdout.strip() == "[]", opened.stderr[-2000:]
    older = f"sqlite:///{tmp_path / 'older.sqlite'}"
    with create_engine(older).begin() as conn:  # a store one revision behind, as an older xxgk left it
        command.upgrade(alembic_config(conn), "0009")
    upgraded = subprocess.run([sys.executable, "-c", probe, older], capture_output=True, text=True, timeout=60)
    assert "alembic" in upgraded.stdout, upgraded.stderr[-2000:]
    assert {current_revision(create_engine(older))} == head_revisions()
    assert "link_contents" in inspect(create_engine(older)).get_table_names()
