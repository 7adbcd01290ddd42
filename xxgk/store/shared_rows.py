"""Items and links kept once per content: write them interned, drop contents no crawl uses any more.

A re-audit of an unchanged portal lists the same items and checks the same links again. Each `items` /
`links` row holds only what places it in a crawl (crawl, column, URL) and names a content row
(`item_contents` / `link_contents`) by id; a content row is shared by every row that says the same,
found by `content_hash` of its fields (ON CONFLICT DO NOTHING on SQLite and PostgreSQL, so concurrent
writers of the same content agree on one row). Whatever deletes items or links calls `delete_items` /
`delete_links`, which drop the contents only those rows used (`blobs` is the same idea for bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xxgk.store.models import item_contents, item_rows, link_contents, link_rows

CHUNK = 500  # keys per IN (...) list: well under SQLite's bound-parameter limit
ITEM_FIELDS = ("title", "published", "meta", "attachments", "unit", "article_date", "body_chars", "image_only")
LINK_FIELDS = ("from_url", "to_url", "text", "kind", "status", "error", "offsite")
_DEFAULTS = {"meta": {}, "attachments": [], "image_only": False, "offsite": False}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def content_fields(fields: Sequence[str], row: Mapping[str, Any]) -> dict[str, Any]:
    """The content part of a row (missing fields at their defaults, booleans as booleans)."""
    out = {name: row.get(name, _DEFAULTS.get(name)) for name in fields}
    for name in ("image_only", "offsite"):
        if name in out:
            out[name] = bool(out[name])
    return out


def content_hash(content: Mapping[str, Any]) -> bytes:
    """16 bytes naming a content: blake2b of its canonical JSON (keys sorted, dates ISO)."""
    text = json.dumps({k: _plain(v) for k, v in content.items()}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _insert(session: Session, table: Table) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def intern_contents(session: Session, table: Table, contents: Sequence[Mapping[str, Any]]) -> list[int]:
    """The ids of `contents` in `table` (`item_contents` or `link_contents`), each written unless a row of
    the same content is already there; in the order given."""
    hashes = [content_hash(c) for c in contents]
    new = {h: {**c, "hash": h} for h, c in zip(hashes, contents, strict=True)}
    if not new:
        return []
    # in hash order: concurrent writers of overlapping contents take the unique keys in one order (no deadlock)
    session.execute(_insert(session, table).on_conflict_do_nothing(index_elements=["hash"]),
                    [new[h] for h in sorted(new)])
    ids: dict[bytes, int] = {}
    keys = list(new)
    for i in range(0, len(keys), CHUNK):
        ids.update((h, cid) for cid, h in session.execute(
            select(table.c.id, table.c.hash).where(table.c.hash.in_(keys[i: i + CHUNK]))))
    return [ids[h] for h in hashes]


def insert_links(session: Session, crawl_id: int, links: Sequence[Mapping[str, Any]]) -> None:
    """A crawl's checked links (dicts of `LINK_FIELDS`), their contents interned."""
    if not links:
        return
    ids = intern_contents(session, link_contents, [content_fields(LINK_FIELDS, row) for row in links])
    session.execute(link_rows.insert(), [{"crawl_id": crawl_id, "content_id": cid} for cid in ids])


def insert_items(session: Session, items: Sequence[Mapping[str, Any]]) -> None:
    """Item rows (column_id, crawl_id, url and `ITEM_FIELDS`), their contents interned; an item already
    stored for its (column, URL) is left as it is (a re-delivered request writes nothing twice)."""
    if not items:
        return
    ids = intern_contents(session, item_contents, [content_fields(ITEM_FIELDS, row) for row in items])
    session.execute(_insert(session, item_rows).on_conflict_do_nothing(index_elements=["column_id", "url"]),
                    [{"column_id": row["column_id"], "crawl_id": row["crawl_id"], "url": row["url"],
                      "content_id": cid} for row, cid in zip(items, ids, strict=True)])


def set_item_contents(session: Session, changed: Mapping[int, Mapping[str, Any]]) -> None:
    """Point items (by id) at new contents (dicts of `ITEM_FIELDS`); contents no item uses any more go."""
    if not changed:
        return
    ids = list(changed)
    old = _content_ids(session, item_rows, item_rows.c.id, ids)
    new = intern_contents(session, item_contents, [content_fields(ITEM_FIELDS, changed[i]) for i in ids])
    session.execute(update(item_rows).where(item_rows.c.id == bindparam("item_id")).values(content_id=bindparam("cid"))
                    .execution_options(synchronize_session=False),
                    [{"item_id": i, "cid": cid} for i, cid in zip(ids, new, strict=True)])
    drop_orphan_contents(session, item_contents, item_rows, old)


def share_item_contents(session: Session, crawl_id: int) -> None:
    """Intern the unshared contents of a crawl's items (written through the ORM while it ran): each item
    is pointed at the shared row of its content and its own row dropped."""
    cols = [item_contents.c[name] for name in ITEM_FIELDS]
    found = session.execute(select(item_rows.c.id, *cols).join(item_contents, item_contents.c.id == item_rows.c.content_id)
                            .where(item_rows.c.crawl_id == crawl_id, item_contents.c.hash.is_(None))).all()
    if found:
        set_item_contents(session, {row[0]: dict(zip(ITEM_FIELDS, row[1:], strict=True)) for row in found})


def _content_ids(session: Session, rows: Table, key: Any, values: Iterable[Any]) -> set[int]:
    """The content ids `rows` whose `key` is in `values` (ids, or a scalar subquery) refer to."""
    if not isinstance(values, list | tuple | set):
        return set(session.scalars(select(rows.c.content_id).distinct().where(key.in_(values))))
    values = list(values)
    out: set[int] = set()
    for i in range(0, len(values), CHUNK):
        out.update(session.scalars(select(rows.c.content_id).distinct().where(key.in_(values[i: i + CHUNK]))))
    return out


def drop_orphan_contents(session: Session, contents: Table, rows: Table, ids: Iterable[int]) -> None:
    """Delete those of the content rows `ids` that no row refers to any more (a shared one stays)."""
    ids = sorted(ids)
    referenced = exists().where(rows.c.content_id == contents.c.id)
    for i in range(0, len(ids), CHUNK):
        session.execute(delete(contents).where(contents.c.id.in_(ids[i: i + CHUNK]), ~referenced))


def delete_items(session: Session, crawl_ids: Any) -> None:
    """Delete the items of `crawl_ids` (ids or a scalar subquery) and the contents only they used."""
    old = _content_ids(session, item_rows, item_rows.c.crawl_id, crawl_ids)
    session.execute(delete(item_rows).where(item_rows.c.crawl_id.in_(crawl_ids)))
    drop_orphan_contents(session, item_contents, item_rows, old)


def delete_links(session: Session, crawl_ids: Any) -> None:
    """Delete the links of `crawl_ids` (ids or a scalar subquery) and the contents only they used."""
    old = _content_ids(session, link_rows, link_rows.c.crawl_id, crawl_ids)
    session.execute(delete(link_rows).where(link_rows.c.crawl_id.in_(crawl_ids)))
    drop_orphan_contents(session, link_contents, link_rows, old)
