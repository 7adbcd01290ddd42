"""One site's item rows while it is crawled: rows not yet written in memory, written ones by id only.

A deep site lists tens of thousands of items, and many sites are in flight at once, so what a site
keeps per item must not grow with what the item says. A row is built when its list page is read and
written at the store pipeline's next flush; from then on only its id is kept, by URL. An article
page, attachment or full title that arrives for a written item is kept as a change until the next
flush, which reads those few rows back, changes them by `crawler.rows`' rules and writes them in one
executemany. An article is kept (as a few pickled fields) for the whole crawl: its URL may still be
listed in another column, whose row must get the article too.

Rows are written with Core, one INSERT executemany a table a flush instead of two ORM statements per
item, each with its own (unshared) content row as the ORM wrote it; the crawl's end interns the
contents (`xxgk.store.shared_rows.share_item_contents`).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from crawler import records, rows
from crawler.extract.types import ListItem
from xxgk.store.models import item_contents, item_rows
from xxgk.store.shared_rows import CHUNK, ITEM_FIELDS, content_fields

ARTICLE_FIELDS = ("title", "date", "meta", "unit", "body_chars", "image_only")  # `rows.article_fields`, in order
WRITE_CHUNK = 1000  # rows an executemany: a chunk's parameters at a time, not a whole batch's
Change = tuple[Callable[[Any, Any], None], Any]  # a `rows` rule and its argument


class ItemRow:
    """An item's row in memory: where it is listed and its content fields (what `rows`' rules change)."""

    __slots__ = ("column_key", "url", *ITEM_FIELDS)

    def __init__(self, column_key: str | None, url: str, **content: Any) -> None:
        self.column_key = column_key
        self.url = url
        for name in ITEM_FIELDS:
            setattr(self, name, content.get(name))

    def content(self) -> dict[str, Any]:
        """The `item_contents` fields of the row."""
        return {name: getattr(self, name) for name in ITEM_FIELDS}


def new_row(column_key: str, it: ListItem) -> ItemRow:
    """The row of an item read from a list page, as `rows.item_row` builds it."""
    fields = rows.item_row(0, it)  # the crawl id goes on the row when it is written
    return ItemRow(column_key, it.url, **content_fields(ITEM_FIELDS, fields))  # unset fields at their defaults


def inserted_ids(conn: Connection, table: Table, params: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows into `table` (executemany); their ids, in the order of `params`.

    PostgreSQL returns them in parameter order in batches (RETURNING). SQLite's RETURNING is ordered only
    one row a statement, and a multi-row INSERT is a new prepared statement for every row count (which its
    driver caches); but SQLite numbers the rows one writer inserts in order (the next rowid is the largest
    plus one, and the transaction holds the write lock), so its ids are the last `len(params)` ones.
    """
    if conn.dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(statement, params).scalars())
    conn.execute(insert(table), params)
    last = conn.scalar(select(func.max(table.c.id)))
    return list(range(last - len(params) + 1, last + 1))


