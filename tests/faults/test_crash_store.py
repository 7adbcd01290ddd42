"""A process SIGKILLed while it builds a new SQLite store leaves no half-built schema behind.

The first `xxgk audit` of a fresh store spends its first moments in the migrations; a kill -9 there
used to leave some tables made and no revision recorded, and every later command failed with
"table runs already exists". The child process below kills itself right before its Nth DDL statement.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from xxgk.store import session_factory
from xxgk.store.models import Base

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
seen = [0]
@event.listens_for(Engine, "before_cursor_execute")
def kill_before_ddl(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith(("CREATE", "ALTER", "DROP", "INSERT INTO ALEMBIC_VERSION")):
        seen[0] += 1
        if seen[0] == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)
from xxgk.store import session_factory
session_factory(sys.argv[1])
"""


@pytest.mark.parametrize("nth", [2, 5, 12, 25])
def test_kill_9_while_the_schema_is_built_leaves_a_usable_store(tmp_path: Path, nth: int) -> None:
    path = tmp_path / "fresh.sqlite"
    url = f"sqlite:///{path}"
    child = subprocess.run([sys.executable, "-c", CHILD, url, str(nth)], cwd=ROOT, capture_output=True, timeout=120)
    assert child.returncode == -9, child.stderr.decode()[-2000:]  # it died inside the migrations
    with sqlite3.connect(path) as raw:
        left = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert left == [], left  # rolled back as a whole: nothing half-built
    factory = session_factory(url)  # and the next command builds it in full
    with factory() as s:
        tables = set(inspect(s.get_bind()).get_table_names())
    assert set(Base.metadata.tables) <= tables
