"""Dates attached to links, whatever the row markup: the home page's "newest information" reader.

A home page shows its newest items in blocks of any shape — `li`, table rows, `dd`, plain `div`s,
`p`s, a `div` row holding a title `div` and a date `div`. Rather than trusting one element type, each
title link is given the date printed closest to it: the text of its smallest enclosing element that
holds no other title link. Dates elsewhere (a 今天是… banner, a copyright line) are not attached to a
link and are never read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parsel import Selector

from .dates import looks_like_date, parse_date
from .html import absolute, clean

_MAX_CLIMB = 4  # a row is rarely more than four elements above its title link
_MIN_TITLE = 4  # "更多", "首页", ">>" are not items
_LINK_TEXT = ".//text()[not(ancestor::script) and not(ancestor::style)]"


@dataclass(frozen=True)
class LinkDate:
    """A title link and the date printed beside it."""

    url: str
    title: str
    date: dt.date


def _title(a) -> str:  # noqa: ANN001 - lxml element
    return clean(a.get("title") or "".join(a.itertext()))


def link_dates(sel: Selector, base: str) -> list[LinkDate]:
    """Every title link of the page with the date beside it (links without one are left out)."""
    root = sel.root
    links = [a for a in root.iter("a") if a.get("href") and len(_title(a)) >= _MIN_TITLE]
    titled = set(map(id, links))
    out: list[LinkDate] = []
    for a in links:
        url = absolute(base, a.get("href"))
        if not url:
            continue
        date, title = _date_in_link(a), _title(a)
        if date is None and looks_like_date(a.tail):  # <a>title</a> 2024-05-01: the text right after it
            date = parse_date(a.tail)
        node = a
        for _ in range(_MAX_CLIMB):
            if date is not None:
                break
            node = node.getparent()
            if node is None or node.tag in ("body", "html"):
                break
            if any(id(x) in titled and x is not a for x in node.iter("a")):
                break  # the element holds another item: its dates may be that item's
            date = parse_date(_text_outside(node, a))
        if date is not None:
            out.append(LinkDate(url, title, date))
    return out


def newest_link_date(sel: Selector, base: str, *, not_after: dt.date) -> dt.date | None:
    """The newest date beside a title link, ignoring dates after `not_after` (typos, far-future events)."""
    dates = [d.date for d in link_dates(sel, base) if d.date <= not_after]
    return max(dates, default=None)


def _date_in_link(a) -> dt.date | None:  # noqa: ANN001
    """A date printed inside the link in its own element (<a>title <span>2024-05-01</span></a>); the
    title's own words are not read, since titles often name dates (关于2024年5月1日起施行…)."""
    for child in a.iter("span", "em", "i", "font", "time"):
        date = parse_date(clean("".join(child.itertext())))
        if date is not None:
            return date
    return None


def title_links(sel: Selector, base: str, limit: int) -> list[str]:
    """The first `limit` distinct URLs of the page's title links (what the page offers as items)."""
    out: list[str] = []
    for a in sel.root.iter("a"):
        url = absolute(base, a.get("href")) if a.get("href") else None
        if url and url not in out and len(_title(a)) >= _MIN_TITLE:
            out.append(url)
            if len(out) >= limit:
                break
    return out


def _text_outside(node, a) -> str:  # noqa: ANN001
    """`node`'s text without the text of link `a` (whose title may itself hold digits like 2024-05)."""
    parts = []
    for t in node.xpath(_LINK_TEXT):
        owner = t.getparent()
        # a tail text (<a>…</a> 2024-05-01) lies after its owner element, not inside it
        below_a = any(anc is a for anc in owner.iterancestors())
        inside = below_a or (owner is a and not t.is_tail)
        if not inside:
            parts.append(t)
    return " ".join(parts)
