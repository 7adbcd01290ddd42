"""Store writes of request-level distributed crawls: idempotent per request, aggregated once at the end.

`write_records` writes what one request's callback yielded in one transaction, before the request is
committed in Redis; every write is an upsert on a unique key (pages (crawl_id, url), columns
(crawl_id, key), items (column_id, url) and their shared contents (hash), documents (crawl_id, url)),
so a request re-delivered after its worker died creates no duplicate. What the local pipeline aggregates in memory (a column's list
pages, declared count, content flag; article data joined to items; documents joined to items; CMS
votes; facts) goes to the crawl's Redis keys as buffered ops, and `finalize` turns it into rows once,
when the crawl's last request is done. The rows themselves are built by `crawler.rows`, as the local
pipeline builds them; the crawl row's status and verdict are `xxgk.store.lifecycle`'s.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crawler import records, rows
from crawler.distributed.crawlstate import SharedState
from crawler.extract.items import dedupe
from xxgk.store import Column, Crawl, Document, Item, Page, shared_rows
from xxgk.store.blobs import document_row
from xxgk.store.lifecycle import finish_crawl_row, start_crawl


def _insert(session: Session, table: Any) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def open_crawl(session: Session, crawl_id: int, warc_path: str | None) -> None:
    """Start task: the crawl is running (idempotent)."""
    start_crawl(session.get(Crawl, crawl_id), warc_path)


def write_records(session: Session, state: SharedState, crawl_id: int, recs: Iterable[Any],
                  col_ids: dict[tuple[int, str], int]) -> None:
    """Write one request's records (upserts) and buffer its aggregates in `state` (Redis ops)."""
    writer = _RequestWriter(session, state, crawl_id, col_ids)
    for rec in recs:
        if not isinstance(rec, records.ColumnRecord):
            writer.write_columns()  # a later record may need a column of this request by id
        rows.route(writer, rec)
    writer.write_columns()
    if writer.pages:
        session.execute(_insert(session, Page).on_conflict_do_nothing(index_elements=["crawl_id", "url"]),
                        writer.pages)


class _RequestWriter:
    """One request's records: rows upserted at once, aggregates buffered as Redis ops."""

    def __init__(self, session: Session, state: SharedState, crawl_id: int,
                 col_ids: dict[tuple[int, str], int]) -> None:
        self.session, self.state, self.crawl_id, self.col_ids = session, state, crawl_id, col_ids
        self.key = state.key
        self.pages: list[dict[str, Any]] = []
        self.columns: dict[str, dict[str, Any]] = {}  # key → the row its records so far make

    def _op(self, *op: Any) -> None:
        self.state.ops.append(list(op))

    def on_page(self, rec: records.PageRecord) -> None:
        self.pages.append(rows.page_row(self.crawl_id, rec))

    def on_column(self, rec: records.ColumnRecord) -> None:
        """A column's row, upserted with the request's other columns (`write_columns`). A second record
        of a key in one request merges into the first as its upsert would update it: status and detail
        from the later record, kind and unit from the later one when it names them."""
        row = rows.column_row(self.crawl_id, rec)
        first = self.columns.get(rec.key)
        if first is None:
            self.columns[rec.key] = row
            return
        first["status"], first["status_detail"] = row["status"], row["status_detail"]
        for name in ("kind", "unit"):
            if row[name] is not None:
                first[name] = row[name]

    def write_columns(self) -> None:
        """Upsert the columns collected so far in one statement (an existing row keeps its kind and unit
        unless the record names them)."""
        if not self.columns:
            return
        stmt = _insert(self.session, Column)
        ex = stmt.excluded
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["crawl_id", "key"],
            set_={"status": ex.status, "status_detail": ex.status_detail,
                  "kind": func.coalesce(ex.kind, Column.kind), "unit": func.coalesce(ex.unit, Column.unit)}),
            list(self.columns.values()))
        self.columns = {}

    def on_list(self, rec: records.ListRecord) -> None:
        column_id = self._column_id(rec.column_key)
        if column_id is None:  # its column's request has not committed: cannot happen by construction
            raise LookupError(f"crawl {self.crawl_id}: no column row for {rec.column_key!r}")
        key, ck = self.key, rec.column_key
        if rec.cms:
            self._op("HINCRBY", key("cms"), rec.cms, 1)
        if rec.counts_as_page and (rec.found or rec.items):
            self._op("SADD", key("cpages:" + ck), rec.page_url)
        if rec.declared_count is not None:
            self._op("HSETNX", key("declared"), ck, rec.declared_count)
        if rec.has_content:
            self._op("SADD", key("content"), ck)
        if rec.found or rec.items:
            self._op("SADD", key("found"), ck)
        if rec.total_pages:
            self._op("ZADD", key("apipages"), "GT", rec.total_pages, ck)
        items = [{**rows.item_row(self.crawl_id, it), "column_id": column_id}
                 for it in dedupe(rec.items)]
        shared_rows.insert_items(self.session, items)

    def on_article(self, rec: records.ArticleRecord) -> None:
        fields = rows.article_fields(rec)
        fields["date"] = rec.date.isoformat() if rec.date else None
        self._op("HSET", self.key("articles"), rec.url, json.dumps(fields, ensure_ascii=False))
        self._document(rows.article_document(self.crawl_id, rec), rec.url)

    def on_attachment(self, rec: records.AttachmentRecord) -> None:
        entry = rows.attachment_entry(rec)
        self._op("RPUSH", self.key("atts"), json.dumps([rec.item_url, entry], ensure_ascii=False))
        self._document(rows.attachment_document(self.crawl_id, rec), rec.item_url)

    def on_title(self, rec: records.ItemTitle) -> None:
        self._op("HSET", self.key("titles"), rec.url, rec.title)

    def on_info(self, rec: records.CrawlInfo) -> None:
        if rec.portal_url:
            self._op("HSET", self.key("m"), "info_portal_url", rec.portal_url)
        if rec.cms:
            self._op("HSET", self.key("m"), "portal_cms", rec.cms)
        for name, value in rec.facts.items():
            self._op("HSET", self.key("pfacts"), name, json.dumps(value, ensure_ascii=False))

    def _column_id(self, key: str) -> int | None:
        cid = self.col_ids.get((self.crawl_id, key))
        if cid is None:
            cid = self.session.scalar(select(Column.id).where(Column.crawl_id == self.crawl_id, Column.key == key))
            if cid is not None:
                self.col_ids[(self.crawl_id, key)] = cid
        return cid

    def _document(self, doc: dict[str, Any] | None, item_url: str | None) -> None:
        if doc is None:
            return
        self.session.execute(_insert(self.session, Document).values(**document_row(self.session, doc))
                             .on_conflict_do_nothing(index_elements=["crawl_id", "url"]))
        if item_url:
            self._op("HSETNX", self.key("docitem"), doc["url"], item_url)


