"""Generic dated-list reader: rows (li / tr / dd) holding a title link and a nearby date.

Used by the generic adapter and as the fallback of the CMS adapters. The list is the
group of sibling rows with the most dated links, so nav blocks (no dates) never win.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from lxml import etree
from parsel import Selector, SelectorList

from .dates import parse_date
from .html import absolute, clean, node_text
from .types import ListItem

_ROW_XPATH = (
    "//li[.//a[@href]] | //tr[.//a[@href]] | //dd[.//a[@href]] | //p[.//a[@href]][not(ancestor::li or ancestor::tr)]"
    # rows drawn as plain divs (`div.row > em + a`): leaf divs only, outside li / tr / p rows
    " | //div[.//a[@href]][not(.//div or .//li or .//tr or .//p)][not(ancestor::li or ancestor::tr or ancestor::p)]"
)


_ROWS = etree.XPath(_ROW_XPATH)
_ROW_INSIDE = etree.XPath("boolean(.//li | .//tr)")  # a container row, not a leaf row
_IN_SCRIPT = etree.XPath("boolean(ancestor::*[self::script or self::noscript])")
_LINKS = etree.XPath(".//a[@href]")
_REST = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::a)]", smart_strings=False)
_INLINE = etree.XPath(".//span | .//em | .//i | .//font")


def link_title(a: Selector | etree._Element) -> str:
    """A link's title: the full `@title` when present (lists cut titles with ...), else its text."""
    title = clean(a.attrib.get("title"))
    return title or node_text(a)


def row_item(row: Selector, base: str, *, year: int | None = None) -> ListItem | None:
    """Read one row: the longest-texted link is the title, the date comes from the rest of the row."""
    return _row_item(row.root, base, year)


def _row_item(row: etree._Element, base: str, year: int | None) -> ListItem | None:
    """`row_item` on the lxml element (compiled XPaths: this runs for every row of every list page)."""
    links = [(url, link_title(a), a) for a in _LINKS(row) if (url := absolute(base, a.get("href")))]
    if not links:
        return None
    url, title, a = max(links, key=lambda x: len(x[1]))  # the first of the longest titles
    if not title:
        return None
    rest = clean(" ".join(_REST(row)))
    date = parse_date(rest, year=year)
    if date is None:
        # date printed inside the link, after the title (<a>title<span>2024-05-01</span></a>)
        for s in _INLINE(a):
            date = parse_date(node_text(s), year=year)
            if date:
                title = clean(a.get("title")) or clean(node_text(a).replace(node_text(s), ""))
                break
    return ListItem(title=title, url=url, date=date)


def dated_items(sel: Selector | SelectorList, base: str, *, year: int | None = None,
                min_rows: int = 1) -> list[ListItem]:
    """Items of the biggest group of sibling rows that carry dates; [] when there is none. A selector
    list is read as `SelectorList.xpath` reads it (the query per member, results one after another)."""
    groups: dict[object, list[ListItem]] = defaultdict(list)
    members = list(sel) if isinstance(sel, SelectorList) else [sel]
    for row in (r for m in members for r in _ROWS(m.root)):
        if _ROW_INSIDE(row) or _IN_SCRIPT(row):
            continue
        item = _row_item(row, base, year)
        if item is None or item.date is None:
            continue
        parent = row.getparent()
        if row.tag == "tr" and parent is not None and parent.tag == "tbody":
            parent = parent.getparent()
        groups[parent].append(item)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= min_rows else []


def dedupe(items: list[ListItem]) -> list[ListItem]:
    """Drop repeated URLs, keeping the first occurrence."""
    seen: set[str] = set()
    out = []
    for it in items:
        if it.url not in seen:
            seen.add(it.url)
            out.append(it)
    return out


def newest(items: list[ListItem]) -> dt.date | None:
    dates = [i.date for i in items if i.date]
    return max(dates) if dates else None
