"""Store rows built from the spider's records: the one mapping both record writers use.

The local store pipeline (`crawler.pipelines`, aggregates in memory, writes in batches) and the
request-mode writer (`crawler.distributed.rwriter`, upserts per request, aggregates in Redis) differ only
in where they keep what spans many records. What a record means for a row is decided here, once:
`route` sends each of the seven record kinds to the writer's `on_<kind>` method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session

from crawler import records
from crawler.extract.article import completed, is_truncated
from crawler.extract.types import ListItem
from xxgk.store import shared_rows, utcnow

LINK_BATCH = 5000
SCANNED_BODY_CHARS = 50  # an item whose article has less text than this and a scanned file is image-only


class RecordWriter(Protocol):
    """What a writer does with each record kind."""

    def on_page(self, rec: records.PageRecord) -> None: ...
    def on_column(self, rec: records.ColumnRecord) -> None: ...
    def on_list(self, rec: records.ListRecord) -> None: ...
    def on_article(self, rec: records.ArticleRecord) -> None: ...
    def on_attachment(self, rec: records.AttachmentRecord) -> None: ...
    def on_title(self, rec: records.ItemTitle) -> None: ...
    def on_info(self, rec: records.CrawlInfo) -> None: ...


class ItemContent(Protocol):
    """What the item rules read and change: an ORM `Item`, or the store pipeline's `site_items.ItemRow`."""

    title: str
    published: dt.date | None
    meta: dict[str, Any]
    attachments: list[Any]
    unit: str | None
    article_date: dt.date | None
    body_chars: int | None
    image_only: bool


_METHODS = {records.PageRecord: "on_page", records.ColumnRecord: "on_column", records.ListRecord: "on_list",
            records.ArticleRecord: "on_article", records.AttachmentRecord: "on_attachment",
            records.ItemTitle: "on_title", records.CrawlInfo: "on_info"}


def route(writer: RecordWriter, rec: Any) -> None:
    """Hand a record to the writer's method for its kind (anything else is not a record: ignored)."""
    method = _METHODS.get(type(rec))
    if method is not None:
        getattr(writer, method)(rec)


# ---- one row per record ---------------------------------------------------------------------------


def page_row(crawl_id: int, rec: records.PageRecord) -> dict[str, Any]:
    """The `pages` row of a fetched (or failed) URL."""
    return {"crawl_id": crawl_id, "url": rec.url, "status": rec.status, "error": rec.error,
            "content_type": rec.content_type, "size": rec.size, "sha256": rec.sha256, "kind": rec.kind,
            "restricted": rec.restricted, "render": rec.render, "depth": rec.depth, "title": rec.title,
            "text_chars": rec.text_chars, "image_only": rec.image_only, "evidence_ref": rec.evidence_ref,
            "payload_warc": rec.payload_warc, "payload_ref": rec.payload_ref, "fetched_at": utcnow()}


def column_row(crawl_id: int, rec: records.ColumnRecord) -> dict[str, Any]:
    """The `columns` row of a newly found column (its aggregates are filled at the crawl's end)."""
    return {"crawl_id": crawl_id, "key": rec.key, "name": rec.name, "url": rec.url, "path": rec.path,
            "depth": rec.depth, "offsite": rec.offsite, "status": rec.status, "status_detail": rec.status_detail,
            "kind": rec.kind or ("group" if rec.url is None else None), "unit": rec.unit, "item_count": 0,
            "list_pages": 0, "has_content": False}


def column_update(rec: records.ColumnRecord) -> dict[str, Any]:
    """What a later record of a known column changes: its status always, kind and unit when it names them."""
    changes: dict[str, Any] = {"status": rec.status, "status_detail": rec.status_detail}
    if rec.kind:
        changes["kind"] = rec.kind
    if rec.unit:
        changes["unit"] = rec.unit
    return changes


def column_kind(kind: str | None, listed: bool, has_content: bool) -> str | None:
    """A column's kind once its pages were read: a list when any page listed items or had a list area,
    else content when one had body text; a kind the tree gave (group, ...) is kept."""
    if kind is not None and kind not in ("list", "content"):
        return kind
    return "list" if listed else ("content" if has_content else kind)


def item_row(crawl_id: int, it: ListItem) -> dict[str, Any]:
    """The `items` row of an item read from a list page (its column id is set by the writer)."""
    return {"crawl_id": crawl_id, "title": it.title, "url": it.url, "published": it.date, "meta": {},
            "attachments": []}


def article_fields(rec: records.ArticleRecord) -> dict[str, Any]:
    """What of an article page is kept to apply to its items (not its text or bytes)."""
    return {"title": rec.title, "date": rec.date, "meta": dict(rec.meta), "unit": rec.unit,
            "body_chars": rec.body_chars, "image_only": rec.image_only}


def apply_article(row: ItemContent, art: records.ArticleRecord) -> None:
    """What an item's article page says, onto its row: the full title when the list cut it, the
    article date when it differs from the list's, metadata, unit, body size, image-only."""
    if art.title and is_truncated(row.title):
        row.title = completed(row.title, art.title)
    if art.date and art.date != row.published:
        row.article_date = art.date
    row.meta = dict(art.meta)
    row.unit = art.unit or row.unit
    row.body_chars = art.body_chars
    row.image_only = bool(art.image_only or row.image_only)


def apply_title(row: ItemContent, title: str) -> None:
    """The full title read from the item's article page, when the list cut it off."""
    row.title = completed(row.title, title)


def attachment_entry(rec: records.AttachmentRecord) -> dict[str, Any]:
    """An attachment as its item's `attachments` list holds it."""
    entry: dict[str, Any] = {"url": rec.url, "name": rec.name, "type": rec.type, "status": rec.status,
                             "text_chars": rec.text_chars, "scanned": rec.scanned}
    if rec.error:
        entry["error"] = rec.error
    return entry


def add_attachment(row: ItemContent, entry: dict[str, Any]) -> None:
    """An attachment onto its item (once per URL); a scanned file makes an item without text image-only."""
    if all(a.get("url") != entry["url"] for a in row.attachments or []):
        row.attachments = [*(row.attachments or []), entry]
    if entry.get("scanned") and (row.body_chars or 0) < SCANNED_BODY_CHARS:
        row.image_only = True


def article_document(crawl_id: int, rec: records.ArticleRecord) -> dict[str, Any] | None:
    """The `documents` row of an article page read for its content (an annual report), else None."""
    if not rec.annual_report:
        return None
    return {"crawl_id": crawl_id, "url": rec.url, "doc_type": "html", "title": rec.title, "text": rec.text,
            "tables": [], "role": "annual_report", "content_type": rec.content_type, "sha256": rec.sha256,
            "body": rec.raw}


def attachment_document(crawl_id: int, rec: records.AttachmentRecord) -> dict[str, Any] | None:
    """The `documents` row of a fetched attachment, else None (no answer, or an HTTP error)."""
    if rec.status is None or rec.status >= 400:
        return None
    return {"crawl_id": crawl_id, "url": rec.url, "doc_type": rec.type, "title": rec.name, "text": rec.text,
            "tables": [], "role": rec.role, "content_type": rec.content_type, "sha256": rec.sha256,
            "body": rec.body}


def insert_links(session: Session, crawl_id: int, links: Sequence[dict[str, Any]]) -> None:
    """The crawl's checked links (the spider's `link_rows`), in batches, each content stored once
    across crawls (`xxgk.store.shared_rows`)."""
    for i in range(0, len(links), LINK_BATCH):
        shared_rows.insert_links(session, crawl_id, links[i: i + LINK_BATCH])
