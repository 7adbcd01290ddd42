"""Store operations of a distributed crawl: reset a crawl before a (re)start, find what is left.

Every operation that changes a crawl row locks it first (``SELECT … FOR UPDATE``), so it is ordered
with the fenced writes of the store pipeline (`crawler.distributed.fence`).
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from xxgk.store import CRAWL_DONE, CRAWL_FAILED, Crawl, Page, Run, Site, session_factory
from xxgk.store.lifecycle import FINISHED, UNFINISHED, can_restart, fail_unfinished, restart_crawl


class CrawlBusy(Exception):
    """Another transaction holds the crawl row: a stalled attempt's batch is in flight. Try again later."""


def _lock(s: Session, crawl_id: int, nowait: bool) -> Crawl | None:
    """The crawl row, locked for this transaction; `nowait` raises `CrawlBusy` instead of waiting.

    Every fenced write of a distributed crawl holds this row lock for its whole batch, so a worker
    frozen inside a batch would otherwise block the caller (and a worker's whole reactor) until it wakes.
    """
    if not nowait or s.get_bind().dialect.name != "postgresql":
        return s.get(Crawl, crawl_id, with_for_update=True)
    try:
        return s.get(Crawl, crawl_id, with_for_update={"nowait": True})
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
            raise CrawlBusy(crawl_id) from exc
        raise


def reset_crawl(db_url: str, crawl_id: int, token: str | None = None, *, nowait: bool = False) -> bool:
    """Delete every row an earlier (killed) attempt wrote, mark the crawl pending and make `token` its owner.

    From then on only writes fenced with `token` are accepted: an earlier attempt that is still alive
    (stalled past its lease) has its batches refused. Returns False when the crawl is already finished
    (a late duplicate job): nothing to do. With `nowait`, raises `CrawlBusy` while a batch holds the row.
    """
    with session_factory(db_url).begin() as s:
        crawl = _lock(s, crawl_id, nowait)
        if crawl is None or not can_restart(crawl):
            return False
        restart_crawl(s, crawl, token)
        return True


def fail_crawl(db_url: str, crawl_id: int, reason: str, token: str | None = None, *,
               take_over: bool = False, nowait: bool = False) -> bool:
    """Mark a crawl failed unless it already finished (a crawl that died inside Scrapy).

    With `token`, only while that attempt still owns the crawl; with `take_over`, `token` becomes the
    owner first (giving up after too many attempts fences out every earlier one). False: not ours.
    `nowait` as for `reset_crawl`.
    """
    with session_factory(db_url).begin() as s:
        crawl = _lock(s, crawl_id, nowait)
        if crawl is None:
            return False
        if take_over:
            crawl.lease_token = token
        elif token is not None and crawl.lease_token != token:
            return False
        fail_unfinished(crawl, reason)
        return True


def crawl_status(db_url: str, crawl_id: int) -> tuple[str, str | None, str | None]:
    """(status, stop reason, lease token) of a crawl."""
    with session_factory(db_url).begin() as s:
        crawl = s.get(Crawl, crawl_id)
        return (crawl.status, crawl.stop_reason, crawl.lease_token) if crawl else (CRAWL_FAILED, None, None)


def run_token(db_url: str, run_id: int) -> str:
    """A name of the run that another store's run of the same id does not share (its start instant):
    crawl and run ids restart in each new database, and Redis may outlive one."""
    with session_factory(db_url).begin() as s:
        return token_of(run_id, s.get(Run, run_id))


def seeded_here(db_url: str, crawl_id: int, run_id: int, mark: str | None) -> bool:
    """Whether a queued crawl was seeded from this store (`seeded_by`, its rows read here)."""
    if mark is None or mark == "1":
        return True
    with session_factory(db_url).begin() as s:
        return seeded_by(mark, s.get(Crawl, crawl_id), run_id, s.get(Run, run_id))


def seeded_by(mark: str | None, crawl: Crawl | None, run_id: int, run: Run | None) -> bool:
    """Whether a queued crawl's seeding mark is this store's: its crawl row is of that run, and the mark
    is the run's `run_token` (None or "1": queued before marks named runs, taken as this store's)."""
    if mark is None or mark == "1":
        return True
    return crawl is not None and crawl.run_id == run_id and mark == token_of(run_id, run)


def token_of(run_id: int, run: Run | None) -> str:
    """`run_token` of a loaded run row (None: a run this store does not have)."""
    started = run.started_at.isoformat() if run is not None and run.started_at else ""
    return f"{run_id}@{started}"


def pending_crawls(db_url: str, run_id: int, by: str = "duration") -> list[tuple[int, int, str]]:
    """(crawl id, site id, url) of the run's unfinished crawls, longest first.

    `by="pages"` orders by the pages of the site's latest finished crawl only (request mode: there a
    crawl's duration is the whole run's, its sites being crawled side by side).

    Sites are ordered by how long their latest finished crawl in another run took (never crawled
    first; then by its pages), so on a re-audit the longest sites start first and the last worker does
    not finish alone on a long site (longest-processing-time-first scheduling). Time, not pages, is what
    is balanced: a small site that answers slowly or fails with retries takes longer than its pages say.
    """
    latest = (select(func.max(Crawl.id)).where(Crawl.status == CRAWL_DONE, Crawl.run_id != run_id)
              .group_by(Crawl.site_id).scalar_subquery())
    with session_factory(db_url).begin() as s:
        todo = s.execute(select(Crawl.id, Site.id, func.coalesce(Crawl.start_url, Site.url)).join(Site, Site.id == Crawl.site_id)
                         .where(Crawl.run_id == run_id, Crawl.status.in_(UNFINISHED))
                         .order_by(Crawl.id)).all()
        before = {site_id: ((end - start).total_seconds() if start and end else 0.0, pages or 0)
                  for site_id, start, end, pages in s.execute(
                      select(Crawl.site_id, Crawl.started_at, Crawl.finished_at, Crawl.pages)
                      .where(Crawl.id.in_(latest)))}
    never = (float("inf"), 0)
    if by == "pages":
        before = {site_id: (0.0, pages) for site_id, (_secs, pages) in before.items()}
    return [tuple(r) for r in sorted(todo, key=lambda r: before.get(r[1], never), reverse=True)]


def run_finished(db_url: str, run_id: int) -> tuple[int, int]:
    """(finished crawls, all crawls) of a run, in one query (a waiter polls it)."""
    finished = case((Crawl.status.in_(FINISHED), 1), else_=0)
    with session_factory(db_url)() as s:
        done, total = s.execute(select(func.coalesce(func.sum(finished), 0), func.count(Crawl.id))
                                .where(Crawl.run_id == run_id)).one()
        return int(done), int(total)


def run_progress(db_url: str, run_id: int) -> tuple[int, int, int]:
    """(finished crawls, all crawls, pages stored) of a run."""
    with session_factory(db_url).begin() as s:
        total = s.scalar(select(func.count(Crawl.id)).where(Crawl.run_id == run_id)) or 0
        done = s.scalar(select(func.count(Crawl.id)).where(
            Crawl.run_id == run_id, Crawl.status.in_(FINISHED))) or 0
        pages = s.scalar(select(func.count(Page.id)).join(Crawl, Crawl.id == Page.crawl_id)
                         .where(Crawl.run_id == run_id)) or 0
        return done, total, pages
