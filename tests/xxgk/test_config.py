"""One store folder rule for every writer of run files (the CLI, the local crawl, the workers)."""

from __future__ import annotations

from pathlib import Path

from xxgk.config import DEFAULT_HOME, store_dir_for


def test_beside_a_sqlite_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert store_dir_for(f"sqlite:///{tmp_path}/a/store.sqlite") == tmp_path / "a"
    assert store_dir_for("sqlite:///rel/store.sqlite") == tmp_path / "rel"  # relative paths resolved


def test_a_server_store_uses_the_xxgk_home_read_at_call_time(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_HOME", str(tmp_path / "home"))
    assert store_dir_for("postgresql+psycopg://u@127.0.0.1/db") == tmp_path / "home"
    monkeypatch.delenv("XXGK_HOME")
    assert store_dir_for("postgresql+psycopg://u@127.0.0.1/db") == Path(DEFAULT_HOME).resolve()
