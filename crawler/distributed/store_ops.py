"""Store operations of a distributed crawl: reset a crawl before a (re)start, find what is left."""

from __future__ import annotations

from sqlalchemy import func, select

from crawler.pipelines import factory_for
from xxgk.store import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_PENDING,
    CRAWL_RUNNING,
    Crawl,
    Page,
    Site,
    delete_crawl_contents,
    utcnow,
)


def reset_crawl(db_url: str, crawl_id: int) -> bool:
    """Delete every row an earlier (killed) attempt wrote and mark the crawl pending again.

    Returns False when the crawl is already finished (a late duplicate job): nothing to do.
    """
    with factory_for(db_url).begin() as s:
        crawl = s.get(Crawl, crawl_id, with_for_update=True)
        if crawl is None or crawl.status == CRAWL_DONE or (
                crawl.status == CRAWL_FAILED and crawl.stop_reason != "interrupted"):
            return False
        delete_crawl_contents(s, [crawl_id])
        crawl.status, crawl.error, crawl.stop_reason = CRAWL_PENDING, None, None
        crawl.cms, crawl.portal_url, crawl.pages, crawl.browser_pages = None, None, 0, 0
        crawl.facts = {}
        return True


def fail_crawl(db_url: str, crawl_id: int, reason: str) -> None:
    """Mark a crawl failed unless it already finished (a crawl that died inside Scrapy)."""
    with factory_for(db_url).begin() as s:
        crawl = s.get(Crawl, crawl_id)
        if crawl is not None and crawl.status in (CRAWL_PENDING, CRAWL_RUNNING):
            crawl.status, crawl.error = CRAWL_FAILED, reason
            crawl.stop_reason = crawl.stop_reason or "error"
            crawl.finished_at = utcnow()


def crawl_status(db_url: str, crawl_id: int) -> tuple[str, str | None]:
    with factory_for(db_url).begin() as s:
        crawl = s.get(Crawl, crawl_id)
        return (crawl.status, crawl.stop_reason) if crawl else (CRAWL_FAILED, None)


def pending_crawls(db_url: str, run_id: int) -> list[tuple[int, int, str]]:
    """(crawl id, site id, url) of the run's unfinished crawls, biggest first.

    Sites are ordered by the pages of their last finished crawl in another run (never crawled
    first), so on a re-audit the longest sites start first and the last worker does not finish
    alone on a big site (longest-processing-time-first scheduling).
    """
    prev = (select(Crawl.site_id, func.max(Crawl.pages).label("pages"))
            .where(Crawl.status == CRAWL_DONE, Crawl.run_id != run_id)
            .group_by(Crawl.site_id).subquery())
    with factory_for(db_url).begin() as s:
        return [tuple(r) for r in s.execute(
            select(Crawl.id, Site.id, Site.url).join(Site, Site.id == Crawl.site_id)
            .outerjoin(prev, prev.c.site_id == Crawl.site_id)
            .where(Crawl.run_id == run_id, Crawl.status.in_([CRAWL_PENDING, CRAWL_RUNNING]))
            .order_by(func.coalesce(prev.c.pages, 10**9).desc(), Crawl.id))]


def run_progress(db_url: str, run_id: int) -> tuple[int, int, int]:
    """(finished crawls, all crawls, pages stored) of a run."""
    with factory_for(db_url).begin() as s:
        total = s.scalar(select(func.count(Crawl.id)).where(Crawl.run_id == run_id)) or 0
        done = s.scalar(select(func.count(Crawl.id)).where(
            Crawl.run_id == run_id, Crawl.status.in_([CRAWL_DONE, CRAWL_FAILED]))) or 0
        pages = s.scalar(select(func.count(Page.id)).join(Crawl, Crawl.id == Page.crawl_id)
                         .where(Crawl.run_id == run_id)) or 0
        return done, total, pages
