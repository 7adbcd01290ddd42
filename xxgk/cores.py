"""How many cores this process may run on: the CPU affinity mask (a container's or `taskset`'s
limit), not the machine's count, so worker pools are not sized for cores the process cannot use.

A leaf module (standard library only): the crawler, scoring and reports size their pools with it.
"""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may be scheduled on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity call on this platform
        return os.cpu_count() or 1
