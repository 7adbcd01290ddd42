"""Fenced store writes: a worker stalled past its lease cannot write after its site was handed on.

Real Redis (the job queue and its leases) and real PostgreSQL (row locks); the stalled worker is a
`StorePipeline` whose attempt token was superseded by another worker's `reset_crawl`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.settings import Settings
from sqlalchemy import event, func, select, text
from storekit import add_run_with_sites
from twisted.internet.defer import Deferred, succeed

from crawler.distributed import fence
from crawler.distributed.fence import FencedStorePipeline as StorePipeline  # a worker's store pipeline
from crawler.distributed.queue import Job, JobQueue
from crawler.distributed.store_ops import crawl_status, fail_crawl, reset_crawl
from crawler.extract.types import ListItem
from crawler.records import ColumnRecord, ListRecord, PageRecord
from xxgk.store import Column, Crawl, Item, Link, Page
from xxgk.store import session_factory as factory_for

SITE = "http://127.0.0.1:9/"


class _Engine:
    """Records what a fenced pipeline asks of the engine."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider
        self.closed: list[str] = []

    def close_spider_async(self, *, reason: str = "cancelled") -> Deferred:
        """Scrapy's is a coroutine run on the reactor; tests run without one, so answer at once."""
        self.closed.append(reason)
        return succeed(None)


def _spider(crawl_id: int, links: list[dict] | None = None) -> SimpleNamespace:
    return SimpleNamespace(crawl_id=crawl_id, site_id=1, progress=None, resuming=False, warc=None, failed=None,
                           stop_reason=None, link_rows=lambda: list(links or []), site_facts=dict)


class _Crawler:
    """The parts of a Scrapy `Crawler` the store pipeline and the fence use."""

    def __init__(self, spider: Any, token: str | None) -> None:
        self.settings = Settings({fence.SETTING: token} if token else {})
        self.spider = spider
        self.engine = _Engine(spider)


def _pipeline(db_url: str, crawl_id: int, token: str | None, links: list[dict] | None = None) -> StorePipeline:
    """A store pipeline as a worker's crawl of `crawl_id` has it (token None: a local crawl)."""
    spider = _spider(crawl_id, links)
    pipe = StorePipeline(db_url, _Crawler(spider, token))
    pipe.open_spider(spider)
    return pipe


def _feed(pipe: StorePipeline, tag: str, urls: list[str]) -> None:
    """One column, one list page listing `urls`, and a page row per URL (not yet flushed)."""
    pipe.process_item(ColumnRecord(key="c1", name="学校概况", url=SITE + "c1/", parent_key=None, path="学校概况",
                                   depth=1))
    pipe.process_item(ListRecord(column_key="c1", page_url=SITE + "c1/",
                                 items=[ListItem(f"{tag} {u}", SITE + u, dt.date(2026, 1, 1)) for u in urls]))
    for u in urls:
        pipe.process_item(PageRecord(url=SITE + u, status=200, kind="article"))


def _new_crawl(db_url: str) -> int:
    with factory_for(db_url).begin() as s:
        run_id = add_run_with_sites(s, {"fence": SITE}, label="fence")
        return s.scalar(select(Crawl.id).where(Crawl.run_id == run_id))


def _rows(db_url: str, crawl_id: int) -> tuple[list[str], list[str], int, int]:
    """(page URLs, item titles, columns, links) stored for the crawl."""
    with factory_for(db_url)() as s:
        pages = sorted(s.scalars(select(Page.url).where(Page.crawl_id == crawl_id)))
        titles = sorted(s.scalars(select(Item.title).where(Item.crawl_id == crawl_id)))
        cols = s.scalar(select(func.count(Column.id)).where(Column.crawl_id == crawl_id)) or 0
        links = s.scalar(select(func.count(Link.id)).where(Link.crawl_id == crawl_id)) or 0
        return pages, titles, cols, links


