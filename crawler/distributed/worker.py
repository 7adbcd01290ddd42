"""`xxgk worker`: claim site crawls from the Redis queue and crawl them with the normal spider.

One Scrapy reactor per worker process; up to `slots` sites are crawled at once, each by its own
`Crawler` (own downloader, settings built from the run's stored `CrawlSettings`). A reactor timer renews
the leases of the jobs in hand, re-queues jobs whose worker died, and claims new ones.

Each attempt gets its own fencing token (`crawler.distributed.fence`): `reset_crawl` makes it the
crawl's owner, and a stalled attempt whose site was restarted by another worker has its writes
refused and leaves the job alone (no ack, no fail) when its spider closes. A site whose stalled
attempt is frozen inside a write (holding the crawl row) is kept claimed and started once the row is
free, without blocking the reactor; worker sessions abort transactions idle for longer than
`IDLE_TRANSACTION_S`, so a frozen worker cannot hold a row for ever.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.distributed import fence
from crawler.distributed.queue import ForeignEntry, Job, JobQueue
from crawler.distributed.store_ops import CrawlBusy, crawl_status, fail_crawl, reset_crawl, seeded_here
from crawler.evidence import WarcLog, warc_path_for
from crawler.extract.html import is_loopback
from crawler.settings import browser_enabled, build_settings
from xxgk.config import store_dir_for
from xxgk.settings import CrawlSettings
from xxgk.store import CRAWL_DONE, Run, session_factory
from xxgk.store.lifecycle import INTERRUPTED, is_finished

log = logging.getLogger(__name__)
HOST_LIMIT_MW = "crawler.distributed.hostlimit.RedisHostLimitMiddleware"
STORE_PIPELINE = "crawler.pipelines.StorePipeline"
MAX_ATTEMPTS = 3
IDLE_TRANSACTION_S = 60.0  # at least; twice the lease when that is longer


@dataclass
class WorkerOptions:
    """How a worker runs."""

    slots: int = 2  # sites crawled at once by this worker
    lease_seconds: float = 30.0  # a dead worker's jobs come back after this
    host_limit: int = 2  # concurrent requests per host across all workers (0: off)
    concurrency: int | None = None  # CONCURRENT_REQUESTS per site crawl (None: the run's settings)
    delay: str | float = "auto"  # request mode: seconds between request starts per host, all workers ("auto": hostlimit)
    namespace: str = "xxgk"
    idle_exit: float | None = None  # stop after this many seconds without work (None: run forever)
    poll: float = 0.2
    store_dir: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # extra Scrapy settings (tests, benchmarks)


@dataclass
class _Active:
    job: Job
    raw: str
    warc: WarcLog | None
    token: str  # fencing token of this attempt (Crawl.lease_token while it owns the crawl)
    lease_lost: bool = False


class Worker:
    """The reactor-side loop of one worker process."""

    def __init__(self, redis_url: str, db_url: str, opts: WorkerOptions,
                 progress: Callable[[str, dict], None] | None = None) -> None:
        self.redis_url = redis_url
        self.db_url = db_url
        self.opts = opts
        self.progress = progress
        self.queue = JobQueue(redis_url, opts.namespace, opts.lease_seconds)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{JobQueue.new_token()[:8]}"
        self.active: dict[str, _Active] = {}  # by attempt token: a stale and a new attempt of one crawl may coexist
        self.waiting: list[tuple[Job, str]] = []  # claimed, but a stalled attempt still holds the crawl row
        self.fatal: ForeignEntry | None = None  # set when the queue is another store's: the worker stops
        self.idle_since = time.monotonic()
        self.stopping = False
        self.done = 0
        self.process: Any = None
        self._settings: dict[int, CrawlSettings] = {}  # by run id
        # renew leases and reap dead workers' jobs every tenth of a lease (3 s of 30), claim every poll
        self.upkeep = max(opts.poll, opts.lease_seconds / 10)
        self._next_upkeep = 0.0
        self._db_ready = False

    # ---- settings -----------------------------------------------------------------------------

    def _run_settings(self, run_id: int) -> CrawlSettings:
        """The crawl settings stored with the run (read once per run)."""
        if run_id not in self._settings:
            with session_factory(self.db_url).begin() as s:
                run = s.get(Run, run_id)
                self._settings[run_id] = CrawlSettings.of_run(run.config if run else None, run_id=run_id)
        return self._settings[run_id]

    def settings_for(self, job: Job, crawl: CrawlSettings) -> dict[str, Any]:
        """The normal crawl settings plus the cross-worker per-host limit, with the fenced store pipeline
        in place of the plain one (same order)."""
        settings = build_settings(crawl, loopback=is_loopback(job.url))
        pipes = dict(settings.get("ITEM_PIPELINES") or {})
        order = pipes.pop(STORE_PIPELINE, 300)
        settings["ITEM_PIPELINES"] = {**pipes, STORE_PIPELINE: None, fence.PIPELINE: order}
        settings["XXGK_DB_URL"] = self.db_url
        settings["LOG_INSTALL_ROOT_HANDLER"] = False
        settings["XXGK_REDIS_URL"] = self.redis_url
        settings["XXGK_REDIS_NAMESPACE"] = self.opts.namespace
        settings["XXGK_HOST_LIMIT"] = self.opts.host_limit
        mws = dict(settings.get("DOWNLOADER_MIDDLEWARES") or {})
        mws[HOST_LIMIT_MW] = 960  # nearest the network: replayed responses never take a slot
        settings["DOWNLOADER_MIDDLEWARES"] = mws
        if self.opts.host_limit > 0:
            settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = min(
                int(settings.get("CONCURRENT_REQUESTS_PER_DOMAIN", 8)), self.opts.host_limit)
        if self.opts.concurrency:
            settings["CONCURRENT_REQUESTS"] = self.opts.concurrency
        settings.update(self.opts.overrides)
        return settings

    # ---- loop -----------------------------------------------------------------------------------

    def tick(self) -> None:
        """Renew leases, re-queue dead workers' jobs, claim work while slots are free."""
        try:
            self._tick()
        except Exception:  # a Redis or database hiccup must not kill the loop
            log.exception("worker tick failed")

    def _tick(self) -> None:
        now = time.monotonic()
        if now >= self._next_upkeep:  # leases and dead workers need no check every poll
            self._next_upkeep = now + self.upkeep
            for act in list(self.active.values()):
                if not self.queue.renew(act.job, self.token) and not act.lease_lost:
                    act.lease_lost = True  # its writes are fenced once another worker restarts the crawl
                    log.warning("lease of crawl %s expired while crawling it", act.job.crawl_id)
            for job, raw in list(self.waiting):
                if not self.queue.renew(job, self.token):  # lost while waiting: no longer ours to start
                    self.waiting.remove((job, raw))
            for job in self.queue.reap():
                log.warning("re-queued crawl %s (attempt %s): its worker stopped renewing", job.crawl_id, job.attempt)
        waiting, self.waiting = self.waiting, []
        for job, raw in waiting:
            if self.stopping:
                self.queue.release(raw, job, self.token)
            else:
                self._start(job, raw, retry=True)
        while not self.stopping and len(self.active) + len(self.waiting) < self.opts.slots:
            claimed = self.queue.claim(self.token)
            if claimed is None:
                break
            self._start(*claimed)
        if self.active or self.waiting:
            self.idle_since = time.monotonic()
        elif self.opts.idle_exit is not None and time.monotonic() - self.idle_since > self.opts.idle_exit:
            self.stop()

    def _start(self, job: Job, raw: str, retry: bool = False) -> None:
        from scrapy.crawler import Crawler

        from crawler.spiders.portal import PortalSpider

        if not self._db_ready:  # at the first job, not at start-up: the store may not exist before a run does
            limit_idle_transactions(self.db_url, max(IDLE_TRANSACTION_S, 2 * self.opts.lease_seconds))
            self._db_ready = True
        if not seeded_here(self.db_url, job.crawl_id, job.run_id, self.queue.r.get(f"{self.queue.ns}:seeded:{job.crawl_id}")):
            self.queue.release(raw, job, self.token)  # never run, nor done: left for a worker of that store
            self.fatal = ForeignEntry(self.queue.ns, job.crawl_id)
            self.stop()
            return
        token = JobQueue.new_token()
        try:
            if job.attempt > MAX_ATTEMPTS:  # take the crawl over first: a still-running attempt is fenced out
                fail_crawl(self.db_url, job.crawl_id, f"gave up after {MAX_ATTEMPTS} attempts (workers died)",
                           token, take_over=True, nowait=True)
                self.queue.ack(raw, job, self.token)
                return
            if not reset_crawl(self.db_url, job.crawl_id, token, nowait=True):
                self.queue.ack(raw, job, self.token)  # already finished: a duplicate job
                return
        except CrawlBusy:  # keep the job (its lease is renewed) and try again next tick, never block the reactor
            if not retry:
                log.warning("crawl %s: a stalled earlier attempt is inside a write; starting it once that ends",
                            job.crawl_id)
            self.waiting.append((job, raw))
            return
        crawl = self._run_settings(job.run_id)
        warc = None
        if crawl.warc:
            base = self.opts.store_dir or store_dir_for(self.db_url)
            warc = WarcLog(warc_path_for(base, job.run_id, job.site_id))
            if warc.path.exists():
                warc.path.unlink()
        log.info("crawling %s (crawl %s, attempt %s)", job.url, job.crawl_id, job.attempt)
        settings = self.settings_for(job, crawl)
        settings[fence.SETTING] = token
        crawler = Crawler(PortalSpider, settings)
        self.active[token] = _Active(job, raw, warc, token)
        d = self.process.crawl(crawler, crawl_id=job.crawl_id, site_id=job.site_id, start_url=job.url,
                               limits=crawl, progress=self.progress, warc=warc, resuming=False,
                               browser=browser_enabled(crawl))
        d.addBoth(self._finished, token)

    def _finished(self, result: Any, token: str) -> None:
        act = self.active.pop(token)
        crawl_id = act.job.crawl_id
        if act.warc is not None:
            act.warc.close()
        if hasattr(result, "getErrorMessage"):
            log.error("crawl %s died: %s", crawl_id, result.getErrorMessage())
        status, stop, owner = crawl_status(self.db_url, crawl_id)
        if owner != act.token:
            # fenced out: another worker restarted this site while we stalled; the job is its now
            log.info("crawl %s: attempt %s was superseded; leaving the job to its new owner", crawl_id, act.job.attempt)
            self.tick()
            return
        if status != CRAWL_DONE and (self.stopping or stop == INTERRUPTED):
            # a graceful stop (SIGTERM/Ctrl-C): give the site back, another worker redoes it
            self.stopping = True  # the process is shutting down: claim nothing more
            self.queue.release(act.raw, act.job, self.token)
            return
        if not is_finished(status) and not fail_crawl(
                self.db_url, crawl_id, "the crawler stopped before finishing this site", act.token):
            self.tick()  # superseded between the two reads: the job is someone else's
            return
        self.queue.ack(act.raw, act.job, self.token)
        self.done += 1
        self.tick()

    def stop(self) -> None:
        """Stop claiming; the reactor stops once the crawls in hand have closed."""
        self.stopping = True
        self._release_waiting()
        if not self.active and self.process is not None:
            from twisted.internet import reactor

            if reactor.running:
                reactor.callLater(0, _stop_reactor)

    def on_shutdown(self) -> None:
        """Reactor shutdown (SIGTERM/Ctrl-C): claim nothing more; crawls in hand go back to the queue."""
        self.stopping = True
        self._release_waiting()

    def _release_waiting(self) -> None:
        waiting, self.waiting = self.waiting, []
        for job, raw in waiting:
            self.queue.release(raw, job, self.token)


