"""Store writes of request-level distributed crawls: idempotent per request, aggregated once at the end.

`write_records` writes what one request's callback yielded in one transaction, before the request is
committed in Redis; every write is an upsert on a unique key (pages (crawl_id, url), columns
(crawl_id, key), items (column_id, url), documents (crawl_id, url)), so a request re-delivered after
its worker died creates no duplicate. What the local pipeline aggregates in memory (a column's list
pages, declared count, content flag; article data joined to items; documents joined to items; CMS
votes; facts) goes to the crawl's Redis keys as buffered ops, and `finalize` turns it into rows once,
when the crawl's last request is done.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crawler.distributed.crawlstate import SharedState
from crawler.extract.article import completed
from crawler.pipelines import apply_article
from crawler.records import (
    ArticleRecord,
    AttachmentRecord,
    ColumnRecord,
    CrawlInfo,
    ItemTitle,
    ListRecord,
    PageRecord,
)
from xxgk.store import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_RUNNING,
    Column,
    Crawl,
    Document,
    Item,
    Link,
    Page,
    utcnow,
)


def _insert(session: Session, table: Any) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def open_crawl(session: Session, crawl_id: int, warc_path: str | None) -> None:
    """Start task: the crawl is running (idempotent)."""
    crawl = session.get(Crawl, crawl_id)
    if crawl.status != CRAWL_RUNNING:
        crawl.status = CRAWL_RUNNING
        crawl.started_at = utcnow()
    crawl.error = None
    crawl.warc_path = warc_path


def _column_id(session: Session, crawl_id: int, key: str, cache: dict[tuple[int, str], int]) -> int | None:
    cid = cache.get((crawl_id, key))
    if cid is None:
        cid = session.scalar(select(Column.id).where(Column.crawl_id == crawl_id, Column.key == key))
        if cid is not None:
            cache[(crawl_id, key)] = cid
    return cid


def write_records(session: Session, state: SharedState, crawl_id: int, records: Iterable[Any],
                  col_ids: dict[tuple[int, str], int]) -> None:
    """Write one request's records (upserts) and buffer its aggregates in `state` (Redis ops)."""
    key = state.key
    pages: list[dict[str, Any]] = []
    for rec in records:
        if isinstance(rec, PageRecord):
            pages.append({"crawl_id": crawl_id, "url": rec.url, "status": rec.status, "error": rec.error,
                          "content_type": rec.content_type, "size": rec.size, "sha256": rec.sha256,
                          "kind": rec.kind, "restricted": rec.restricted, "render": rec.render,
                          "depth": rec.depth, "title": rec.title, "text_chars": rec.text_chars,
                          "image_only": rec.image_only, "evidence_ref": rec.evidence_ref, "fetched_at": utcnow()})
        elif isinstance(rec, ColumnRecord):
            _column(session, crawl_id, rec)
        elif isinstance(rec, ListRecord):
            column_id = _column_id(session, crawl_id, rec.column_key, col_ids)
            if column_id is None:  # its column's request has not committed: cannot happen by construction
                raise LookupError(f"crawl {crawl_id}: no column row for {rec.column_key!r}")
            _list(session, state, crawl_id, rec, column_id)
        elif isinstance(rec, ArticleRecord):
            slim = {"title": rec.title, "date": rec.date.isoformat() if rec.date else None, "meta": rec.meta,
                    "unit": rec.unit, "body_chars": rec.body_chars, "image_only": rec.image_only}
            state.ops.append(["HSET", key("articles"), rec.url, json.dumps(slim, ensure_ascii=False)])
            if rec.annual_report:
                _document(session, state, crawl_id, rec.url, rec.url, doc_type="html", title=rec.title,
                          text=rec.text, role="annual_report", content_type=rec.content_type,
                          sha256=rec.sha256, body=rec.raw)
        elif isinstance(rec, AttachmentRecord):
            entry: dict[str, Any] = {"url": rec.url, "name": rec.name, "type": rec.type, "status": rec.status,
                                     "text_chars": rec.text_chars, "scanned": rec.scanned}
            if rec.error:
                entry["error"] = rec.error
            state.ops.append(["RPUSH", key("atts"), json.dumps([rec.item_url, entry], ensure_ascii=False)])
            if rec.status is not None and rec.status < 400:
                _document(session, state, crawl_id, rec.url, rec.item_url, doc_type=rec.type, title=rec.name,
                          text=rec.text, role=rec.role, content_type=rec.content_type, sha256=rec.sha256,
                          body=rec.body)
        elif isinstance(rec, ItemTitle):
            state.ops.append(["HSET", key("titles"), rec.url, rec.title])
        elif isinstance(rec, CrawlInfo):
            if rec.portal_url:
                state.ops.append(["HSET", key("m"), "info_portal_url", rec.portal_url])
            if rec.cms:
                state.ops.append(["HSET", key("m"), "portal_cms", rec.cms])
            for name, value in rec.facts.items():
                state.ops.append(["HSET", key("pfacts"), name, json.dumps(value, ensure_ascii=False)])
    if pages:
        session.execute(_insert(session, Page).on_conflict_do_nothing(index_elements=["crawl_id", "url"]), pages)