class SiteItems:
    """The item rows of one crawl: listed, changed by later records, written at each flush."""

    def __init__(self, crawl_id: int) -> None:
        self.crawl_id = crawl_id
        self.pending: list[ItemRow] = []
        self.pending_by_url: dict[str, list[ItemRow]] = {}
        self.ids: dict[str, int | tuple[int, ...]] = {}  # written rows by URL, the first listed first
        self.changes: dict[str, list[Change]] = {}  # for the written rows of a URL, in arrival order
        self.articles: dict[str, bytes] = {}
        self.batch_ids: dict[str, int] = {}  # first row of a URL written by the flush in progress
        self.new_ids: list[int] = []  # the ids of `pending`, once the flush in progress wrote them

    # ---- records ----------------------------------------------------------------------------

    def listed(self, column_key: str, it: ListItem) -> None:
        """A new row of `it` in a column (the caller keeps a column's URLs unique)."""
        row = new_row(column_key, it)
        art = self.article(it.url)
        if art is not None:
            rows.apply_article(row, art)
        self.pending.append(row)
        self.pending_by_url.setdefault(row.url, []).append(row)

    def on_article(self, rec: records.ArticleRecord) -> None:
        """An article page onto every row of its URL, and kept for rows listed later."""
        fields = rows.article_fields(rec)
        self.articles[rec.url] = pickle.dumps(tuple(fields[name] for name in ARTICLE_FIELDS), pickle.HIGHEST_PROTOCOL)
        self.change(rec.url, rows.apply_article, records.ArticleRecord(url=rec.url, **fields))

    def article(self, url: str) -> records.ArticleRecord | None:
        """The article page read for `url`, as far as rows need it; None before it is read."""
        packed = self.articles.get(url)
        if packed is None:
            return None
        return records.ArticleRecord(url=url, **dict(zip(ARTICLE_FIELDS, pickle.loads(packed), strict=True)))

    def change(self, url: str, rule: Callable[[Any, Any], None], arg: Any) -> None:
        """Apply `rule(row, arg)` to every row of `url`: now to rows in memory, at the next flush to written ones."""
        for row in self.pending_by_url.get(url, ()):
            rule(row, arg)
        if url in self.ids:
            self.changes.setdefault(url, []).append((rule, arg))

    def first_id(self, url: str) -> int | None:
        """The id of the first row listed for `url` (written, or being written by this flush), else None."""
        ids = self.ids.get(url)
        if ids is None:
            return self.batch_ids.get(url)
        return ids if isinstance(ids, int) else ids[0]

    # ---- a flush: write, then commit or abandon -----------------------------------------------

    def write(self, session: Session, column_id: Callable[[str], int]) -> None:
        """Insert the new rows and apply the changes of written ones, in the caller's transaction.
        Core statements on the session's connection: nothing here is an ORM object to flush first."""
        conn = session.connection()
        self.batch_ids, self.new_ids = {}, []
        for i in range(0, len(self.pending), WRITE_CHUNK):
            chunk = self.pending[i: i + WRITE_CHUNK]
            content_ids = inserted_ids(conn, item_contents, [row.content() for row in chunk])
            item_ids = inserted_ids(conn, item_rows, [
                {"column_id": column_id(row.column_key), "crawl_id": self.crawl_id, "url": row.url, "content_id": cid}
                for row, cid in zip(chunk, content_ids, strict=True)])
            for row, item_id in zip(chunk, item_ids, strict=True):
                self.batch_ids.setdefault(row.url, item_id)
            self.new_ids += item_ids
        if self.changes:
            self._write_changes(conn)

    def committed(self) -> None:
        """The flush's transaction is committed: its rows are written, only their ids are kept."""
        for row, item_id in zip(self.pending, self.new_ids, strict=True):
            known = self.ids.get(row.url)
            self.ids[row.url] = item_id if known is None else (*_as_tuple(known), item_id)
        self.pending, self.pending_by_url, self.changes = [], {}, {}
        self.abandon()

    def abandon(self) -> None:
        """The flush's transaction was rolled back: everything stays to be written by the next."""
        self.batch_ids, self.new_ids = {}, []

    def _write_changes(self, conn: Connection) -> None:
        """Read the changed written rows back, change them by their rules, write their contents."""
        url_of = {item_id: url for url in self.changes for item_id in _as_tuple(self.ids[url])}
        updates: list[dict[str, Any]] = []
        for item_id, content_id, *content in self._read(conn, sorted(url_of)):
            row = ItemRow(None, url_of[item_id], **dict(zip(ITEM_FIELDS, content, strict=True)))
            for rule, arg in self.changes[row.url]:
                rule(row, arg)
            updates.append({"content_row": content_id, **row.content()})
        if updates:
            conn.execute(update(item_contents).where(item_contents.c.id == bindparam("content_row")), updates)

    @staticmethod
    def _read(conn: Connection, item_ids: list[int]) -> Iterator[Sequence[Any]]:
        fields = [item_contents.c[name] for name in ITEM_FIELDS]
        for i in range(0, len(item_ids), CHUNK):
            yield from conn.execute(
                select(item_rows.c.id, item_rows.c.content_id, *fields)
                .join(item_contents, item_contents.c.id == item_rows.c.content_id)
                .where(item_rows.c.id.in_(item_ids[i: i + CHUNK])))


def _as_tuple(ids: int | tuple[int, ...]) -> tuple[int, ...]:
    return (ids,) if isinstance(ids, int) else ids
