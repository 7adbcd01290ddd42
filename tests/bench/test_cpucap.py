"""bench.cpucap: a capped group holds a busy process at its quota, an uncapped one does not, and closing
puts the processes back and removes the groups (needs a writable cgroup CPU controller: root)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.cpucap import CapError, CpuGroups

BUSY = "while True: pass"


def _groups() -> CpuGroups:
    try:
        return CpuGroups("test")
    except CapError as exc:
        pytest.skip(f"no writable cgroup CPU controller here: {exc}")


def test_a_capped_busy_process_is_held_at_its_quota_and_an_uncapped_one_is_not() -> None:
    groups = _groups()
    procs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(2)]
    try:
        groups.group("capped", 0.05)
        groups.group("free", None)
        groups.place("capped", procs[0].pid)
        groups.place("free", procs[1].pid)
        before = groups.throttled("capped"), groups.throttled("free")
        time.sleep(1.0)
        after = groups.throttled("capped"), groups.throttled("free")
        paths = [groups.parent, *groups.groups.values()]
    finally:
        groups.close()
        for p in procs:
            p.kill()
            p.wait()
    capped_periods, capped_held = (a - b for a, b in zip(after[0], before[0], strict=True))
    assert capped_periods > 0 and capped_held > capped_periods / 2  # a busy loop hits a 5 % quota every period
    assert after[1][1] == before[1][1] == 0  # no quota: never held
    assert not any(Path(p).exists() for p in paths)
