"""A crawl's coverage figures from its pages and links, counted by the batch read, on SQLite and PostgreSQL."""

from __future__ import annotations

from scoring.context import BatchRows
from scoring.coverage import crawl_pages, measure
from tests.storekit import new_crawl
from xxgk.store import Column, Crawl, Item, Link, Page, session_factory, session_scope

A = "http://a.test/"


def _crawl(session) -> tuple[int, int]:
    """A crawl whose pages and links exercise every rule of the figures; and an empty second crawl."""
    crawl = new_crawl(session, A)
    cid = crawl.id
    session.add_all([
        Page(crawl_id=cid, url=A, status=200, kind="home"),
        Page(crawl_id=cid, url=A + "list.htm", status=200, kind="list"),
        Page(crawl_id=cid, url=A + "moved.htm", status=301, kind="list"),
        Page(crawl_id=cid, url=A + "odd.htm", status=200, kind="unclassified"),
        Page(crawl_id=cid, url=A + "odd404.htm", status=404, kind="unclassified"),  # unclassified, not fetched
        Page(crawl_id=cid, url=A + "down.htm", status=None, kind="list"),  # no response: not fetched
        Page(crawl_id=cid, url=A + "a.pdf", status=200, kind="attachment"),
        Page(crawl_id=cid, url=A + "plain.htm", status=200, kind=None),
    ])
    col = Column(crawl_id=cid, name="栏目", path="栏目", url=A + "odd.htm")
    session.add(col)
    session.flush()
    session.add(Item(column_id=col.id, crawl_id=cid, title="条目", url=A + "item.htm"))
    for to, kind, offsite in [
        (A + "list.htm", "ok", False), (A + "list.htm", "ok", False),  # a page, linked twice: seen once
        (A + "odd404.htm", "broken", False),  # a page whatever its status: visited
        (A + "item.htm", "ok", False),  # an item: visited
        (A + "never.htm", "ok", False), (A + "never.htm", "broken", False),  # neither: unvisited, once
        (A + "lost.htm", "ok", False),  # neither
        (A + "blank.htm", "empty", False),  # an empty link: not a target
        ("http://b.test/", "off-site", True),  # off-site: not a target
    ]:
        session.add(Link(crawl_id=cid, from_url=A, to_url=to, kind=kind, offsite=offsite))
    other = new_crawl(session, "http://b.test/")
    session.add(Page(crawl_id=other.id, url=A + "never.htm", status=200, kind="list"))  # another crawl's page
    session.flush()
    return cid, other.id


def _check(url: str) -> None:
    with session_scope(session_factory(url)) as s:
        cid, other = _crawl(s)
        facts = crawl_pages(s, [cid, other])
        own = facts[cid]
        assert own.kinds == {"home": 1, "list": 2, "unclassified": 1, "attachment": 1, None: 1}
        assert own.unclassified == {A + "odd.htm", A + "odd404.htm"}
        assert own.links_seen == 5 and own.unfetched == {A + "item.htm", A + "never.htm", A + "lost.htm"}
        assert (facts[other].kinds, facts[other].links_seen, facts[other].unfetched) == ({"list": 1}, 0, set())
        batch = BatchRows.read(s, [cid])
        crawl = s.get(Crawl, cid)
        cov = measure(s, crawl, batch.columns[cid], batch.items[cid], batch.pages[cid])
        assert (cov.links_seen, cov.links_unvisited) == (5, 2)
        assert (cov.pages_fetched, cov.pages_classified, cov.pages_unclassified) == (5, 3, 1)
        assert (cov.columns, cov.empty_columns, cov.empty_unrecognised, cov.items) == (1, 0, 0, 1)
        assert measure(s, crawl) == cov  # read alone, the crawl's figures are the batch's


def test_sqlite_coverage_figures(tmp_path) -> None:
    _check(f"sqlite:///{tmp_path / 'c.db'}")


def test_postgres_coverage_figures(pg_url) -> None:
    _check(pg_url)
