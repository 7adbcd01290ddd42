"""Items and links are stored once per content: crawls that list the same share one content row, each
crawl reads back its own rows as before, a change to one crawl's item never reaches another's, pruning
drops only the contents no remaining crawl uses, and migration 0010 moves existing rows."""

import datetime as dt
import json

import pytest
from alembic import command
from sqlalchemy import create_engine, func, inspect, select, text

from tests.storekit import new_crawl
from xxgk.history import prune_runs
from xxgk.store import (
    Column,
    Crawl,
    Item,
    Link,
    delete_crawl_contents,
    make_engine,
    session_factory,
)
from xxgk.store.migrate import alembic_config
from xxgk.store.models import item_contents, link_contents
from xxgk.store.session import session_scope
from xxgk.store.shared_rows import insert_items, insert_links, set_item_contents, share_item_contents

A = "http://a.test/"
LINKS = [{"from_url": A, "to_url": A + "ok.htm", "text": "好", "kind": "ok", "status": 200, "error": None,
          "offsite": False},
         {"from_url": A, "to_url": A + "dead.htm", "text": "坏", "kind": "broken", "status": 404, "error": None,
          "offsite": False}]


def _crawl(s) -> tuple[int, int]:
    """A new run's crawl of the one site and a column of it: (crawl id, column id)."""
    crawl = new_crawl(s, A, name="a")
    col = Column(crawl_id=crawl.id, name="通知公告", url=A + "list/")
    s.add(col)
    s.flush()
    return crawl.id, col.id


def _items(crawl_id: int, column_id: int, titles: list[str]) -> list[dict]:
    return [{"crawl_id": crawl_id, "column_id": column_id, "url": f"{A}a/{i}.htm", "title": t,
             "published": dt.date(2026, 1, i + 1), "meta": {"文号": f"〔2026〕{i}号"}, "attachments": []}
            for i, t in enumerate(titles)]


def _count(s, table) -> int:
    return s.scalar(select(func.count()).select_from(table))


@pytest.fixture()
def factory(store_url):
    return session_factory(store_url)


def test_two_crawls_of_the_same_content_share_its_rows_and_each_reads_its_own(factory):
    with session_scope(factory) as s:
        (first, c1), (again, c2) = _crawl(s), _crawl(s)
        for crawl_id, col_id in ((first, c1), (again, c2)):
            insert_links(s, crawl_id, LINKS)
            insert_items(s, _items(crawl_id, col_id, ["通知一", "通知二"]))
    with session_scope(factory) as s:
        assert (_count(s, link_contents), _count(s, item_contents)) == (2, 2)
        for crawl_id, col_id in ((first, c1), (again, c2)):
            links = s.scalars(select(Link).where(Link.crawl_id == crawl_id).order_by(Link.id)).all()
            assert [(lk.to_url, lk.kind, lk.status, lk.text) for lk in links] == [
                (A + "ok.htm", "ok", 200, "好"), (A + "dead.htm", "broken", 404, "坏")]
            items = s.scalars(select(Item).where(Item.crawl_id == crawl_id).order_by(Item.id)).all()
            assert [(it.column_id, it.title, it.published, it.meta) for it in items] == [
                (col_id, "通知一", dt.date(2026, 1, 1), {"文号": "〔2026〕0号"}),
                (col_id, "通知二", dt.date(2026, 1, 2), {"文号": "〔2026〕1号"})]
            assert sorted(it.id for it in s.get(Column, col_id).items) == [it.id for it in items]


def test_a_redelivered_batch_of_items_writes_nothing_twice(factory):
    with session_scope(factory) as s:
        crawl_id, col_id = _crawl(s)
        insert_items(s, _items(crawl_id, col_id, ["通知一"]))
        insert_items(s, _items(crawl_id, col_id, ["通知一"]))
    with session_scope(factory) as s:
        assert (s.scalar(select(func.count(Item.id))), _count(s, item_contents)) == (1, 1)


def test_changing_one_crawls_item_leaves_the_other_crawls_item_as_it_was(factory):
    with session_scope(factory) as s:
        (first, c1), (again, c2) = _crawl(s), _crawl(s)
        insert_items(s, _items(first, c1, ["通知一"]))
        insert_items(s, _items(again, c2, ["通知一"]))
        mine = s.scalar(select(Item.id).where(Item.crawl_id == again))
        set_item_contents(s, {mine: {**_items(again, c2, ["通知一（全文）"])[0], "body_chars": 120}})
    with session_scope(factory) as s:
        titles = dict(s.execute(select(Item.crawl_id, Item.title)).all())
        assert titles == {first: "通知一", again: "通知一（全文）"}
        assert s.scalar(select(Item.body_chars).where(Item.crawl_id == again)) == 120
        assert _count(s, item_contents) == 2


def test_items_written_through_the_orm_are_interned_at_the_crawls_end(factory):
    """The local pipeline writes items as ORM rows (each its own content) and interns them when the crawl ends."""
    with session_scope(factory) as s:
        (first, c1), (again, c2) = _crawl(s), _crawl(s)
        insert_items(s, _items(first, c1, ["通知一", "通知二"]))
        for row in _items(again, c2, ["通知一", "通知三"]):
            s.add(Item(**row))
        s.flush()
        assert _count(s, item_contents) == 4
        share_item_contents(s, again)
    with session_scope(factory) as s:
        assert _count(s, item_contents) == 3  # 通知一 shared; 通知三 its own, now hashed
        assert s.scalar(select(func.count()).select_from(item_contents).where(item_contents.c.hash.is_(None))) == 0
        assert sorted(s.scalars(select(Item.title).where(Item.crawl_id == again))) == ["通知一", "通知三"]


