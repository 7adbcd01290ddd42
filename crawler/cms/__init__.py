"""CMS adapters and the registry that picks one by markup/URL fingerprint (never by labels).

A new CMS family is one module with an adapter class plus one entry in `ADAPTERS`.
"""

from __future__ import annotations

from .empire import EmpireAdapter
from .generic import GenericAdapter
from .gkmlpt import GkmlptAdapter
from .hanweb import HanwebAdapter
from .trs import TrsAdapter
from .trsdyn import TrsDynAdapter
from .vsb import VsbAdapter
from .webplus import WebPlusAdapter

ADAPTERS: list[GenericAdapter] = [
    VsbAdapter(),
    WebPlusAdapter(),
    TrsAdapter(),
    EmpireAdapter(),
    HanwebAdapter(),
    TrsDynAdapter(),
    GkmlptAdapter(),
]
GENERIC = GenericAdapter()
MIN_SCORE = 3


def detect(html: str, url: str = "") -> GenericAdapter:
    """The adapter whose fingerprint scores highest (at least MIN_SCORE), else the generic one."""
    best, score = GENERIC, 0
    for adapter in ADAPTERS:
        s = adapter.fingerprint(html, url)
        if s > score:
            best, score = adapter, s
    return best if score >= MIN_SCORE else GENERIC


# The adapters with an article reader of their own; every other adapter reads articles as the generic one.
_OWN_ARTICLE = [a for a in ADAPTERS if type(a).article is not GenericAdapter.article]


def article_adapter(html: str, url: str = "") -> GenericAdapter:
    """An adapter whose `article` reads the page as `detect(html, url).article` would: the full
    detection only runs when an adapter with its own article reader could win it."""
    if all(a.fingerprint(html, url) < MIN_SCORE for a in _OWN_ARTICLE):
        return GENERIC
    return detect(html, url)


def by_name(name: str) -> GenericAdapter:
    for adapter in [*ADAPTERS, GENERIC]:
        if adapter.name == name:
            return adapter
    raise KeyError(name)


__all__ = ["ADAPTERS", "GENERIC", "GenericAdapter", "article_adapter", "by_name", "detect"]
