"""Crawl a run's sites in several worker processes, all writing the same store.

One Python process parses on one core, and the portal spider is CPU-bound on fast portals (lxml,
adapters, WARC, store rows), so `crawler.runner` starts one worker per core. Each worker is its
own Scrapy process (`crawler.feeder.crawl_sites`) taking the next site from a shared counter over
the job list (biggest sites first) whenever one of its slots frees, so workers finish together.
The unit of work is the site, as in the distributed crawler: a spider's state is per site.

- Store: every worker writes its own short batched transactions (SQLite WAL + busy timeout).
- Progress: workers send ("page" / "site_done", data) through a queue; the coordinator calls the
  caller's callback, so the CLI progress bar works unchanged.
- Signals: workers run in their own process group, so a Ctrl-C reaches only the coordinator, which
  forwards one signal per signal it gets: the first stops every worker gracefully (running sites
  end "interrupted"), the second at once — as in a single Scrapy process.
- A killed coordinator takes its workers with it (Linux parent-death signal), so a SIGKILLed audit
  leaves nothing running that could write after `--resume` starts.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import queue
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.feeder import SiteJob
from xxgk.cores import usable_cores
from xxgk.settings import CrawlSettings

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


def worker_count(n_sites: int, crawl: CrawlSettings) -> int:
    """Worker processes for a run: the `workers` setting, else one per core, never more than sites."""
    wanted = crawl.workers or usable_cores()
    return max(1, min(wanted, n_sites))


def run_workers(
    jobs: list[SiteJob],
    *,
    workers: int,
    settings: dict[str, Any],
    run_id: int,
    crawl: CrawlSettings,
    store_dir: Path,
    slots: int,
    progress: Callable[[str, dict], None] | None = None,
) -> bool:
    """Crawl `jobs` in `workers` processes; blocks until all have exited. True if a signal stopped it."""
    ctx = mp.get_context("spawn")  # a fresh interpreter: no inherited reactor, engine or threads
    counter = ctx.Value("i", 0)
    events = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker_main,
            name=f"xxgk-crawl-{i}",
            args=(os.getpid(), jobs, counter, events, settings, run_id, crawl, str(store_dir), slots,
                  progress is not None),
        )
        for i in range(workers)
    ]
    got = {"signals": 0}

    def forward(signum: int, _frame: Any) -> None:
        got["signals"] += 1
        for p in procs:
            if p.pid is not None and p.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p.pid, signum)

    old: dict[int, Any] = {}
    with contextlib.suppress(ValueError):  # not the main thread: the caller handles signals
        old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for p in procs:
            p.start()
        while any(p.is_alive() for p in procs):
            _pump(events, progress, timeout=0.2)
        while _pump(events, progress, timeout=0.05):
            pass
        for p in procs:
            p.join()
            if p.exitcode:
                log.warning("crawl worker %s exited with code %s", p.name, p.exitcode)
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        events.close()
    return bool(got["signals"])


def _pump(events: Any, progress: Callable[[str, dict], None] | None, timeout: float) -> bool:
    """Hand one queued worker event to `progress`; False when none came within `timeout`."""
    try:
        event, data = events.get(timeout=timeout)
    except queue.Empty:
        return False
    if progress is not None:
        try:
            progress(event, data)
        except Exception:  # a broken progress callback must not stop the crawl
            log.exception("progress callback failed")
    return True


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this worker when the coordinator dies (a killed audit stops whole)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # it died before prctl took effect
        os._exit(1)


def _worker_main(parent_pid: int, jobs: list[SiteJob], counter: Any, events: Any, settings: dict[str, Any],
                 run_id: int, crawl: CrawlSettings, store_dir: str, slots: int, want_progress: bool) -> None:
    """One worker process: crawl sites from the shared job list until none is left."""
    _die_with_parent(parent_pid)
    os.setpgrp()  # signals come from the coordinator only (one per Ctrl-C), not from the terminal
    from crawler.feeder import crawl_sites

    def next_job() -> SiteJob | None:
        if os.getppid() != parent_pid:  # coordinator gone (non-Linux: no parent-death signal)
            return None
        with counter.get_lock():
            i = counter.value
            if i >= len(jobs):
                return None
            counter.value = i + 1
        return jobs[i]

    def progress(event: str, data: dict) -> None:
        events.put((event, data))

    crawl_sites(settings, next_job, run_id=run_id, crawl=crawl, store_dir=Path(store_dir), slots=slots,
                progress=progress if want_progress else None)
    events.close()
    events.join_thread()
