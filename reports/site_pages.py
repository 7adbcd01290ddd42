"""Write the site pages (sites/site-N.html), in one forked process per core when the run is large.

Every site page is independent and rendering them is most of a national report's time. Workers are
forked, so they share the report already in memory (frames, evidence index, compiled templates)
instead of pickling it; each renders a contiguous slice of the sites, so the files are the same
bytes whichever process writes them. Where fork is unavailable, or the run is small, pages are
rendered here.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from pathlib import Path

from xxgk.cores import usable_cores

PARALLEL_SITES = 400  # below this, starting workers costs more than it saves
_RENDER: Callable[[int], Path] | None = None  # render site i, for the forked workers


def _render_slice(bounds: tuple[int, int]) -> list[str]:
    assert _RENDER is not None
    return [str(_RENDER(i)) for i in range(*bounds)]


def forking_pays(count: int) -> bool:
    """Whether work over `count` sites is worth forked processes: a large run, several cores, and fork."""
    return (count >= PARALLEL_SITES and usable_cores() >= 2
            and "fork" in multiprocessing.get_all_start_methods())


def workers_for(count: int) -> int:
    """How many worker processes render `count` site pages (0: render them in this process)."""
    return usable_cores() if forking_pays(count) else 0


def write_pages(render: Callable[[int], Path], count: int, batch: int = 1) -> list[Path]:
    """Call `render(i)` for each site index 0..count-1 (it writes page i and returns its path), in order.

    `batch`: slices are whole multiples of it, so sites read from the store a batch at a time
    (reports.finding_rows) are read by one worker only."""
    workers = workers_for(count)
    if not workers:
        return [render(i) for i in range(count)]
    global _RENDER
    step = max(1, -(-count // (workers * 4)))  # a few slices per worker, so a slow one is shared out
    step = max(batch, round(step / batch) * batch)
    slices = [(start, min(start + step, count)) for start in range(0, count, step)]
    _RENDER = render
    gc.freeze()  # the report built so far is the workers' for good: their collections need not walk it
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_render_slice, slices)
    finally:
        gc.unfreeze()
        _RENDER = None
    return [Path(p) for part in done for p in part]
