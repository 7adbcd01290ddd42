"""glibc's free heap pages go back to the OS, so a long crawl's RSS follows what it holds."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler import heap

pytestmark = pytest.mark.skipif(heap._LIBC is None, reason="not glibc: trimming is a no-op here")

# A child process, so the test's own heap (and pytest's) does not blur the figures: ~150 MB of small
# blocks, every 50th kept alive so the freed ones are holes glibc cannot give back by shrinking the
# heap's top; then RSS before and after one trim.
CHILD = """
import psutil, sys
from crawler import heap
blocks = [bytes(700) for _ in range(200_000)]
keep = blocks[::50]
del blocks
before = psutil.Process().memory_info().rss
released = heap.trim()
after = psutil.Process().memory_info().rss
print(before, after, int(released), len(keep))
"""


def test_a_trim_gives_freed_small_blocks_back():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True).stdout
    before, after, released, _ = (int(x) for x in out.split())
    assert released == 1
    assert before - after > 50 * 2**20, (before >> 20, after >> 20)


def test_trimming_runs_every_period_until_stopped():
    from twisted.internet import task

    clock = task.Clock()
    calls = []
    orig = task.LoopingCall.__init__

    def with_clock(self, f, *a, **kw):
        orig(self, lambda: calls.append(f()), *a, **kw)
        self.clock = clock

    try:
        task.LoopingCall.__init__ = with_clock
        call = heap.trim_periodically(5.0)
    finally:
        task.LoopingCall.__init__ = orig
    clock.advance(4.9)
    assert calls == []
    clock.advance(0.2)
    clock.advance(5.0)
    assert len(calls) == 2
    call.stop()
    clock.advance(20)
    assert len(calls) == 2


def test_heaps_are_capped():
    assert heap.limit_arenas(2) is True
