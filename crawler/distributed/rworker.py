"""`xxgk worker --mode request`: one Scrapy engine that runs requests of any crawl from the shared queue.

The engine's scheduler is `rscheduler.RequestScheduler`; a reactor timer wakes the engine every poll
(entries other workers push do not wake it), renews the leases of the entries this worker holds and
re-queues those of dead workers every tenth of a lease, stops the worker at once when an entry
turns out to be another store's (`queue.ForeignEntry`: its `--db` is not the seeding audit's), and
stops it after `idle_exit` seconds without work once no entry is left in the namespace (a dead worker's leased requests may
still come back). Per-host politeness across workers: the pop script skips hosts whose Redis
slots are taken, and `hostlimit.RedisHostLimitMiddleware` holds a slot per request in flight.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.distributed.rqueue import RequestQueue
from crawler.distributed.rscheduler import Dispatcher, WorkerSpider, register
from crawler.distributed.worker import HOST_LIMIT_MW, WorkerOptions
from crawler.evidence import WarcLog
from crawler.settings import build_settings
from xxgk.config import store_dir_for
from xxgk.store import session_factory

log = logging.getLogger(__name__)
DEFAULT_CONCURRENCY = 16


def worker_settings(redis_url: str, opts: WorkerOptions, dispatcher: Dispatcher) -> dict[str, Any]:
    """Scrapy settings of a request-level worker: the crawl settings without per-crawler politeness
    (the Redis host limit is the politeness across workers), no item pipeline (the dispatcher writes)."""
    settings = build_settings(loopback=False)
    settings.update(
        SCHEDULER="crawler.distributed.rscheduler.RequestScheduler",
        XXGK_DISPATCHER=register(dispatcher),
        ITEM_PIPELINES={},
        CONCURRENT_REQUESTS=opts.concurrency or DEFAULT_CONCURRENCY,
        CONCURRENT_REQUESTS_PER_DOMAIN=max(1, opts.host_limit) if opts.host_limit > 0 else 8,
        DOWNLOAD_DELAY=0,
        AUTOTHROTTLE_ENABLED=False,
        CLOSESPIDER_TIMEOUT=0,
        LOG_INSTALL_ROOT_HANDLER=False,
        XXGK_REDIS_URL=redis_url,
        XXGK_REDIS_NAMESPACE=opts.namespace,
        XXGK_HOST_LIMIT=opts.host_limit,
        XXGK_HOST_DELAY=opts.delay,  # the per-host spacing Scrapy's DOWNLOAD_DELAY gives a local crawl
    )
    mws = dict(settings.get("DOWNLOADER_MIDDLEWARES") or {})
    mws[HOST_LIMIT_MW] = 960
    settings["DOWNLOADER_MIDDLEWARES"] = mws
    settings.update(opts.overrides)
    return settings


class _Loop:
    """The reactor timer: wake the engine, keep leases, reap dead workers, stop when idle."""

    def __init__(self, dispatcher: Dispatcher, crawler: Any, opts: WorkerOptions) -> None:
        self.d = dispatcher
        self.crawler = crawler
        self.opts = opts
        self.upkeep = max(opts.poll, opts.lease_seconds / 10)
        self.next_upkeep = 0.0
        self.stopped = False

    def tick(self) -> None:
        try:
            self._tick()
        except Exception:  # a Redis hiccup must not kill the loop
            log.exception("worker tick failed")

    def _tick(self) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine is not None else None
        if slot is not None:
            slot.nextcall.schedule()
        now = time.monotonic()
        if now >= self.next_upkeep:
            self.next_upkeep = now + self.upkeep
            self.d.queue.renew(dict(self.d.leases))
            if self.d.queue.reap():
                log.warning("re-queued requests whose worker stopped renewing their leases")
        if self.d.fatal is not None:
            self.stop()
            return
        idle = not self.d.held and not self.d.local
        if idle and self.opts.idle_exit is not None and now - self.d.last_work > self.opts.idle_exit:
            # Idle means no entry left anywhere, not just none to pop now: another worker's leased
            # requests come back to the queue if it died, and must find a worker still running.
            if self.d.queue.pending()[0]:
                self.d.last_work = now
            else:
                self.stop()

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        spider = getattr(self.crawler, "spider", None)
        if spider is not None:
            spider.stopping = True
        from twisted.internet import reactor

        reactor.callLater(0, self._stop_process)

    def _stop_process(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and getattr(engine, "spider", None) is not None:
            d = deferred_from_coro(engine.close_spider_async(reason="idle"))
            d.addErrback(lambda f: log.debug("closing worker spider: %s", f.getErrorMessage()))


def run_request_worker(redis_url: str, db_url: str, opts: WorkerOptions | None = None,
                       progress: Callable[[str, dict], None] | None = None) -> int:
    """Run a request-level worker until stopped (or idle for `opts.idle_exit` s); returns the number of
    crawls it finalised."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    opts = opts or WorkerOptions()
    base = build_settings(loopback=False)
    install_reactor(base["TWISTED_REACTOR"])
    from twisted.internet import reactor, task

    token = f"{socket.gethostname()}-{os.getpid()}"
    warc_dir = (opts.store_dir or store_dir_for(db_url)) / "warc" / "workers"
    warc = WarcLog(Path(warc_dir) / f"{token}.warc.gz")
    host_lease = float(opts.overrides.get("XXGK_HOST_LEASE") or float(base.get("DOWNLOAD_TIMEOUT", 30)) + 30)
    queue = RequestQueue(redis_url, opts.namespace, opts.lease_seconds, opts.host_limit, host_lease)
    dispatcher = Dispatcher(queue, session_factory(db_url), str(warc_dir))
    process = CrawlerProcess({"TWISTED_REACTOR": base["TWISTED_REACTOR"], "LOG_INSTALL_ROOT_HANDLER": False,
                              "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False})
    for name in ("scrapy", "twisted", "py.warnings", "scrapy-playwright", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
    crawler = Crawler(WorkerSpider, worker_settings(redis_url, opts, dispatcher))
    loop = _Loop(dispatcher, crawler, opts)
    timer = task.LoopingCall(loop.tick)
    reactor.callWhenRunning(timer.start, min(opts.poll, 0.1), now=False)
    process.crawl(crawler, warc=warc)
    try:
        process.start(install_signal_handlers=True)
    finally:
        warc.close()
    if dispatcher.fatal is not None:
        raise dispatcher.fatal
    return dispatcher.done
