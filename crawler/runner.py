"""Entry point the CLI calls: crawl every pending `Crawl` row of a run, in this process."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from sqlalchemy import select

from crawler.evidence import WarcLog, warc_path_for
from crawler.extract.html import is_loopback
from crawler.pipelines import factory_for
from crawler.settings import browser_enabled, build_settings
from crawler.spiders.portal import PortalSpider
from xxgk.store import CRAWL_FAILED, CRAWL_PENDING, CRAWL_RUNNING, Crawl, Run, Site, utcnow

log = logging.getLogger(__name__)


def store_dir_for(db_url: str) -> Path:
    """Where run files (WARC) go: beside a SQLite store, else under $XXGK_HOME (or ./.xxgk)."""
    if db_url.startswith("sqlite:///"):
        return Path(db_url.removeprefix("sqlite:///")).resolve().parent
    return Path(os.environ.get("XXGK_HOME", ".xxgk")).resolve()


def run_crawl(
    db_url: str,
    run_id: int,
    *,
    limits: dict | None = None,
    progress: Callable[[str, dict], None] | None = None,
    resume: bool = False,
    store_dir: Path | str | None = None,
) -> None:
    """Crawl the run's pending sites with one blocking CrawlerProcess.

    Scrapy's reactor can start only once per process, so call this once per process
    (the CLI does; tests use a subprocess). Results go to the store; `progress` gets
    ("page", {site_id, url}) per fetched page and ("site_done", {site_id, status}) per site.
    `resume=True` also takes the run's crawls that were interrupted (Ctrl-C or a killed
    process): responses already in their WARC files are replayed instead of fetched again and
    the columns/items are rebuilt, so nothing is lost or duplicated. WARC files go to
    `<store_dir>/warc/run-<id>/site-<id>.warc.gz` (`limits["warc"]=False` turns them off).
    """
    limits = dict(limits or {})
    factory = factory_for(db_url)
    wanted = [CRAWL_PENDING] + ([CRAWL_RUNNING, CRAWL_FAILED] if resume else [])
    with factory.begin() as s:
        rows = s.execute(
            select(Crawl.id, Site.id, Site.url, Crawl.status, Crawl.stop_reason)
            .join(Site, Site.id == Crawl.site_id)
            .where(Crawl.run_id == run_id, Crawl.status.in_(wanted))
            .order_by(Crawl.id)
        ).all()
        # a failed site is resumed only when it was interrupted, not when it was down
        rows = [r for r in rows if r[3] != CRAWL_FAILED or r[4] in ("interrupted", "error")]
        run = s.get(Run, run_id)
        if run is not None:
            config = dict(run.config or {})
            lim = dict(config.get("limits") or {})
            lim.setdefault("obey_robots", bool(limits.get("obey_robots", True)))
            config["limits"] = lim
            run.config = config
    if not rows:
        log.info("run %s: no pending crawls", run_id)
        return
    loopback = all(is_loopback(url) for _, _, url, _, _ in rows)
    settings = build_settings(limits, loopback=loopback)
    settings["XXGK_DB_URL"] = db_url
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    process = CrawlerProcess(settings)
    level = getattr(logging, str(settings["LOG_LEVEL"]).upper(), logging.WARNING)
    for name in ("scrapy", "twisted", "py.warnings", "scrapy-playwright", "asyncio"):
        logging.getLogger(name).setLevel(level)
    base = Path(store_dir) if store_dir else store_dir_for(db_url)
    warcs: list[WarcLog] = []
    for crawl_id, site_id, url, status, _ in rows:
        warc = None
        resuming = status != CRAWL_PENDING
        if limits.get("warc", True):
            warc = WarcLog(warc_path_for(base, run_id, site_id))
            if resuming:
                n = warc.load_index()
                log.info("resuming crawl %s: %d responses to replay", crawl_id, n)
            elif warc.path.exists():
                warc.path.unlink()
            warcs.append(warc)
        process.crawl(
            PortalSpider,
            crawl_id=crawl_id,
            site_id=site_id,
            start_url=url,
            limits=limits,
            progress=progress,
            warc=warc,
            resuming=resuming,
            browser=browser_enabled(limits),
        )
    try:
        process.start()
    finally:
        for warc in warcs:
            warc.close()
    _fail_unfinished(db_url, [crawl_id for crawl_id, *_ in rows])


def _fail_unfinished(db_url: str, crawl_ids: list[int]) -> None:
    """A crawl still pending/running after the reactor stopped died inside Scrapy: mark it failed."""
    with factory_for(db_url).begin() as s:
        for crawl in s.scalars(select(Crawl).where(Crawl.id.in_(crawl_ids))):
            if crawl.status in (CRAWL_PENDING, CRAWL_RUNNING):
                crawl.status = CRAWL_FAILED
                crawl.error = crawl.error or "the crawler stopped before finishing this site"
                crawl.stop_reason = crawl.stop_reason or "error"
                crawl.finished_at = utcnow()
