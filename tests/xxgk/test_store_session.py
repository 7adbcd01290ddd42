"""SQLite connections of the store: WAL, foreign keys, and a small page cache per pooled connection."""

from __future__ import annotations

from xxgk.store.session import PAGE_CACHE_KIB, make_engine


def test_every_connection_of_a_sqlite_store_has_the_small_page_cache_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    with engine.connect() as first, engine.connect() as second:  # two pooled connections, each set up
        for conn in (first, second):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -PAGE_CACHE_KIB
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
