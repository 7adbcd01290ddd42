"""A batch of crawls' columns and items, read with one query per table instead of one per site.

Scoring a national run site by site issued two selects per site (and a JSON decode per JSON cell);
the statement overhead alone was a third of scoring. Here a batch's rows come in one select per
table, ordered by crawl and id (the order each site's checks saw before), as plain slotted records.
JSON cells (`Item.meta`, `Item.attachments`) are decoded only when a check reads them: most checks
never do, and decoding every cell of every item cost more than the checks that use them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, String, select, type_coerce
from sqlalchemy.orm import Session

_PLAIN: dict[type, type] = {}


def _lazy_json(name: str) -> property:
    """A read-only attribute decoding the raw JSON text kept in `_<name>` once, on first read."""
    raw = f"_{name}"

    def get(self: Any) -> Any:
        value = getattr(self, raw)
        if isinstance(value, str):
            value = json.loads(value)
            setattr(self, raw, value)
        return value

    return property(get)


def plain_class(model: type) -> type:
    """A slotted record class with the model's column attributes; JSON attributes decode on first read."""
    if model in _PLAIN:
        return _PLAIN[model]
    names = [c.key for c in model.__mapper__.column_attrs]
    json_names = {c.key for c in model.__mapper__.column_attrs if isinstance(c.columns[0].type, JSON)}
    slots = tuple(f"_{n}" if n in json_names else n for n in names)

    def __init__(self: Any, *values: Any) -> None:
        for slot, value in zip(slots, values, strict=True):
            object.__setattr__(self, slot, value)

    body: dict[str, Any] = {"__slots__": slots, "__init__": __init__,
                            "__repr__": lambda self: f"Plain{model.__name__}(id={getattr(self, 'id', None)})"}
    body.update({n: _lazy_json(n) for n in json_names})
    cls = type(f"Plain{model.__name__}", (), body)
    return _PLAIN.setdefault(model, cls)


def _selected(model: type) -> list[Any]:
    """The model's columns to select: JSON ones as their stored text (a driver that decodes anyway is fine)."""
    out = []
    for attr in model.__mapper__.column_attrs:
        col = getattr(model, attr.key)
        out.append(type_coerce(col, String) if isinstance(attr.columns[0].type, JSON) else col)
    return out


def rows_by_crawl(session: Session, model: type, crawl_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The `Column` or `Item` rows of each crawl (ordered by id) as plain records, in one select."""
    ids = list(crawl_ids)
    out: dict[int, list[Any]] = {cid: [] for cid in ids}
    if not ids:
        return out
    plain = plain_class(model)
    stmt = select(*_selected(model)).where(model.crawl_id.in_(ids)).order_by(model.crawl_id, model.id)
    crawl_at = [a.key for a in model.__mapper__.column_attrs].index("crawl_id")
    for row in session.execute(stmt):
        out[row[crawl_at]].append(plain(*row))
    return out
