"""Scoring a large run on every core: batches of sites judged in worker processes.

Each site's checks read only that site's committed crawl rows, so sites are independent: worker
processes (spawned, never forked, so no SQLite connection crosses a fork) each open their own
connection, judge a batch of crawls and hand back its finding and score rows plus the coverage
figures that changed. The caller writes them in its own transaction, batch by batch and in crawl
order, so the findings (and their ids) are those a single process would write.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scoring.schema import Rubric
from xxgk.cores import usable_cores
from xxgk.store.session import read_only_engine, shared_url

PARALLEL_MIN_SITES = 400  # below this, starting the processes costs more than it saves
MAX_PROCESSES = 8


@dataclass
class ScoredBatch:
    """What a worker hands back for a batch of crawls."""

    findings: list[tuple] = field(default_factory=list)  # `scoring.engine.FINDING_COLUMNS` cells
    scores: list[dict] = field(default_factory=list)
    coverage: dict[int, dict] = field(default_factory=dict)  # crawl id → coverage figures, when changed


def scoring_processes(session: Session, processes: int | None, n_sites: int) -> int:
    """How many processes to score with: `processes` when given, else every core for a large run."""
    if processes is not None:
        return max(1, processes) if shared_url(session) else 1
    if n_sites < PARALLEL_MIN_SITES or shared_url(session) is None:
        return 1
    return max(1, min(usable_cores(), MAX_PROCESSES))


BatchJudge = Callable[..., tuple[list[tuple], list[dict]]]


def scored_batches(session: Session, rubric: Rubric, batches: list[list[int]], as_of: dt.date,
                   processes: int, judge: BatchJudge,
                   meanwhile: Callable[[], None] | None = None) -> Iterator[ScoredBatch]:
    """Judge the batches in `processes` worker processes; yields their results in batch order.

    `judge(session, rubric, crawl_ids, matcher, as_of)` gives a batch's finding and score rows
    (`scoring.engine.score_batch`, handed in so this module does not import the engine). `meanwhile`
    runs in this process once the batches are handed out, before the first result is yielded: the
    caller's own work (deleting the run's old findings) then overlaps the workers' start-up.
    """
    url = shared_url(session)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(processes, len(batches)) or 1, mp_context=ctx,
                             initializer=_start_worker, initargs=(url, rubric, as_of, judge)) as pool:
        results = pool.map(_score_in_worker, batches)  # every batch submitted now
        if meanwhile is not None:
            meanwhile()
        yield from results


_WORKER: dict[str, object] = {}


def _start_worker(url: str, rubric: Rubric, as_of: dt.date, judge: BatchJudge) -> None:
    from scoring.match import Matcher

    factory = sessionmaker(read_only_engine(url), expire_on_commit=False, autoflush=False)
    _WORKER.update(factory=factory, rubric=rubric, as_of=as_of, matcher=Matcher(rubric), judge=judge)


def _score_in_worker(crawl_ids: list[int]) -> ScoredBatch:
    """One batch, read in a fresh session that is rolled back (the caller does every write)."""
    from xxgk.store import Crawl

    factory = _WORKER["factory"]
    # no autoflush (see _start_worker): the coverage a check measures is the caller's to write
    session: Session = factory()  # type: ignore[operator]
    try:
        crawls = list(session.scalars(select(Crawl).where(Crawl.id.in_(crawl_ids))))
        before = {c.id: c.coverage for c in crawls}
        findings, scores = _WORKER["judge"](session, _WORKER["rubric"], crawl_ids, _WORKER["matcher"],  # type: ignore[arg-type]
                                       _WORKER["as_of"])  # type: ignore[arg-type]
        changed = {c.id: c.coverage for c in crawls if c.coverage != before[c.id]}
        return ScoredBatch(findings, scores, changed)
    finally:
        session.rollback()
        session.close()
