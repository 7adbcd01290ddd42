"""Keep a long crawl process's resident memory near what it uses: glibc's heap handed back to the OS.

A crawl parses thousands of pages with lxml and builds and drops Scrapy requests all the time. glibc's
malloc keeps the freed memory of those small blocks in its heap (and one heap per thread that ever
allocated), so a process's RSS climbs to its busiest moment and stays there, although Python and
libxml2 freed it. `malloc_trim(0)` returns every free page of every heap to the kernel, and capping
the heaps at two stops thread pools (Twisted's DNS and database threads) from each growing their own.
Both are glibc calls through ctypes; elsewhere (musl, macOS) they are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

M_ARENA_MAX = -8  # mallopt parameter of glibc's malloc.h
TRIM_EVERY_S = 5.0


def _libc() -> Any | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim, libc.mallopt  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc()


def limit_arenas(n: int = 2) -> bool:
    """Cap glibc's malloc at `n` heaps for the threads started from now on; False when not glibc."""
    return bool(_LIBC is not None and _LIBC.mallopt(M_ARENA_MAX, n))


def trim() -> bool:
    """Hand every free heap page back to the OS; True when glibc released some memory."""
    return bool(_LIBC is not None and _LIBC.malloc_trim(0))


def trim_periodically(every_s: float = TRIM_EVERY_S) -> Any:
    """Start a Twisted LoopingCall trimming the heap every `every_s` seconds (on the running reactor);
    the caller stops it when the crawl ends. A trim walks the heap once: a few ms for ~200 MB."""
    from twisted.internet.task import LoopingCall

    call = LoopingCall(trim)
    call.start(every_s, now=False)
    return call