def test_pruning_a_run_drops_its_unshared_contents_and_keeps_shared_ones(factory):
    with session_scope(factory) as s:
        (old, c1), (new, c2) = _crawl(s), _crawl(s)
        insert_links(s, old, LINKS)
        insert_links(s, new, LINKS[:1])
        insert_items(s, _items(old, c1, ["通知一", "旧通知"]))
        insert_items(s, _items(new, c2, ["通知一"]))
    with session_scope(factory) as s:
        old_run = s.get(Crawl, old).run_id
        assert prune_runs(s, keep=1).deleted == [old_run]
    with session_scope(factory) as s:
        assert s.scalars(select(link_contents.c.to_url)).all() == [A + "ok.htm"]
        assert s.scalars(select(item_contents.c.title)).all() == ["通知一"]
        assert s.scalars(select(Link.to_url)).all() == [A + "ok.htm"]
    with session_scope(factory) as s:
        delete_crawl_contents(s, [new])
    with session_scope(factory) as s:
        assert (_count(s, link_contents), _count(s, item_contents)) == (0, 0)


def _old_store(url: str) -> None:
    """A store at revision 0009 (item and link fields in their own rows): two crawls listing the same item
    and link, one item another crawl lacks, and a document joined to an item."""
    command.upgrade(alembic_config(url=url), "0009")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sites (id, url, name, tags) VALUES (1, 'http://a.test/', 'a', '[]')"))
        for crawl in (1, 2):
            conn.execute(text("INSERT INTO runs (id, started_at, mode, status, config) "
                              "VALUES (:c, '2026-01-01', 'ranking', 'done', '{}')"), {"c": crawl})
            conn.execute(text("INSERT INTO crawls (id, run_id, site_id, status, pages, browser_pages, facts) "
                              "VALUES (:c, :c, 1, 'done', 0, 0, '{}')"), {"c": crawl})
            conn.execute(text("INSERT INTO columns (id, crawl_id, name, path, depth, offsite, status, item_count, "
                              "list_pages, has_content) VALUES (:c, :c, '通知', '通知', 1, false, 'ok', 1, 1, false)"),
                         {"c": crawl})
            conn.execute(text("INSERT INTO links (crawl_id, from_url, to_url, text, kind, status, offsite) "
                              "VALUES (:c, 'http://a.test/', 'http://a.test/x', '坏', 'broken', 404, false)"),
                         {"c": crawl})
        for item_id, crawl, title in ((1, 1, "通知一"), (2, 2, "通知一"), (3, 2, "通知二")):
            conn.execute(text("INSERT INTO items (id, column_id, crawl_id, title, url, published, meta, attachments, "
                              "image_only) VALUES (:i, :c, :c, :t, :u, '2026-01-02', '{\"文号\": \"1号\"}', '[]', false)"),
                         {"i": item_id, "c": crawl, "t": title, "u": f"http://a.test/{title}"})
        conn.execute(text("INSERT INTO documents (id, crawl_id, url, doc_type, tables, item_id) "
                          "VALUES (1, 2, 'http://a.test/r.pdf', 'pdf', '[]', 3)"))
        if conn.dialect.name == "postgresql":  # ids given above do not move the sequence
            conn.execute(text("SELECT setval('items_id_seq', 3)"))
    engine.dispose()


def test_migration_moves_existing_items_and_links_into_shared_contents(store_url):
    _old_store(store_url)
    make_engine(store_url).dispose()  # upgrades to the newest revision
    with session_scope(session_factory(store_url)) as s:
        assert (_count(s, item_contents), _count(s, link_contents)) == (2, 1)
        items = [(it.id, it.crawl_id, it.title, it.published, it.meta) for it in s.scalars(select(Item).order_by(Item.id))]
        assert items == [(1, 1, "通知一", dt.date(2026, 1, 2), {"文号": "1号"}),
                         (2, 2, "通知一", dt.date(2026, 1, 2), {"文号": "1号"}),
                         (3, 2, "通知二", dt.date(2026, 1, 2), {"文号": "1号"})]
        assert [(lk.crawl_id, lk.kind, lk.status) for lk in s.scalars(select(Link).order_by(Link.id))] == [
            (1, "broken", 404), (2, "broken", 404)]
        assert s.scalar(text("SELECT item_id FROM documents")) == 3
        # a crawl written after the move shares the migrated contents (the hash is the writers')
        col = s.scalar(select(Column.id).where(Column.crawl_id == 1))
        insert_items(s, [{"crawl_id": 1, "column_id": col, "url": "http://a.test/通知二", "title": "通知二",
                          "published": dt.date(2026, 1, 2), "meta": {"文号": "1号"}, "attachments": []}])
        assert _count(s, item_contents) == 2


def test_migration_downgrade_puts_the_fields_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    _old_store(url)
    make_engine(url).dispose()
    command.downgrade(alembic_config(url=url), "0009")
    engine = create_engine(url)
    with engine.connect() as conn:
        items = conn.execute(text("SELECT id, crawl_id, title, meta FROM items ORDER BY id")).all()
        assert [(i, c, t, json.loads(m)) for i, c, t, m in items] == [
            (1, 1, "通知一", {"文号": "1号"}), (2, 2, "通知一", {"文号": "1号"}), (3, 2, "通知二", {"文号": "1号"})]
        assert conn.execute(text("SELECT crawl_id, to_url, kind, status FROM links ORDER BY id")).all() == [
            (1, "http://a.test/x", "broken", 404), (2, "http://a.test/x", "broken", 404)]
        assert conn.scalar(text("SELECT item_id FROM documents")) == 3
        tables = set(inspect(conn).get_table_names())
        assert not tables & {"item_contents", "link_contents"}
        assert "content_id" not in {c["name"] for c in inspect(conn).get_columns("items")}
