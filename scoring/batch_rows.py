"""A batch of crawls' columns and items, read with one query per table instead of one per site.

Scoring a national run site by site issued two selects per site (and a JSON decode per JSON cell);
the statement overhead alone was a third of scoring. Here a batch's rows come in one Core select per
table (no ORM result machinery), ordered by crawl and id (the order each site's checks saw before),
as plain records: tuples with named attributes, built in C. Cells that need decoding — JSON
(`Item.meta`, `Item.attachments`) and, on SQLite, dates kept as text — are decoded only when a check
reads them: most checks never do, and decoding every cell of every item cost more than the checks
that use them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import JSON, Date, String, select, type_coerce
from sqlalchemy.orm import Session

_PLAIN: dict[type, type] = {}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _decoders(model: type) -> dict[str, Callable[[Any], Any]]:
    """The model's attributes read raw and decoded on first read, with their decoder."""
    out: dict[str, Callable[[Any], Any]] = {}
    for attr in model.__mapper__.column_attrs:
        kind = attr.columns[0].type
        if isinstance(kind, JSON):
            out[attr.key] = _json
        elif isinstance(kind, Date):
            out[attr.key] = _date
    return out


def _lazy(name: str, index: int, decode: Callable[[Any], Any]) -> property:
    """A read-only attribute decoding the raw cell at `index` once, on first read (kept per record)."""

    def get(self: Any) -> Any:
        cache = self.__dict__
        if name not in cache:
            cache[name] = decode(self[index])
        return cache[name]

    return property(get)


def plain_class(model: type) -> type:
    """A record class with the model's column attributes, built from a result row in one call.

    A named tuple (attribute reads and construction in C) compared and hashed by identity, as ORM
    objects are; the cells named by `_decoders` are decoded on first read."""
    if model in _PLAIN:
        return _PLAIN[model]
    names = [c.key for c in model.__mapper__.column_attrs]
    decoders = _decoders(model)
    fields = [f"raw_{n}" if n in decoders else n for n in names]
    base = namedtuple(f"_Plain{model.__name__}", fields)  # type: ignore[misc]
    body: dict[str, Any] = {"__eq__": object.__eq__, "__ne__": object.__ne__, "__hash__": object.__hash__,
                            "__repr__": lambda self: f"Plain{model.__name__}(id={getattr(self, 'id', None)})"}
    body.update({n: _lazy(n, names.index(n), dec) for n, dec in decoders.items()})
    cls = type(f"Plain{model.__name__}", (base,), body)
    return _PLAIN.setdefault(model, cls)


def _selected(model: type) -> list[Any]:
    """The model's columns to select: those decoded lazily as their stored value (a driver that decodes
    anyway is fine: the decoders pass non-text values through)."""
    decoders = _decoders(model)
    return [type_coerce(getattr(model, a.key), String) if a.key in decoders else getattr(model, a.key)
            for a in model.__mapper__.column_attrs]


def rows_by_crawl(session: Session, model: type, crawl_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The `Column` or `Item` rows of each crawl (ordered by id) as plain records, in one select."""
    ids = list(crawl_ids)
    out: dict[int, list[Any]] = {cid: [] for cid in ids}
    if not ids:
        return out
    make = plain_class(model)._make
    stmt = select(*_selected(model)).where(model.crawl_id.in_(ids)).order_by(model.crawl_id, model.id)
    crawl_at = [a.key for a in model.__mapper__.column_attrs].index("crawl_id")
    for row in session.connection().execute(stmt).all():  # one fetchall, not a Python fetchone per row
        out[row[crawl_at]].append(make(row))
    return out
