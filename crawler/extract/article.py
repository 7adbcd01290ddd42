"""Article-page reading needed by v1: the full title, to complete titles a list cut off with "..."."""

from __future__ import annotations

import re

from parsel import Selector

from .html import clean, node_text

_CUT = re.compile(r"(?:\.{2,}|…+|．{2,}|。{3})\s*$")


def is_truncated(title: str) -> bool:
    """True when a list shows a cut-off title ("…的通知（202..." / "…")."""
    return bool(_CUT.search(title))


def stem(title: str) -> str:
    return _CUT.sub("", title).strip()


def article_title(sel: Selector) -> str | None:
    """Full title: `<meta name="ArticleTitle">`, else the article heading, else the `<title>` before its separator."""
    meta = clean(
        sel.xpath("//meta[translate(@name,'ARTICLETITLE','articletitle')='articletitle']/@content").get()
    )
    if meta:
        return meta
    for css in (
        "h1.arti_title",
        ".content-title h1",
        "h1.content_title",
        ".article h1",
        "h1",
        ".arti_title",
        "h2",
    ):
        found = sel.css(css)
        if found and node_text(found[0]):
            return node_text(found[0])
    title = clean(sel.xpath("//title").xpath("string()").get())
    return re.split(r"\s*[-_|—]\s*", title)[0] if title else None


def completed(listed: str, full: str | None) -> str:
    """The full title when it extends the listed prefix, else the listed title unchanged."""
    if not full:
        return listed
    prefix = stem(listed)
    return full if prefix and clean(full).startswith(prefix) else listed
