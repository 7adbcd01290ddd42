"""Records the spider yields and the store pipeline writes (Scrapy accepts dataclass items)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.types import ListItem


@dataclass
class PageRecord:
    """A fetched (or failed) URL."""

    url: str
    status: int | None
    kind: str  # home | portal | list | article | attachment | other
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    error: str | None = None
    restricted: str | None = None
    render: str = "http"
    depth: int | None = None
    title: str | None = None
    text_chars: int | None = None
    image_only: bool = False
    evidence_ref: str | None = None
    payload_warc: str | None = None  # set when evidence_ref is a revisit record: where the body is
    payload_ref: str | None = None


@dataclass
class CrawlInfo:
    """Crawl-level facts learned on the way: the 信息公开 entry, the CMS, site facts."""

    portal_url: str | None = None
    cms: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


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
    kind: str | None = None
    unit: str | None = None


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
    counts_as_page: bool = True  # False for data-API batches (they are not list pages)
    total_pages: int | None = None  # pages the list has when read through a data API


@dataclass
class ItemTitle:
    """The full title of an item whose list title was cut off, read from its article page."""

    column_key: str
    url: str
    title: str


@dataclass
class ArticleRecord:
    """What an item's article page says (applies to every item with this URL)."""

    url: str
    title: str | None = None
    date: dt.date | None = None
    meta: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    body_chars: int | None = None
    image_only: bool = False
    annual_report: bool = False
    text: str | None = None  # body text, kept for annual reports
    raw: bytes | None = None  # raw page, kept for annual reports
    content_type: str | None = None
    sha256: str | None = None


@dataclass
class AttachmentRecord:
    """A file linked from an article, fetched and read."""

    item_url: str
    url: str
    name: str
    type: str
    status: int | None = None
    error: str | None = None
    text: str | None = None
    text_chars: int = 0
    scanned: bool = False
    role: str = "attachment"  # attachment | annual_report
    content_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    body: bytes | None = None  # raw bytes, kept for annual reports
