"""A batch of crawls' columns and items, read with one query per table instead of one per site.

Scoring a national run site by site issued two selects per site (and a JSON decode per JSON cell);
the statement overhead alone was a third of scoring. Here a batch's rows come in one Core select per
table (no ORM result machinery; items as the driver's own tuples, see `DRIVER_ROWS`), ordered by
crawl and id (the order each site's checks saw before), as plain records: tuples with named
attributes, built in C. Cells that need decoding — JSON (`Item.attachments`) and, on SQLite, dates
kept as text — are decoded only when a check reads them: most checks never do, and decoding every
cell of every item cost more than the checks that use them. Only the attributes scoring reads are
selected (`READ`): each cell fetched costs the driver an object, and an item's unread `meta` JSON and
content hash were a third of its row's bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple
from collections.abc import Callable, Iterable
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Date, String, select, type_coerce
from sqlalchemy.orm import Session

_PLAIN: dict[type, type] = {}

# The attributes scoring reads of each model (checks, context, coverage, match; `crawl_id` groups the
# batch). A record has no other attribute: a check that reads a new one adds it here.
READ: dict[str, tuple[str, ...]] = {
    "Item": ("id", "column_id", "crawl_id", "url", "title", "published", "attachments", "unit", "article_date",
             "body_chars", "image_only"),
    "Column": ("id", "crawl_id", "parent_id", "name", "url", "path", "depth", "offsite", "status", "status_detail",
               "item_count", "newest_date", "has_content", "kind", "unit"),
}
# Read as the database driver's own tuples (no result row per row, no type processing per cell): items,
# a national run's most numerous rows, whose few typed cells are read once if at all. Their booleans
# (SQLite's 0/1) are then decoded lazily too. Columns are few and every check walks them many times, so
# SQLAlchemy types their cells once per row: a decode on each read of `offsite` cost more than it saved.
DRIVER_ROWS = ("Item",)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _bool(value: Any) -> Any:
    return value if value is None or isinstance(value, bool) else bool(value)


def _read(model: type) -> list[str]:
    """The model's attributes a record holds: `READ`'s, else all its column attributes."""
    return list(READ.get(model.__name__) or (a.key for a in model.__mapper__.column_attrs))


def _decoders(model: type) -> dict[str, Callable[[Any], Any]]:
    """The record's attributes read raw and decoded on first read, with their decoder (booleans too
    when the driver's own cells are read: SQLite's 0/1 made booleans, as the store's type would)."""
    out: dict[str, Callable[[Any], Any]] = {}
    raw = model.__name__ in DRIVER_ROWS
    attrs = model.__mapper__.column_attrs
    for attr in (attrs[n] for n in _read(model)):
        kind = attr.columns[0].type
        if isinstance(kind, JSON):
            out[attr.key] = _json
        elif isinstance(kind, Date):
            out[attr.key] = _date
        elif raw and isinstance(kind, Boolean):
            out[attr.key] = _bool
    return out


class _Lazy:
    """An attribute decoding the raw cell at `index` on first read and keeping the value in the record's
    `__dict__`, where every later read finds it without a call (a non-data descriptor)."""

    __slots__ = ("decode", "index", "name")

    def __init__(self, name: str, index: int, decode: Callable[[Any], Any]) -> None:
        self.name, self.index, self.decode = name, index, decode

    def __get__(self, record: Any, owner: type | None = None) -> Any:
        if record is None:
            return self
        value = record.__dict__[self.name] = self.decode(record[self.index])
        return value


def plain_class(model: type) -> type:
    """A record class with the model's attributes scoring reads, built from a driver row in one call.

    A named tuple (attribute reads and construction in C) compared and hashed by identity, as ORM
    objects are; the cells named by `_decoders` are decoded on first read."""
    if model in _PLAIN:
        return _PLAIN[model]
    names = _read(model)
    decoders = _decoders(model)
    fields = [f"raw_{n}" if n in decoders else n for n in names]
    base = namedtuple(f"_Plain{model.__name__}", fields)  # type: ignore[misc]
    body: dict[str, Any] = {"__eq__": object.__eq__, "__ne__": object.__ne__, "__hash__": object.__hash__,
                            "__repr__": lambda self: f"Plain{model.__name__}(id={getattr(self, 'id', None)})"}
    body.update({n: _Lazy(n, names.index(n), dec) for n, dec in decoders.items()})
    cls = type(f"Plain{model.__name__}", (base,), body)
    return _PLAIN.setdefault(model, cls)


def _selected(model: type) -> list[Any]:
    """The record's columns to select: those decoded lazily as their stored value (a driver that decodes
    anyway is fine: the decoders pass decoded values through)."""
    decoders = _decoders(model)
    return [type_coerce(getattr(model, n), String) if n in decoders else getattr(model, n) for n in _read(model)]


def driver_rows(session: Session, stmt: Any) -> list[Any]:
    """The statement's rows as the database driver's own tuples: no result row object, no type
    processing per cell (for hundreds of thousands of rows whose few typed cells decode lazily)."""
    result = session.connection().execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _rows(session: Session, model: type, stmt: Any) -> list[Any]:
    if model.__name__ in DRIVER_ROWS:
        return driver_rows(session, stmt)
    return session.connection().execute(stmt).all()  # one fetchall, not a Python fetchone per row


def rows_by_crawl(session: Session, model: type, crawl_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The `Column` or `Item` rows of each crawl (ordered by id) as plain records, in one select."""
    ids = list(crawl_ids)
    out: dict[int, list[Any]] = {cid: [] for cid in ids}
    if not ids:
        return out
    make = partial(tuple.__new__, plain_class(model))
    stmt = select(*_selected(model)).where(model.crawl_id.in_(ids)).order_by(model.crawl_id, model.id)
    for cid, records in groupby(map(make, _rows(session, model, stmt)), key=itemgetter(_read(model).index("crawl_id"))):
        out[cid] = list(records)
    return out
