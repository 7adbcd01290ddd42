"""Run site crawls in one Scrapy process, a bounded number at once, from a list of site jobs.

Starting every site of a run at once made one process hold hundreds of crawlers, their state and
thousands of requests in flight (63 loopback portals × 32 connections each: the local server ran
~2,500 threads and the crawl slowed down instead of speeding up). A feeder keeps `slots` crawls
running and starts the next site as one finishes, so memory and connections stay bounded and
each site's time limit counts from its own start. Used in-process by `crawler.runner` and in each
worker process by `crawler.parallel`.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xxgk.settings import CrawlSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteJob:
    """One `Crawl` row to crawl (picklable: it crosses to worker processes)."""

    crawl_id: int
    site_id: int
    url: str
    resuming: bool


def quiet_loggers(settings: dict[str, Any]) -> None:
    """Apply the run's log level to Scrapy's, Twisted's and Playwright's loggers."""
    level = getattr(logging, str(settings["LOG_LEVEL"]).upper(), logging.WARNING)
    for name in ("scrapy", "twisted", "py.warnings", "scrapy-playwright", "asyncio"):
        logging.getLogger(name).setLevel(level)


def crawl_sites(
    settings: dict[str, Any],
    next_job: Callable[[], SiteJob | None],
    *,
    run_id: int,
    crawl: CrawlSettings,
    store_dir: Path,
    slots: int,
    progress: Callable[[str, dict], None] | None = None,
) -> bool:
    """Crawl the jobs `next_job` hands out, `slots` at a time, until it returns None; blocks.

    Ctrl-C / SIGTERM stop the running crawls gracefully (their sites end "interrupted") and start
    no new ones; a second signal stops at once. Returns True when a signal stopped the crawl.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    install_reactor(settings["TWISTED_REACTOR"])  # before the first `import reactor` installs epoll
    from twisted.internet import reactor

    from crawler.evidence import WarcLog, warc_path_for
    from crawler.settings import browser_enabled
    from crawler.spiders.portal import PortalSpider

    # every worker process of the run shares these lock files: the audit-wide browser page budget
    settings = {"XXGK_BROWSER_SLOTS_DIR": str(store_dir / "browser-slots" / f"run-{run_id}"), **settings}
    process = CrawlerProcess(settings)
    quiet_loggers(settings)
    state = {"active": 0, "exhausted": False, "signals": 0}

    def stop_reactor(_: Any = None) -> None:
        if reactor.running:
            try:
                reactor.stop()
            except RuntimeError:  # already stopping
                pass

    def start_more() -> None:
        while not state["exhausted"] and not state["signals"] and state["active"] < slots:
            job = next_job()
            if job is None:
                state["exhausted"] = True
                break
            try:
                start(job)
            except Exception:  # the site stays pending; run_crawl marks it failed at the end
                log.exception("could not start the crawl of %s", job.url)
        if state["active"] == 0:
            stop_reactor()

    def start(job: SiteJob) -> None:
        warc = None
        if crawl.warc:
            warc = WarcLog(warc_path_for(store_dir, run_id, job.site_id))
            if job.resuming:
                n = warc.load_index()
                log.info("resuming crawl %s: %d responses to replay", job.crawl_id, n)
            elif warc.path.exists():
                warc.path.unlink()
            if settings.get("XXGK_DB_URL"):  # bodies the site's last crawl kept: revisit records
                from crawler.revisits import prior_payloads

                warc.prior = prior_payloads(settings["XXGK_DB_URL"], job.site_id, run_id)
        state["active"] += 1
        d = process.crawl(PortalSpider, crawl_id=job.crawl_id, site_id=job.site_id, start_url=job.url,
                          limits=crawl, progress=progress, warc=warc, resuming=job.resuming,
                          browser=browser_enabled(crawl))

        def done(result: Any) -> None:
            if warc is not None:
                warc.close()
            state["active"] -= 1
            if hasattr(result, "getTraceback"):
                log.error("crawl %s failed: %s", job.crawl_id, result.getTraceback())
            start_more()

        d.addBoth(done)

    def on_signal(signum: int, _frame: Any) -> None:
        state["signals"] += 1
        if state["signals"] == 1:
            log.info("signal %s: stopping the running crawls gracefully (again to force)", signum)
            reactor.callFromThread(lambda: process.stop().addBoth(stop_reactor))
        else:
            reactor.callFromThread(stop_reactor)

    old = {}
    try:
        old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: the caller handles signals
        pass
    try:
        reactor.callWhenRunning(start_more)
        process.start(stop_after_crawl=False, install_signal_handlers=False)
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    return bool(state["signals"])
