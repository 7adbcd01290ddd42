"""Plain data types passed between extractors, adapters and the spider."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ListItem:
    """One entry of a column's list: title, absolute URL and listed date."""

    title: str
    url: str
    date: dt.date | None = None


@dataclass
class NavNode:
    """A column (栏目) link in a nav tree; `url=None` for a group header without a link."""

    name: str
    url: str | None
    children: list[NavNode] = field(default_factory=list)
    fetch: bool = True  # False: the URL names the column but has no list of its own (gkmlpt groups)

    def walk(self) -> list[NavNode]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Pager:
    """What a list page's pager says: totals and where the other pages are."""

    declared_count: int | None = None  # 共N条 / Total record / countnum
    total_pages: int | None = None
    current_page: int | None = None  # 1-based
    per_page: int | None = None
    next_url: str | None = None
    last_url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # every other page that can be named


@dataclass
class ListPage:
    """A parsed list page: the list area (if any), its items and its pager."""

    found: bool  # a list area was recognised (even with zero items)
    items: list[ListItem] = field(default_factory=list)
    pager: Pager = field(default_factory=Pager)
    calls: list[ApiCall] = field(default_factory=list)  # data requests for the rest of the list
    render: bool = False  # this page's list is filled by script: read it rendered
    render_pages: list[str] = field(default_factory=list)  # further list pages that only a browser can read
    render_reason: str | None = None
    virtual_pages: int | None = None  # pages the list has when its data comes in batches (Hanweb, gkmlpt)


@dataclass
class ApiCall:
    """A data request an adapter wants made instead of (or besides) a page: Hanweb dataproxy,
    gkmlpt JSON. `state` travels with the call back to the adapter's `parse_api`."""

    url: str
    method: str = "GET"
    form: dict[str, str] | None = None
    state: dict = field(default_factory=dict)
