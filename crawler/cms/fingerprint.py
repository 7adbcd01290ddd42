"""Fingerprint scoring shared by the CMS adapters: weighted patterns, each checked cheaply.

`detect` runs every adapter's patterns over every page; most patterns are absent from most
pages, so each pattern's leading literal is looked up with `in` (a fast substring search) before
the regular expression runs. The score is the same as summing `re.search` hits.
"""

from __future__ import annotations

import re

_META = set("\\.^$*+?{}[]()|")


def _leading_literal(pattern: str) -> str:
    """The plain characters a match must start with ('' when the pattern starts with syntax)."""
    out = []
    for i, ch in enumerate(pattern):
        if ch in _META:
            if ch in "*+?{" and out:  # the last literal is optional or repeated
                out.pop()
            break
        out.append(ch)
        if i + 1 < len(pattern) and pattern[i + 1] in "*?{" and out:
            out.pop()
            break
    return "".join(out)


class Fingerprint:
    """Weighted patterns of one CMS family; calling it scores a page."""

    def __init__(self, patterns: tuple[tuple[str, int], ...], flags: int = 0) -> None:
        self.ignore_case = bool(flags & re.I)
        self.rules = []
        for pat, weight in patterns:
            lit = _leading_literal(pat)
            self.rules.append((lit.lower() if self.ignore_case else lit, re.compile(pat, flags), weight))

    def __call__(self, html: str) -> int:
        text = html.lower() if self.ignore_case else html
        return sum(w for lit, rx, w in self.rules if (not lit or lit in text) and rx.search(html))