# ---- end of the crawl ------------------------------------------------------------------------------


def finalize(session: Session, spider: Any) -> None:
    """Once, when the crawl's last request is done: columns' aggregates and tree, items joined with
    their articles, documents with their items, links, and the crawl row's verdict."""
    r, st, crawl_id = spider.state.r, spider.state, spider.crawl_id

    def hash_of(name: str) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in r.hgetall(st.key(name)).items()}

    _finalize_columns(session, spider, hash_of)
    _finalize_items(session, crawl_id, hash_of("articles"), hash_of("titles"),
                    [json.loads(x) for x in r.lrange(st.key("atts"), 0, -1)])
    for url, item_url in hash_of("docitem").items():
        item_id = session.scalar(select(func.min(Item.id)).where(Item.crawl_id == crawl_id, Item.url == item_url))
        session.execute(update(Document).where(Document.crawl_id == crawl_id, Document.url == url)
                        .values(item_id=item_id))
    shared_rows.delete_links(session, [crawl_id])
    rows.insert_links(session, crawl_id, spider.link_rows())
    meta = hash_of("m")
    finish_crawl_row(session, session.get(Crawl, crawl_id), failed=meta.get("failed"),
                     stop_reason=meta.get("stop_reason"),
                     facts={**{k: json.loads(v) for k, v in hash_of("pfacts").items()}, **spider.site_facts()},
                     cms_votes={k: int(v) for k, v in hash_of("cms").items()}, portal_cms=meta.get("portal_cms"),
                     portal_url=meta.get("info_portal_url"))


def _finalize_columns(session: Session, spider: Any, hash_of: Callable[[str], dict[str, str]]) -> None:
    r, st, crawl_id = spider.state.r, spider.state, spider.crawl_id
    cols = {c.key: c for c in session.scalars(select(Column).where(Column.crawl_id == crawl_id))}
    recs = {k: json.loads(v) for k, v in hash_of("cols").items()}
    declared = hash_of("declared")
    content = {m.decode() for m in r.smembers(st.key("content"))}
    found = {m.decode() for m in r.smembers(st.key("found"))}
    api = {k.decode(): int(v) for k, v in r.zrange(st.key("apipages"), 0, -1, withscores=True)}
    stats = {cid: (n, newest) for cid, n, newest in session.execute(
        select(Item.column_id, func.count(Item.id), func.max(Item.published))
        .where(Item.crawl_id == crawl_id).group_by(Item.column_id))}
    for key, col in cols.items():
        rec = recs.get(key) or {}
        parent = cols.get(rec.get("parent_key") or "")
        col.parent_id = parent.id if parent is not None else None
        n, newest = stats.get(col.id, (0, None))
        col.item_count = n
        col.newest_date = newest
        col.list_pages = max(int(r.scard(st.key("cpages:" + key))), api.get(key, 0))
        col.declared_count = int(declared[key]) if key in declared else None
        col.has_content = key in content
        col.kind = rows.column_kind(col.kind, bool(n or key in found), col.has_content)


def _finalize_items(session: Session, crawl_id: int, articles: dict[str, str], titles: dict[str, str],
                    atts: list[list[Any]]) -> None:
    by_item: dict[str, list[dict[str, Any]]] = {}
    for item_url, entry in atts:
        by_item.setdefault(item_url, []).append(entry)
    urls = set(articles) | set(titles) | set(by_item)
    if not urls:
        return
    changed: dict[int, dict[str, Any]] = {}
    for row in session.scalars(select(Item).where(Item.crawl_id == crawl_id, Item.url.in_(urls))):
        session.expunge(row)  # its content row may be shared: changes go to the item's own content
        if row.url in articles:
            art = json.loads(articles[row.url])
            raw_date = art.pop("date", None)
            date = dt.date.fromisoformat(raw_date) if raw_date else None
            rows.apply_article(row, records.ArticleRecord(url=row.url, date=date, **art))
        if row.url in titles:
            rows.apply_title(row, titles[row.url])
        for entry in by_item.get(row.url, []):
            rows.add_attachment(row, entry)
        changed[row.id] = {name: getattr(row, name) for name in shared_rows.ITEM_FIELDS}
    shared_rows.set_item_contents(session, changed)
