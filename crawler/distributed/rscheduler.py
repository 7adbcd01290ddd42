"""The Scrapy side of a request-level worker: a scrapy-redis scheduler over the reliable request queue.

One Scrapy engine per worker process runs `WorkerSpider`; its scheduler (`RequestScheduler`, a
scrapy-redis `Scheduler`) pops entries of any crawl from `rqueue.RequestQueue`. A request entry is JSON
(`reqcodec`, never pickle) decoded against that crawl's `SharedPortalSpider`, and its callback and
errback are wrapped (`Dispatcher.run`): the spider's callback runs under the crawl's lock, its records
are written to the store (idempotent upserts, `rwriter`), then one Redis script commits the request —
done exactly once, its state writes, its children through the crawl's dupefilter (`CrawlDupeFilter`,
a scrapy-redis `RFPDupeFilter` whose fingerprint includes the callback and the spider's meta), the
crawl's outstanding counter. A stage task (start, link checks, search test, finalise) is run inline by
the scheduler. A redirect or retry of a popped request stays in this worker (it holds the lease).
Before a request's rows go to the store the worker checks it still holds the entry (the queue's fence):
a worker that was frozen past its lease finds its requests handed on and writes nothing for them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from sqlalchemy.orm import Session, sessionmaker

from crawler.distributed import reqcodec
from crawler.distributed.hostlimit import RESERVED, host_of
from crawler.distributed.queue import ForeignEntry
from crawler.distributed.rqueue import STAGE_HOST, Child, Popped, RequestQueue
from crawler.distributed.rspider import SharedPortalSpider
from crawler.distributed.rwriter import finalize, open_crawl, write_records
from crawler.distributed.store_ops import seeded_by
from crawler.scope import SITE_SPIDERS
from crawler.settings import browser_enabled
from crawler.spiders.portal import use_lazy_browser
from xxgk.settings import CrawlSettings
from xxgk.store import CRAWL_DONE, CRAWL_FAILED, Crawl, Run, Site

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4  # deliveries of one entry before it is given up (a request that kills its worker)
ENTRY, CRAWL = "xxgk_entry", "xxgk_crawl"
_FP_META = ("kind", "column", "first", "role", "target", "rendered", "item_url", "hop")


class CrawlDupeFilter(RFPDupeFilter):
    """scrapy-redis' dupefilter keyed per crawl; the fingerprint also names the callback and the
    spider's meta (the same URL is legitimately fetched as a list page and as a link check).
    `request_seen` is not called: the commit script adds the fingerprint atomically with the push."""

    def request_fingerprint(self, request: Request) -> str:
        meta = {k: request.meta.get(k) for k in _FP_META if request.meta.get(k) is not None}
        data = [request.method, request.url, hashlib.sha1(request.body).hexdigest(),
                getattr(request.callback, "__name__", None), getattr(request.errback, "__name__", None),
                bool(request.meta.get("playwright")), json.dumps(meta, sort_keys=True, default=str)]
        return hashlib.sha1(json.dumps(data).encode()).hexdigest()


@dataclass
class CrawlContext:
    """One crawl as this worker sees it."""

    crawl_id: int
    run_id: int
    spider: SharedPortalSpider
    dupefilter: CrawlDupeFilter
    crawl: CrawlSettings  # the run's stored settings
    rank: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    col_ids: dict[tuple[int, str], int] = field(default_factory=dict)


class Dispatcher:
    """Per worker: crawl contexts, held leases, and the run/commit of each request."""

    def __init__(self, queue: RequestQueue, factory: sessionmaker[Session], warc_dir: str | None = None) -> None:
        self.queue = queue
        self.factory = factory
        self.warc_dir = warc_dir
        self.contexts: dict[int, CrawlContext] = {}
        self.held: dict[str, str] = {}  # entry id → host
        self.leases: dict[str, str] = {}  # entry id → the pop's holder token (the fence)
        self.refused = 0  # requests whose late writes the fence refused
        self.local: deque[Request] = deque()  # redirects / retries of held requests
        self.last_work = time.monotonic()
        self.done = 0
        self.fatal: ForeignEntry | None = None  # set when the queue is another store's: the worker stops

    # ---- contexts -----------------------------------------------------------------------------

    def context(self, crawl_id: int, run_id: int) -> CrawlContext | None:
        ctx = self.contexts.get(crawl_id)
        if ctx is not None:
            return ctx
        with self.factory() as s:
            crawl = s.get(Crawl, crawl_id)
            site = s.get(Site, crawl.site_id) if crawl is not None else None
            run = s.get(Run, run_id)
            crawl_settings = CrawlSettings.of_run(run.config if run else None, run_id=run_id)
        mark = self.queue.r.get(self.queue.crawl_key(crawl_id, "seed"))
        if not seeded_by(mark.decode() if mark is not None else None, crawl, run_id, run):
            raise ForeignEntry(self.queue.ns, crawl_id)
        if crawl is None or site is None or crawl.status in (CRAWL_DONE, CRAWL_FAILED):
            return None
        url = crawl.start_url or site.url
        spider = SharedPortalSpider(self.queue.r, self.queue.ns, crawl_id, crawl.site_id, url, limits=crawl_settings,
                                    browser=browser_enabled(crawl_settings))
        df = CrawlDupeFilter(self.queue.r, self.queue.crawl_key(crawl_id, "df"))
        ctx = self.contexts[crawl_id] = CrawlContext(crawl_id, run_id, spider, df, crawl_settings,
                                                     self.queue.rank(crawl_id))
        return ctx

    # ---- entries ------------------------------------------------------------------------------

    def busy_hosts(self) -> set[str]:
        """Hosts this worker already holds as many requests of as the per-host limit allows."""
        limit = self.queue.host_limit
        if limit <= 0:
            return set()
        return {h for h, n in Counter(self.held.values()).items() if n >= limit and h != STAGE_HOST}

    def take(self, popped: Popped) -> Request | None:
        """A popped entry as a Scrapy request with wrapped callbacks (None: a stage task, run here)."""
        self.held[popped.id] = popped.host
        self.leases[popped.id] = popped.lease
        self.last_work = time.monotonic()
        task = _stage_task(popped.raw)
        if task is not None:
            self._stage(popped, task)
            return None
        try:
            envelope = reqcodec.loads(popped.raw)
        except reqcodec.BadEntry as exc:  # planted or corrupt: belongs to no crawl, is never run
            log.error("dropping queue entry %s: %s", popped.id, exc)
            self.queue.free_slot(popped.slot)
            self.queue.drop(popped.id)
            self.forget(popped.id)
            return None
        ctx = self.context(envelope["crawl"], envelope["run"])
        if ctx is None or popped.attempt > MAX_ATTEMPTS:
            if ctx is not None:
                log.warning("crawl %s: giving up %s after %s deliveries", ctx.crawl_id, popped.id, popped.attempt)
            self.queue.free_slot(popped.slot)
            self._commit_empty(envelope["crawl"], popped.id)
            return None
        try:
            req = reqcodec.decode(envelope["request"], ctx.spider)
        except reqcodec.BadEntry as exc:  # done without running: its crawl can still end
            log.error("crawl %s: dropping queue entry %s: %s", ctx.crawl_id, popped.id, exc)
            self.queue.free_slot(popped.slot)
            self._commit_empty(ctx.crawl_id, popped.id)
            return None
        req.meta[ENTRY], req.meta[CRAWL] = popped.id, ctx.crawl_id
        req.meta["download_slot"] = popped.host  # Scrapy's per-domain slot is per host:port, as the limit
        if popped.slot is not None:
            req.meta[RESERVED] = popped.slot
        if not ctx.crawl.obey_robots:
            req.meta["dont_obey_robotstxt"] = True
        req.meta.setdefault("download_timeout", ctx.crawl.timeout)
        req.callback = partial(self.run, ctx, popped.id, req.callback)
        req.errback = partial(self.run, ctx, popped.id, req.errback)
        return req

    def forget(self, entry_id: str) -> None:
        """This worker no longer holds the entry (committed, refused, or left to its lease)."""
        self.held.pop(entry_id, None)
        self.leases.pop(entry_id, None)

    def _commit_empty(self, crawl_id: int, entry_id: str) -> None:
        self.queue.commit(crawl_id, entry_id, [], [], token=self.leases.get(entry_id))
        self.forget(entry_id)

    def _lost(self, ctx: CrawlContext, entry_id: str) -> bool:
        """Whether another worker holds the entry now (this one's lease ran out): then refuse its writes."""
        token = self.leases.get(entry_id)
        if not entry_id or token is None or self.queue.holds(entry_id, token):
            return False
        self._refuse(ctx, entry_id)
        return True

    def _refuse(self, ctx: CrawlContext, entry_id: str) -> None:
        log.warning("crawl %s: entry %s was handed to another worker when this worker's lease ran out; "
                    "its late writes are refused", ctx.crawl_id, entry_id)
        ctx.spider.take_ops()  # the buffered state writes go nowhere
        self.refused += 1
        self.forget(entry_id)

    def child(self, ctx: CrawlContext, request: Request) -> Child:
        for k in (ENTRY, CRAWL, "xxgk_host_slot", RESERVED, "download_slot"):
            request.meta.pop(k, None)
        return Child(self.queue.new_id(), host_of(request.url), self.queue.score(request.priority, ctx.rank),
                     ctx.dupefilter.request_fingerprint(request),
                     reqcodec.dumps(ctx.crawl_id, ctx.run_id, request, ctx.spider))

    async def run(self, ctx: CrawlContext, entry_id: str, fn: Any, arg: Any) -> AsyncIterator[Any]:
        """The wrapped callback/errback: run the spider's, write its records, commit the request."""
        async with ctx.lock:
            spider = ctx.spider
            spider.begin()
            records: list[Any] = []
            children: list[Request] = []
            try:
                out = fn(arg) if fn is not None else None
                if fn is None and hasattr(arg, "getErrorMessage"):
                    log.warning("crawl %s: %s failed: %s", ctx.crawl_id, arg.request.url, arg.getErrorMessage())
                if hasattr(out, "__aiter__"):
                    async for x in out:
                        (children if isinstance(x, Request) else records).append(x)
                elif out is not None:
                    for x in out:
                        (children if isinstance(x, Request) else records).append(x)
            except Exception as exc:
                log.exception("crawl %s: spider callback failed (entry %s)", ctx.crawl_id, entry_id)
                if isinstance(arg, Response):
                    records.extend(spider.record_unread(arg, exc))  # the page is recorded as unread
            self.commit(ctx, entry_id, records, children)
        return
        yield  # an async generator: Scrapy gets no output, the commit did everything

    def commit(self, ctx: CrawlContext, entry_id: str, records: list[Any], children: list[Request],
               finalizing: bool = False) -> None:
        """Store writes first (idempotent), then the request's Redis commit (exactly once)."""
        spider = ctx.spider
        try:
            if self._lost(ctx, entry_id):
                return
            with self.factory.begin() as s:
                write_records(s, spider.state, ctx.crawl_id, records, ctx.col_ids)
                if finalizing:
                    finalize(s, spider)
            ops = spider.take_ops()
            if finalizing:
                ops += [["EXPIRE", k, 86400] for k in self.queue.crawl_keys(ctx.crawl_id)]
            got = self.queue.commit(ctx.crawl_id, entry_id, ops, [self.child(ctx, c) for c in children],
                                    token=self.leases.get(entry_id))
        except Exception:  # the lease runs out and another worker (or this one) retries the entry
            log.exception("crawl %s: could not commit entry %s; it will be retried", ctx.crawl_id, entry_id)
            self.forget(entry_id)
            return
        if got == -2:  # handed on between the check and the commit: the rows were upserts, the rest is refused
            self._refuse(ctx, entry_id)
            return
        spider.state.committed()
        self.forget(entry_id)
        self.last_work = time.monotonic()
        if finalizing:
            self.contexts.pop(ctx.crawl_id, None)
            self.done += 1

    def _stage(self, popped: Popped, task: dict[str, int]) -> None:
        ctx = self.context(task["crawl"], task["run"])
        if ctx is None or popped.attempt > MAX_ATTEMPTS:
            self._commit_empty(task["crawl"], popped.id)
            return
        spider = ctx.spider
        spider.begin()
        stage = task["stage"]
        records: list[Any] = []
        children: list[Request] = []
        if stage == 0:
            spider.open_crawl()
            with self.factory.begin() as s:
                open_crawl(s, ctx.crawl_id, self.warc_dir)
            for x in spider.start_output():
                (children if isinstance(x, Request) else records).append(x)
        elif stage == 1:
            children = spider.link_check_requests() if spider.check_links and not spider.failed else []
        elif stage == 2:
            children = spider.search_requests()
        elif stage == 3:
            spider.load_link_health()
        self.commit(ctx, popped.id, records, children, finalizing=stage == 3)


def _stage_task(raw: bytes) -> dict[str, int] | None:
    """A crawl's stage task (JSON with integer crawl, run and stage, as `rqueue` writes it), else None."""
    if raw[:1] != b"{":
        return None
    try:
        task = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(task, dict) or "stage" not in task:
        return None
    if not all(isinstance(task.get(k), int) for k in ("crawl", "run", "stage")):
        return None
    return task


_DISPATCHERS: dict[str, Dispatcher] = {}


def register(dispatcher: Dispatcher) -> str:
    """A setting value naming the dispatcher (Scrapy deep-copies settings: no live objects in them)."""
    name = f"dispatcher-{id(dispatcher)}"
    _DISPATCHERS[name] = dispatcher
    SITE_SPIDERS[name] = lambda crawl_id: getattr(dispatcher.contexts.get(crawl_id), "spider", None)
    return name


class RequestScheduler(RedisScheduler):
    """scrapy-redis scheduler whose queue is the reliable, host-aware `RequestQueue`."""

    def __init__(self, server: Any, dispatcher: Dispatcher, **kwargs: Any) -> None:
        super().__init__(server, persist=True, **kwargs)
        self.dispatcher = dispatcher

    @classmethod
    def from_crawler(cls, crawler: Any) -> RequestScheduler:
        dispatcher = _DISPATCHERS[crawler.settings["XXGK_DISPATCHER"]]
        inst = cls(dispatcher.queue.r, dispatcher)
        inst.stats = crawler.stats
        return inst

    def open(self, spider: scrapy.Spider) -> None:
        self.spider = spider

    def close(self, reason: str) -> None:
        """Entries still held go back to the queue at once (a graceful stop)."""
        d = self.dispatcher
        if d.leases:
            d.queue.release(dict(d.leases))
        d.held.clear()
        d.leases.clear()

    def __len__(self) -> int:
        return len(self.dispatcher.local)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(ENTRY) in self.dispatcher.held:  # a redirect or retry of a held request
            self.dispatcher.local.append(request)
            return True
        log.warning("dropping a request not produced by a held entry: %s", request)
        return False

    def next_request(self) -> Request | None:
        d = self.dispatcher
        if d.local:
            return d.local.popleft()
        if d.fatal is not None:  # the namespace is another store's: take nothing more
            return None
        for _ in range(8):  # stage tasks run inline; keep popping until a request or nothing
            popped = d.queue.pop(d.busy_hosts())
            if popped is None:
                return None
            try:
                req = d.take(popped)
            except ForeignEntry as exc:  # never run, nor done: given back for a worker of that store
                d.queue.free_slot(popped.slot)
                d.queue.release({popped.id: popped.lease})
                d.forget(popped.id)
                d.fatal = exc
                return None
            except Exception:  # an entry this worker cannot run must not stop its engine
                log.exception("could not start entry %s; it will be retried by its lease", popped.id)
                d.forget(popped.id)
                continue
            if req is not None:
                if self.stats:
                    self.stats.inc_value("scheduler/dequeued/redis")
                return req
        return None

    def has_pending_requests(self) -> bool:
        return bool(self.dispatcher.local)


class WorkerSpider(scrapy.Spider):
    """The one spider of a request-level worker: its requests are the crawls' (per-crawl spiders)."""

    name = "xxgk-worker"
    replayed = 0
    resuming = False

    def __init__(self, warc: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.warc = warc
        self.stopping = False

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        use_lazy_browser(settings)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=scrapy.signals.spider_idle)
        return spider

    def on_idle(self) -> None:
        if not self.stopping:
            raise DontCloseSpider

    async def start(self) -> AsyncIterator[Any]:
        return
        yield

