"""Entry point the CLI calls: crawl every pending `Crawl` row of a run, in this process."""

from __future__ import annotations

import logging
from collections.abc import Callable

from scrapy.crawler import CrawlerProcess
from sqlalchemy import select

from crawler.extract.html import is_loopback
from crawler.pipelines import factory_for
from crawler.settings import build_settings
from crawler.spiders.portal import PortalSpider
from xxgk.store import CRAWL_FAILED, CRAWL_PENDING, CRAWL_RUNNING, Crawl, Site, utcnow

log = logging.getLogger(__name__)


def run_crawl(
    db_url: str,
    run_id: int,
    *,
    limits: dict | None = None,
    progress: Callable[[str, dict], None] | None = None,
) -> None:
    """Crawl the run's pending sites with one blocking CrawlerProcess.

    Scrapy's reactor can start only once per process, so call this once per process
    (the CLI does; tests use a subprocess). Results go to the store; `progress` gets
    ("page", {site_id, url}) per fetched page and ("site_done", {site_id, status}) per site.
    """
    limits = dict(limits or {})
    factory = factory_for(db_url)
    with factory() as s:
        rows = s.execute(
            select(Crawl.id, Site.id, Site.url)
            .join(Site, Site.id == Crawl.site_id)
            .where(Crawl.run_id == run_id, Crawl.status == CRAWL_PENDING)
            .order_by(Crawl.id)
        ).all()
    if not rows:
        log.info("run %s: no pending crawls", run_id)
        return
    loopback = all(is_loopback(url) for _, _, url in rows)
    settings = build_settings(limits, loopback=loopback)
    settings["XXGK_DB_URL"] = db_url
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    process = CrawlerProcess(settings)
    level = getattr(logging, str(settings["LOG_LEVEL"]).upper(), logging.WARNING)
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(level)
    for crawl_id, site_id, url in rows:
        process.crawl(
            PortalSpider, crawl_id=crawl_id, site_id=site_id, start_url=url, limits=limits, progress=progress
        )
    process.start()
    _fail_unfinished(db_url, [crawl_id for crawl_id, _, _ in rows])


def _fail_unfinished(db_url: str, crawl_ids: list[int]) -> None:
    """A crawl still pending/running after the reactor stopped died inside Scrapy: mark it failed."""
    with factory_for(db_url).begin() as s:
        for crawl in s.scalars(select(Crawl).where(Crawl.id.in_(crawl_ids))):
            if crawl.status in (CRAWL_PENDING, CRAWL_RUNNING):
                crawl.status = CRAWL_FAILED
                crawl.error = crawl.error or "the crawler stopped before finishing this site"
                crawl.stop_reason = crawl.stop_reason or "error"
                crawl.finished_at = utcnow()
