"""Where a newly found column sits: from the page's breadcrumb, its URL's place under a known
column's URL, the li nesting it was found in, or the page that links to it — in that order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from xxgk.namenorm import normalize

_EXT = re.compile(r"(?:/(?:index|default|main|list))?(?:_\d+)?\.(?:s?html?|jsp|php|aspx?)$", re.I)


@lru_cache(maxsize=16384)
def url_stem(url: str) -> str:
    """A column URL as a folder: `/xxgklm1/jbxx.htm` → `/xxgklm1/jbxx/`, `/a/b/index.html` → `/a/b/`."""
    parts = urlsplit(url)
    path = _EXT.sub("", parts.path)
    if not path.endswith("/"):
        path += "/"
    return f"{parts.netloc.lower()}{path}"


def url_parent(url: str, known: Mapping[str, str]) -> str | None:
    """The key of the known column whose URL folder most deeply contains `url` (None: no such)."""
    own = url_stem(url)
    best, best_len = None, 0
    for col_url, key in known.items():
        stem = url_stem(col_url)
        if own != stem and own.startswith(stem) and len(stem) > best_len and stem.count("/") > 1:
            best, best_len = key, len(stem)
    return best


def under(url: str, parent_url: str) -> bool:
    """True when `url` sits in the folder of `parent_url` (and is not the same page)."""
    own, stem = url_stem(url), url_stem(parent_url)
    return own != stem and own.startswith(stem) and stem.count("/") > 1


def crumb_parent(crumbs: list[str], name: str, names: Mapping[str, str]) -> str | None:
    """The key of the column the breadcrumb names just above the page's own entry (None: unknown)."""
    own = normalize(name)
    trail = [normalize(c) for c in crumbs]
    if trail and trail[-1] == own:
        trail = trail[:-1]
    for crumb in reversed(trail):
        if crumb in names:
            return names[crumb]
    return None


__all__ = ["crumb_parent", "under", "url_parent", "url_stem"]
