"""A crawl's lifecycle: the one module that moves `Crawl.status` and writes a crawl row's verdict.

    pending ──start──▶ running ──finish──▶ done | failed
       ▲                  │
       └──── restart ─────┴──fail_unfinished──▶ failed (stop reason "error" / "interrupted")

`failed` means the site could not be read (down, refused) or the crawl was cut short; a failed crawl
whose stop reason is "interrupted" or "error" was cut short and may be resumed. The local pipeline,
the distributed writers, the runner and the CLI all call these functions, so the local and the
distributed crawl of one site end with the same row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.store.contents import delete_crawl_contents
from xxgk.store.models import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_PENDING,
    CRAWL_RUNNING,
    Crawl,
    Page,
    utcnow,
)

FINISHED = (CRAWL_DONE, CRAWL_FAILED)
UNFINISHED = (CRAWL_PENDING, CRAWL_RUNNING)
INTERRUPTED = "interrupted"
# Scrapy's close reasons, as the stop reason a report shows
CLOSE_REASONS = {
    "finished": "finished",
    "closespider_pagecount": "page limit",
    "closespider_timeout": "time limit",
    "shutdown": INTERRUPTED,
}
CUT_SHORT = (INTERRUPTED, "error")  # stop reasons of a failed crawl that did not fail because of its site


def add_pending_crawl(session: Session, run_id: int, site_id: int, start_url: str | None = None) -> Crawl:
    """A new crawl of a site within a run, waiting to be crawled (from `start_url`, else the site's URL)."""
    crawl = Crawl(run_id=run_id, site_id=site_id, status=CRAWL_PENDING, start_url=start_url)
    session.add(crawl)
    return crawl


def cut_short(session: Session, run_id: int) -> list[Crawl]:
    """The run's crawls that did not reach their end and can be resumed: still pending or running (the
    process was killed), or failed because they were interrupted or their crawler died. A run with any is
    not complete: it must not be scored as if these sites had been read."""
    crawls = session.scalars(select(Crawl).where(Crawl.run_id == run_id).order_by(Crawl.id))
    return [c for c in crawls if can_resume(c.status, c.stop_reason)]


def is_finished(status: str) -> bool:
    return status in FINISHED


def can_resume(status: str, stop_reason: str | None) -> bool:
    """`xxgk crawl --resume` takes a crawl still unfinished, or one cut short (not one whose site was down)."""
    return status in UNFINISHED or (status == CRAWL_FAILED and stop_reason in CUT_SHORT)


def can_restart(crawl: Crawl) -> bool:
    """A distributed worker may (re)start a crawl unless it finished: done, or failed for a reason other
    than a graceful stop (a crawl that died inside Scrapy or was given up on is not retried by a late job)."""
    return crawl.status != CRAWL_DONE and not (crawl.status == CRAWL_FAILED and crawl.stop_reason != INTERRUPTED)


def start_crawl(crawl: Crawl, warc_path: str | None) -> None:
    """The crawl is running (idempotent). A resumed crawl, or one already running, keeps its start time."""
    if crawl.status == CRAWL_PENDING or crawl.started_at is None:
        crawl.started_at = utcnow()
    crawl.status = CRAWL_RUNNING
    crawl.error = None
    crawl.warc_path = warc_path


def restart_crawl(session: Session, crawl: Crawl, token: str | None) -> None:
    """Back to pending for a new attempt: everything an earlier attempt wrote is deleted, and `token` is the
    fencing token of the attempt that owns the crawl from now on."""
    delete_crawl_contents(session, [crawl.id])
    crawl.status, crawl.error, crawl.stop_reason = CRAWL_PENDING, None, None
    crawl.cms, crawl.portal_url, crawl.pages, crawl.browser_pages = None, None, 0, 0
    crawl.facts = {}
    crawl.lease_token = token


def fail_unfinished(crawl: Crawl, error: str, stop_reason: str = "error") -> bool:
    """Mark a crawl that never reached its end failed (it died, or was never started); a crawl that
    finished is left alone. Returns whether the row changed."""
    if crawl.status not in UNFINISHED:
        return False
    crawl.status = CRAWL_FAILED
    crawl.error = crawl.error or error
    crawl.stop_reason = crawl.stop_reason or stop_reason
    crawl.finished_at = utcnow()
    return True


def verdict(failed: str | None, stop_reason: str | None, close_reason: str = "finished") -> tuple[str, str, str | None]:
    """(status, stop reason, error) of a crawl that reached its end.

    `failed` is why the site could not be read (None: it could); `stop_reason` why the spider stopped
    early (a limit); `close_reason` Scrapy's. An interrupted crawl is failed, so it can be resumed.
    """
    stop = failed or stop_reason or CLOSE_REASONS.get(close_reason, close_reason)
    status = CRAWL_FAILED if failed or stop == INTERRUPTED else CRAWL_DONE
    return status, stop, failed or (stop if status == CRAWL_FAILED else None)


def elected_cms(votes: Mapping[str, int], portal_cms: str | None) -> str | None:
    """The CMS most list pages were read with; "generic" only when no adapter read any (ties: first seen)."""
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    names = [name for name, _ in ranked if name != "generic"]
    return names[0] if names else (portal_cms or ("generic" if ranked else None))


def finish_crawl_row(session: Session, crawl: Crawl, *, failed: str | None, stop_reason: str | None,
                     close_reason: str = "finished", facts: Mapping[str, Any] | None = None,
                     cms_votes: Mapping[str, int] | None = None, portal_cms: str | None = None,
                     portal_url: str | None = None) -> str:
    """The crawl row at the crawl's end: status, stop reason, error, page and browser-page counts (from the
    stored pages), facts merged over what the row holds, the elected CMS and the portal URL. Returns the status."""
    crawl.status, crawl.stop_reason, crawl.error = verdict(failed, stop_reason, close_reason)
    crawl.finished_at = utcnow()
    crawl.portal_url = portal_url or crawl.portal_url
    counted = select(func.count(Page.id)).where(Page.crawl_id == crawl.id)
    crawl.pages = session.scalar(counted) or 0
    crawl.browser_pages = session.scalar(counted.where(Page.render == "browser")) or 0
    crawl.facts = {**(crawl.facts or {}), **(facts or {})}
    crawl.cms = elected_cms(cms_votes or {}, portal_cms)
    return crawl.status
