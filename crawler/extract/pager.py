"""Generic pager reading: 下一页/下页/尾页 links, 共N条 / 共N页 totals, numbered page links."""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector, SelectorList

from .html import absolute, clean, node_text
from .types import Pager

NEXT_WORDS = ("下一页", "下页", "后页", "下一頁", ">", "›", "»", "next")
LAST_WORDS = ("尾页", "末页", "最后一页", "last")
PAGER_WORDS = NEXT_WORDS + LAST_WORDS + ("首页", "上一页", "上页", "前页", "<", "‹", "«", "第一页")

_COUNT = re.compile(r"(?:共|总共|共计|总计|合计)\s*[:：]?\s*(\d+)\s*(?:条|个|篇|项|记录)")
_PAGES = re.compile(r"(?:共|总共|共计)\s*[:：]?\s*(\d+)\s*页")
_FRACTION = re.compile(r"(?<!\d)(\d+)\s*/\s*(\d+)(?:\s*页)?(?!\d)")


def _word(text: str) -> str:
    return clean(text).strip("[]【】<>《》 ").lower() or clean(text)


def is_next(text: str) -> bool:
    t = clean(text)
    return any(t.startswith(w) or t == w for w in NEXT_WORDS[:4]) or t.lower() in (
        "next",
        ">",
        "›",
        "»",
        ">>",
    )


def is_last(text: str) -> bool:
    return _word(text) in LAST_WORDS


def declared_count(text: str) -> int | None:
    m = _COUNT.search(text)
    return int(m.group(1)) if m else None


def declared_pages(text: str) -> int | None:
    m = _PAGES.search(text)
    if m:
        return int(m.group(1))
    return None


_PAGER_NODES = etree.XPath("//a | //span | //font | //li")
_STRING = etree.XPath("string()", smart_strings=False)


def find_pager(sel: Selector | SelectorList) -> Selector | None:
    """The smallest element holding a 下一页/尾页 control (link or disabled span). A selector list is
    read as `SelectorList.xpath` reads it: the query once per member, the results one after another."""
    members = list(sel) if isinstance(sel, SelectorList) else [sel]
    for node in (n for m in members for n in _PAGER_NODES(m.root)):
        t = clean(_STRING(node))
        if t and len(t) <= 8 and (is_next(t) or is_last(t)):
            parent = node.getparent()
            while parent is not None and len(node_text(parent)) < 12 and parent.getparent() is not None:
                parent = parent.getparent()
            return Selector(root=parent, type=members[0].type) if parent is not None else None
    return None


def generic_pager(sel: Selector, base: str) -> Pager:
    """Pager facts found by words alone (unknown CMS)."""
    pager = Pager()
    box = find_pager(sel)
    if box is None:
        text = node_text(sel)
        m = _COUNT.search(text)
        pager.declared_count = int(m.group(1)) if m and "页" in text[m.end() : m.end() + 20] else None
        return pager
    text = node_text(box)
    pager.declared_count = declared_count(text)
    pager.total_pages = declared_pages(text)
    frac = _FRACTION.search(text)
    if frac and pager.total_pages is None:
        pager.current_page, pager.total_pages = int(frac.group(1)), int(frac.group(2))
    for a in box.xpath(".//a[@href]"):
        url = absolute(base, a.attrib.get("href"))
        t = clean(a.xpath("string()").get())
        if not url or url == base:
            continue
        if is_next(t):
            pager.next_url = pager.next_url or url
            pager.page_urls.append(url)
        elif is_last(t):
            pager.last_url = url
            pager.page_urls.append(url)
        elif t.isdigit() or _word(t) in PAGER_WORDS:
            pager.page_urls.append(url)
    return pager
