"""Spider callbacks that run to their end before Scrapy sees any of their output.

Scrapy drains a callback's generator cooperatively: one output at a time, with other responses'
callbacks run in between. A callback that registers columns as it yields them would let a page read
meanwhile see half the portal's tree, and then the order pages happen to arrive in decides where a
column sits (a sidebar column placed under the first page that listed it instead of at the top level
the portal's nav gives it). A settled callback makes every change to the crawl's state before its
first output is handed on, so each page is read against the whole of what the pages before it found.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any


def settled(callback: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
    """`callback`, its output collected whole (a list) before it is returned."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> list[Any]:
        return list(callback(*args, **kwargs))

    return run


__all__ = ["settled"]
