"""Entry point the CLI calls: crawl every pending `Crawl` row of a run (in worker processes)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crawler.extract.html import is_loopback
from crawler.feeder import SiteJob, crawl_sites
from crawler.parallel import run_workers, worker_count
from crawler.settings import build_settings, sites_at_once
from xxgk.config import store_dir_for
from xxgk.settings import RUN_CONFIG_KEY, CrawlSettings
from xxgk.store import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_PENDING,
    CRAWL_RUNNING,
    Crawl,
    Run,
    Site,
    session_factory,
)
from xxgk.store.lifecycle import INTERRUPTED, can_resume, fail_unfinished

log = logging.getLogger(__name__)


def run_crawl(
    db_url: str,
    run_id: int,
    *,
    limits: CrawlSettings | Mapping[str, Any] | None = None,
    progress: Callable[[str, dict], None] | None = None,
    resume: bool = False,
    store_dir: Path | str | None = None,
) -> bool:
    """Crawl the run's pending sites; blocks until they are done. Returns True when a signal stopped it.

    `limits` are the crawl settings (`CrawlSettings`, or a mapping of them); None takes the ones
    stored with the run. Sites are crawled by `workers` processes (default one per core, `crawler.parallel`),
    each running `sites_at_once` site crawls at a time and starting the next site as one ends,
    biggest sites first; with one worker the crawl runs in this process, whose Scrapy reactor can
    start only once (the CLI calls this once per process; tests use a subprocess). Results go to
    the store; `progress` gets ("page", {site_id, url}) per fetched page and ("site_done",
    {site_id, status}) per site. Ctrl-C stops the running sites gracefully ("interrupted") and
    starts no new ones. `resume=True` also takes the run's crawls that were interrupted (Ctrl-C or
    a killed process): responses already in their WARC files are replayed instead of fetched again
    and the columns/items are rebuilt, so nothing is lost or duplicated. WARC files go to
    `<store_dir>/warc/run-<id>/site-<id>.warc.gz` (the `warc` setting turns them off).
    """
    crawl = CrawlSettings.coerce(limits) if limits is not None else _stored_settings(db_url, run_id)
    jobs = _jobs(db_url, run_id, crawl, resume)
    if not jobs:
        log.info("run %s: no pending crawls", run_id)
        return False
    loopback = all(is_loopback(job.url) for job in jobs) and not crawl.loopback_polite
    slots = sites_at_once(crawl, loopback=loopback)
    settings = build_settings(crawl, loopback=loopback, sites=min(slots, len(jobs)))
    settings["XXGK_DB_URL"] = db_url
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    base = Path(store_dir) if store_dir else store_dir_for(db_url)
    workers = worker_count(len(jobs), crawl)
    common = dict(run_id=run_id, crawl=crawl, store_dir=base, slots=slots, progress=progress)
    if workers > 1:
        interrupted = run_workers(jobs, workers=workers, settings=settings, **common)
    else:
        pending = iter(jobs)
        interrupted = crawl_sites(settings, lambda: next(pending, None), **common)
    _fail_unfinished(db_url, [job.crawl_id for job in jobs], interrupted)
    return interrupted


def _stored_settings(db_url: str, run_id: int) -> CrawlSettings:
    """The crawl settings the run was created with."""
    with session_factory(db_url)() as s:
        run = s.get(Run, run_id)
        return CrawlSettings.of_run(run.config if run is not None else None, run_id=run_id)


def _jobs(db_url: str, run_id: int, crawl: CrawlSettings, resume: bool) -> list[SiteJob]:
    """The run's crawls to do (recording in the run the settings it had not stored), biggest sites first."""
    factory = session_factory(db_url)
    wanted = [CRAWL_PENDING] + ([CRAWL_RUNNING, CRAWL_FAILED] if resume else [])
    with factory.begin() as s:
        rows = s.execute(
            select(Crawl.id, Site.id, func.coalesce(Crawl.start_url, Site.url), Crawl.status, Crawl.stop_reason)
            .join(Site, Site.id == Crawl.site_id)
            .where(Crawl.run_id == run_id, Crawl.status.in_(wanted))
            .order_by(Crawl.id)
        ).all()
        rows = [r for r in rows if can_resume(r[3], r[4])]  # a failed site only when cut short, not down
        run = s.get(Run, run_id)
        if run is not None:
            config = dict(run.config or {})
            config[RUN_CONFIG_KEY] = {**crawl.model_dump(), **(config.get(RUN_CONFIG_KEY) or {})}
            run.config = config
        sizes = dict(
            s.execute(
                select(Crawl.site_id, func.max(Crawl.pages))
                .where(Crawl.site_id.in_([r[1] for r in rows]), Crawl.status == CRAWL_DONE,
                       Crawl.run_id != run_id)
                .group_by(Crawl.site_id)
            ).all()
        )
    jobs = [SiteJob(crawl_id, site_id, url, status != CRAWL_PENDING) for crawl_id, site_id, url, status, _ in rows]
    # never-crawled sites first (their size is unknown), then by the pages of their last crawls,
    # so a big portal does not start last and leave one worker finishing alone
    return sorted(jobs, key=lambda j: (j.site_id in sizes, -(sizes.get(j.site_id) or 0)))


def _fail_unfinished(db_url: str, crawl_ids: list[int], interrupted: bool = False) -> None:
    """A crawl still pending/running after the crawl stopped died inside Scrapy (or a worker), or
    was stopped or never started because of Ctrl-C / SIGTERM: mark it failed ("error" / "interrupted";
    both resumable)."""
    with session_factory(db_url).begin() as s:
        for crawl in s.scalars(select(Crawl).where(Crawl.id.in_(crawl_ids))):
            if crawl.status == CRAWL_PENDING and interrupted:
                fail_unfinished(crawl, "interrupted before this site was crawled", INTERRUPTED)
            elif interrupted:  # a worker the signal reached before its crawler could stop gracefully
                fail_unfinished(crawl, "interrupted while this site was crawled", INTERRUPTED)
            else:
                fail_unfinished(crawl, "the crawler stopped before finishing this site")
