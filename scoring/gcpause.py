"""Judging a batch without Python's cyclic garbage collector.

A batch holds hundreds of thousands of container objects (its crawl rows, matches, finding rows), and
the matcher's word dictionary stays alive beside them. Each automatic full collection walked all of
them again: measured, about half of a batch's CPU time. Scoring makes almost no reference cycles
(about one unreachable object per site, from the database layer), and reference counting frees
everything else, so the collector is paused while a batch is judged or written and runs again after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, restoring it (when it was on) afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