def test_stalled_worker_batch_is_refused_after_takeover(pg_url: str, redis_url: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    crawl_id = _new_crawl(pg_url)
    q = JobQueue(redis_url, namespace="fence1", lease_seconds=0.3)
    q.push(Job(crawl_id, 1, 1, SITE))
    job_a, raw_a = q.claim("worker-a")
    assert reset_crawl(pg_url, crawl_id, "attempt-a")
    a = _pipeline(pg_url, crawl_id, "attempt-a", links=[{"from_url": SITE, "to_url": SITE + "x", "kind": "broken"}])
    _feed(a, "A", ["p1", "p2", "p3"])
    a.flush()  # A still owns the crawl: its first batch is written
    assert _rows(pg_url, crawl_id)[0] == [SITE + "p1", SITE + "p2", SITE + "p3"]

    time.sleep(0.4)  # A stalls past its lease (alive, not killed); another worker takes the site over
    assert [j.crawl_id for j in q.reap()] == [crawl_id]
    job_b, raw_b = q.claim("worker-b")
    assert job_b.attempt == 2
    assert reset_crawl(pg_url, crawl_id, "attempt-b")
    b = _pipeline(pg_url, crawl_id, "attempt-b")
    _feed(b, "B", ["p1", "p2", "p3", "p4", "p5"])
    b.flush()

    caplog.set_level(logging.WARNING, logger="crawler.distributed.fence")
    _feed(a, "A", ["p4", "p6"])  # A wakes up and goes on writing
    a.flush()
    a.flush()
    _feed(a, "A", ["p7"])  # records still in flight after the refusal read A's column: it loads no deleted row
    a.flush()
    a.close_spider(a.spider)
    a.spider_closed(a.spider, "finished")  # its final write (links, status, counts) too
    fenced = [r for r in caplog.records if r.name == "crawler.distributed.fence"]
    assert len(fenced) == 1 and f"crawl {crawl_id}" in fenced[0].getMessage()  # one line, not one per batch
    assert a.crawler.engine.closed == [fence.REASON]  # A's spider is closed with a clear reason
    assert b.crawler.engine.closed == []
    assert crawl_status(pg_url, crawl_id) == ("running", None, "attempt-b")  # A did not mark it done
    assert not fail_crawl(pg_url, crawl_id, "the crawler stopped", "attempt-a")  # nor can A's worker fail it

    b.close_spider(b.spider)
    b.spider_closed(b.spider, "finished")
    pages, titles, cols, links = _rows(pg_url, crawl_id)
    assert pages == [SITE + f"p{i}" for i in range(1, 6)]  # B's rows only, each once
    assert titles == [f"B p{i}" for i in range(1, 6)]
    assert cols == 1 and links == 0  # A's column, items and links are gone and were not written again
    with factory_for(pg_url)() as s:
        crawl = s.get(Crawl, crawl_id)
        assert (crawl.status, crawl.pages, crawl.lease_token) == ("done", 5, "attempt-b")
    q.ack(raw_b, job_b, "worker-b")
    assert q.counts() == {"pending": 0, "processing": 0}


def test_reset_waits_for_a_batch_in_flight_and_removes_it(pg_url: str) -> None:
    """The fence holds the crawl row lock until the batch commits: a reset cannot slip in between."""
    crawl_id = _new_crawl(pg_url)
    assert reset_crawl(pg_url, crawl_id, "attempt-a")
    a = _pipeline(pg_url, crawl_id, "attempt-a")
    _feed(a, "A", ["p1", "p2"])
    fence.hold(a.session, a.crawler, crawl_id)  # A's batch transaction has begun (row locked) ...
    reset = threading.Thread(target=reset_crawl, args=(pg_url, crawl_id, "attempt-b"))
    reset.start()
    time.sleep(0.5)
    assert reset.is_alive()  # ... so the new owner's reset waits for it
    a.flush()  # A commits its batch
    reset.join(10)
    assert not reset.is_alive()
    assert _rows(pg_url, crawl_id)[:3] == ([], [], 0)  # the reset that followed removed it
    _feed(a, "A", ["p3"])
    a.flush()
    assert _rows(pg_url, crawl_id)[0] == []


def test_batch_waiting_on_a_reset_in_flight_is_refused(pg_url: str) -> None:
    """A stale batch that arrives while the new owner's reset is uncommitted waits, then writes nothing."""
    crawl_id = _new_crawl(pg_url)
    assert reset_crawl(pg_url, crawl_id, "attempt-a")
    a = _pipeline(pg_url, crawl_id, "attempt-a")
    _feed(a, "A", ["p1", "p2"])
    with factory_for(pg_url).begin() as s:  # the new owner's reset, not yet committed
        s.get(Crawl, crawl_id, with_for_update=True).lease_token = "attempt-b"
        flush = threading.Thread(target=a.flush)
        flush.start()
        time.sleep(0.5)
        assert flush.is_alive()  # A's batch is blocked on the row lock
    flush.join(10)
    assert not flush.is_alive()
    assert _rows(pg_url, crawl_id)[0] == []
    assert a.crawler.engine.closed == [fence.REASON]


def test_local_crawl_is_not_fenced(pg_url: str) -> None:
    """No token (a local crawl): writes go through as before, without any lease query."""
    crawl_id = _new_crawl(pg_url)
    with factory_for(pg_url).begin() as s:
        s.get(Crawl, crawl_id).lease_token = "some-worker"  # even a row a worker once owned
    statements: list[str] = []
    engine = factory_for(pg_url).kw["bind"]

    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _seen)
    try:
        a = _pipeline(pg_url, crawl_id, None)
        _feed(a, "L", ["p1", "p2"])
        a.flush()
        a.spider_closed(a.spider, "finished")
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
    assert _rows(pg_url, crawl_id)[0] == [SITE + "p1", SITE + "p2"]
    assert crawl_status(pg_url, crawl_id)[0] == "done"
    assert statements and not any("FOR UPDATE" in st or st.startswith("SELECT crawls.lease_token")
                                  for st in statements)


