"""The audit side of a distributed crawl: seed a run's crawls into the queue and wait for them.

Mode "request" (the default) seeds each crawl's start task into the shared request queue
(`rqueue`); mode "site" queues whole site crawls (`queue.JobQueue`). The workers must run the same mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from crawler.distributed.queue import Job, JobQueue
from crawler.distributed.rqueue import RequestQueue
from crawler.distributed.store_ops import pending_crawls, run_finished, run_progress, run_token

log = logging.getLogger(__name__)




def seed_run(redis_url: str, db_url: str, run_id: int, namespace: str = "xxgk", mode: str = "request") -> int:
    """Queue every unfinished crawl of the run (once each); returns how many were queued."""
    n = 0
    token = run_token(db_url, run_id)  # tells this store's crawl 1 from another's left in Redis
    if mode == "request":
        rqueue = RequestQueue(redis_url, namespace)
        idle = not any(rqueue.pending())  # before this run adds its own entries
        for crawl_id, _site_id, _url in pending_crawls(db_url, run_id, by="pages"):  # largest site first
            n += rqueue.seed(crawl_id, run_id, token, replace_stale=idle)
        return n
    queue = JobQueue(redis_url, namespace)
    idle = queue.idle()
    for crawl_id, site_id, url in pending_crawls(db_url, run_id):
        n += queue.push(Job(crawl_id=crawl_id, run_id=run_id, site_id=site_id, url=url), token, replace_stale=idle)
    return n


def wait_run(redis_url: str, db_url: str, run_id: int, *, namespace: str = "xxgk", poll: float = 1.0,
             progress: Callable[[str, dict], None] | None = None, timeout: float | None = None,
             lease_seconds: float = 30.0, mode: str = "request", idle_warn: float = 60.0) -> None:
    """Block until every crawl of the run is done or failed.

    `progress` gets ("page", {"n": k}) for k new pages and ("site_done", {}) per finished site, so the
    CLI's progress bar works as in a local audit. Dead workers' jobs are re-queued while waiting. When
    work is queued but no worker holds any of it for `idle_warn` seconds, a warning says so (once per
    such stretch): workers may be started later, so waiting goes on, but never in silence.
    """
    queue = RequestQueue(redis_url, namespace, lease_seconds) if mode == "request" else JobQueue(
        redis_url, namespace, lease_seconds)
    seen_done, seen_pages = 0, 0
    t0 = time.monotonic()
    next_reap = t0
    idle_since: float | None = None
    warned = False
    while True:
        if time.monotonic() >= next_reap:  # a lease lasts lease_seconds: no need to look every poll
            next_reap = time.monotonic() + max(poll, lease_seconds / 10)
            if isinstance(queue, RequestQueue):
                if queue.reap():
                    log.warning("re-queued requests of a worker that stopped renewing their leases")
            else:
                for job in queue.reap():
                    log.warning("re-queued crawl %s (attempt %s)", job.crawl_id, job.attempt)
        if progress is None:  # one cheap query; pages are only counted for a progress bar
            (done, total), pages = run_finished(db_url, run_id), 0
        else:
            done, total, pages = run_progress(db_url, run_id)
        if progress is not None:
            for _ in range(max(0, pages - seen_pages)):
                progress("page", {})
            for _ in range(max(0, done - seen_done)):
                progress("site_done", {})
        seen_done, seen_pages = max(seen_done, done), max(seen_pages, pages)
        if done >= total:
            return
        busy = queue.pending()[1] if isinstance(queue, RequestQueue) else queue.counts()["processing"]
        now = time.monotonic()
        if busy:
            idle_since, warned = None, False
        elif idle_since is None:
            idle_since = now
        elif not warned and now - idle_since >= idle_warn:
            warned = True
            log.warning("run %s: %d of %d sites wait, and no worker has taken any work for %.0f s; start "
                        "`xxgk worker --redis … --db …` with the same namespace (%s)", run_id, total - done, total,
                        now - idle_since, namespace)
        if timeout is not None and time.monotonic() - t0 > timeout:
            raise TimeoutError(f"run {run_id}: {total - done} of {total} sites still crawling after {timeout:.0f} s")
        time.sleep(poll)