def limit_idle_transactions(db_url: str, seconds: float) -> None:
    """Make PostgreSQL abort this process's transactions left idle for `seconds` (a frozen worker's).

    A worker stalled inside a fenced batch holds its crawl row; without this bound the site could only
    be taken over when the worker wakes up. The worker's own transactions never idle that long: they
    run start to end within one reactor call.
    """
    from sqlalchemy import event

    engine = session_factory(db_url).kw["bind"]
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _set_timeout(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET idle_in_transaction_session_timeout = {int(seconds * 1000)}")
        dbapi_conn.commit()

    engine.dispose()  # connections opened before (schema check) get it too


def _stop_reactor() -> None:
    from twisted.internet import error, reactor

    try:
        reactor.stop()
    except error.ReactorNotRunning:
        pass


def run_worker(redis_url: str, db_url: str, opts: WorkerOptions | None = None,
               progress: Callable[[str, dict], None] | None = None) -> int:
    """Run a worker until stopped (or idle for `opts.idle_exit` s); returns the number of sites crawled."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    opts = opts or WorkerOptions()
    base = build_settings(loopback=False)
    install_reactor(base["TWISTED_REACTOR"])  # before anything imports the default reactor
    from twisted.internet import task

    worker = Worker(redis_url, db_url, opts, progress)
    process = CrawlerProcess({"TWISTED_REACTOR": base["TWISTED_REACTOR"], "LOG_INSTALL_ROOT_HANDLER": False,
                              "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False})
    for name in ("scrapy", "twisted", "py.warnings", "scrapy-playwright", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
    worker.process = process
    loop = task.LoopingCall(worker.tick)
    from twisted.internet import reactor

    reactor.callWhenRunning(loop.start, opts.poll, now=True)
    reactor.addSystemEventTrigger("before", "shutdown", worker.on_shutdown)
    process.start(stop_after_crawl=False, install_signal_handlers=True)
    if worker.fatal is not None:
        raise worker.fatal
    return worker.done
