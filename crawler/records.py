"""Records the spider yields and the store pipeline writes (Scrapy accepts dataclass items)."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extract.types import ListItem


@dataclass
class PageRecord:
    """A fetched (or failed) URL."""

    url: str
    status: int | None
    kind: str  # home | portal | list | article | other
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    error: str | None = None
    restricted: str | None = None


@dataclass
class CrawlInfo:
    """Crawl-level facts learned on the way: the 信息公开 entry and the CMS."""

    portal_url: str | None = None
    cms: str | None = None


@dataclass
class ColumnRecord:
    """A column found in a nav tree, or a status update for one already recorded (same key)."""

    key: str
    name: str
    url: str | None
    parent_key: str | None
    path: str
    depth: int
    offsite: bool = False
    status: str = "ok"
    status_detail: str | None = None


@dataclass
class ListRecord:
    """One fetched page of a column: its items, what its pager declares, or its body text."""

    column_key: str
    page_url: str
    items: list[ListItem] = field(default_factory=list)
    found: bool = True  # list area present
    declared_count: int | None = None
    has_content: bool = False
    cms: str | None = None


@dataclass
class ItemTitle:
    """The full title of an item whose list title was cut off, read from its article page."""

    column_key: str
    url: str
    title: str