def test_fence_on_sqlite(tmp_path: Any) -> None:
    """SQLite has no row locks: the conditional-UPDATE fence refuses a superseded attempt the same way."""
    db_url = f"sqlite:///{tmp_path / 'fence.sqlite'}"
    crawl_id = _new_crawl(db_url)
    assert reset_crawl(db_url, crawl_id, "attempt-a")
    a = _pipeline(db_url, crawl_id, "attempt-a")
    _feed(a, "A", ["p1"])
    a.flush()
    assert reset_crawl(db_url, crawl_id, "attempt-b")
    _feed(a, "A", ["p2"])
    a.flush()
    a.spider_closed(a.spider, "finished")
    assert _rows(db_url, crawl_id)[0] == []
    assert crawl_status(db_url, crawl_id) == ("pending", None, "attempt-b")
    assert a.crawler.engine.closed == [fence.REASON]


def test_takeover_of_a_row_held_by_a_frozen_batch_does_not_block_the_worker(pg_url: str, redis_url: str,
                                                                            tmp_path: Any) -> None:
    """A worker frozen inside a batch holds the crawl row: the new owner keeps the job claimed and starts
    it once the row is free, instead of blocking its reactor (and missing its other leases) meanwhile."""
    from crawler.distributed.store_ops import CrawlBusy
    from crawler.distributed.worker import Worker, WorkerOptions

    crawl_id = _new_crawl(pg_url)
    assert reset_crawl(pg_url, crawl_id, "attempt-a")
    a = _pipeline(pg_url, crawl_id, "attempt-a")
    _feed(a, "A", ["p1", "p2"])
    fence.hold(a.session, a.crawler, crawl_id)  # A froze inside its batch transaction
    t0 = time.monotonic()
    with pytest.raises(CrawlBusy):
        reset_crawl(pg_url, crawl_id, "attempt-b", nowait=True)
    assert time.monotonic() - t0 < 2.0

    with factory_for(pg_url)() as s:
        crawl = s.get(Crawl, crawl_id)
        job = Job(crawl_id, crawl.run_id, crawl.site_id, SITE)
    q = JobQueue(redis_url, namespace="fence2")
    q.push(job)
    started: list[int] = []

    def _crawl(crawler: Any, **kw: Any) -> Deferred:
        started.append(kw["crawl_id"])
        return Deferred()  # the crawl runs "for ever": the test only looks at how it was started

    worker = Worker(redis_url, pg_url, WorkerOptions(namespace="fence2", slots=1, store_dir=tmp_path))
    worker.process = SimpleNamespace(crawl=_crawl)
    t0 = time.monotonic()
    worker.tick()
    assert time.monotonic() - t0 < 2.0  # did not wait for A
    assert started == [] and [j.crawl_id for j, _raw in worker.waiting] == [crawl_id]
    assert q.counts() == {"pending": 0, "processing": 1}  # still claimed by this worker
    worker.tick()
    assert started == []
    a.flush()  # A wakes up and commits (it still owned the crawl then)
    worker.tick()
    assert started == [crawl_id] and worker.waiting == []
    owner = crawl_status(pg_url, crawl_id)[2]
    assert owner not in (None, "attempt-a") and list(worker.active) == [owner]
    assert _rows(pg_url, crawl_id)[0] == []  # the reset that followed removed A's batch
    with factory_for(pg_url)() as s:  # and a frozen worker's transaction cannot hold a row for ever
        assert s.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == "1min"