def _column(session: Session, crawl_id: int, rec: ColumnRecord) -> None:
    stmt = _insert(session, Column).values(
        crawl_id=crawl_id, key=rec.key, name=rec.name, url=rec.url, path=rec.path, depth=rec.depth,
        offsite=rec.offsite, status=rec.status, status_detail=rec.status_detail,
        kind=rec.kind or ("group" if rec.url is None else None), unit=rec.unit, item_count=0, list_pages=0,
        has_content=False)
    ex = stmt.excluded
    session.execute(stmt.on_conflict_do_update(
        index_elements=["crawl_id", "key"],
        set_={"status": ex.status, "status_detail": ex.status_detail,
              "kind": func.coalesce(ex.kind, Column.kind), "unit": func.coalesce(ex.unit, Column.unit)}))


def _list(session: Session, state: SharedState, crawl_id: int, rec: ListRecord, column_id: int) -> None:
    key, ck = state.key, rec.column_key
    if rec.cms:
        state.ops.append(["HINCRBY", key("cms"), rec.cms, 1])
    if rec.counts_as_page and (rec.found or rec.items):
        state.ops.append(["SADD", key("cpages:" + ck), rec.page_url])
    if rec.declared_count is not None:
        state.ops.append(["HSETNX", key("declared"), ck, rec.declared_count])
    if rec.has_content:
        state.ops.append(["SADD", key("content"), ck])
    if rec.found or rec.items:
        state.ops.append(["SADD", key("found"), ck])
    if rec.total_pages:
        state.ops.append(["ZADD", key("apipages"), "GT", rec.total_pages, ck])
    rows, seen = [], set()
    for it in rec.items:
        if it.url in seen:
            continue
        seen.add(it.url)
        rows.append({"column_id": column_id, "crawl_id": crawl_id, "title": it.title, "url": it.url,
                     "published": it.date, "meta": {}, "attachments": []})
    if rows:
        session.execute(_insert(session, Item).on_conflict_do_nothing(index_elements=["column_id", "url"]), rows)


def _document(session: Session, state: SharedState, crawl_id: int, url: str, item_url: str | None,
              **values: Any) -> None:
    session.execute(_insert(session, Document).values(crawl_id=crawl_id, url=url, tables=[], **values)
                    .on_conflict_do_nothing(index_elements=["crawl_id", "url"]))
    if item_url:
        state.ops.append(["HSETNX", state.key("docitem"), url, item_url])


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
    session.execute(delete(Link).where(Link.crawl_id == crawl_id))
    links = spider.link_rows()
    for i in range(0, len(links), 5000):
        session.execute(insert(Link), [{"crawl_id": crawl_id, **row} for row in links[i: i + 5000]])
    _finalize_crawl(session, spider, hash_of)


def _finalize_columns(session: Session, spider: Any, hash_of: Any) -> None:
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
        if col.kind is None or col.kind in ("list", "content"):
            col.kind = "list" if (n or key in found) else ("content" if col.has_content else col.kind)


def _finalize_items(session: Session, crawl_id: int, articles: dict[str, str], titles: dict[str, str],
                    atts: list[list[Any]]) -> None:
    by_item: dict[str, list[dict[str, Any]]] = {}
    for item_url, entry in atts:
        by_item.setdefault(item_url, []).append(entry)
    urls = set(articles) | set(titles) | set(by_item)
    if not urls:
        return
    for row in session.scalars(select(Item).where(Item.crawl_id == crawl_id, Item.url.in_(urls))):
        if row.url in articles:
            art = json.loads(articles[row.url])
            raw_date = art.pop("date", None)
            date = dt.date.fromisoformat(raw_date) if raw_date else None
            apply_article(row, ArticleRecord(url=row.url, date=date, **art))
        if row.url in titles:
            row.title = completed(row.title, titles[row.url])
        entries: list[dict[str, Any]] = []
        for entry in by_item.get(row.url, []):
            if all(a.get("url") != entry["url"] for a in entries):
                entries.append(entry)
            if entry.get("scanned") and (row.body_chars or 0) < 50:
                row.image_only = True
        if entries:
            row.attachments = entries


def _finalize_crawl(session: Session, spider: Any, hash_of: Any) -> None:
    crawl_id = spider.crawl_id
    meta = hash_of("m")
    failed, stop_reason = meta.get("failed"), meta.get("stop_reason")
    status = CRAWL_FAILED if failed else CRAWL_DONE
    stop = failed or stop_reason or "finished"
    crawl = session.get(Crawl, crawl_id)
    crawl.status = status
    crawl.finished_at = utcnow()
    crawl.error = failed or None
    crawl.stop_reason = stop
    crawl.portal_url = meta.get("info_portal_url") or crawl.portal_url
    crawl.pages = session.scalar(select(func.count(Page.id)).where(Page.crawl_id == crawl_id)) or 0
    crawl.browser_pages = session.scalar(select(func.count(Page.id)).where(
        Page.crawl_id == crawl_id, Page.render == "browser")) or 0
    facts = dict(crawl.facts or {})
    facts.update({k: json.loads(v) for k, v in hash_of("pfacts").items()})
    facts.update(spider.site_facts())
    crawl.facts = facts
    votes = sorted(((int(v), k) for k, v in hash_of("cms").items()), key=lambda kv: -kv[0])
    names = [name for _, name in votes if name != "generic"]
    crawl.cms = names[0] if names else (meta.get("portal_cms") or ("generic" if votes else None))
