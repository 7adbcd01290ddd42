"""item_contents, link_contents: what an item or a checked link says, kept once across crawls

A re-audit of an unchanged portal stored every item and link row again. `items` and `links` now keep
only what places a row in a crawl (crawl, column, URL) and name a content row by `content_id`; the
content rows are shared, found by a 16-byte hash of their fields (the same canonical JSON as
`xxgk.store.shared_rows.content_hash`, copied here so this revision never changes). Existing rows are
moved in batches. The index on items.column_id goes: the unique (column_id, url) serves those lookups.
Columns are dropped in place (ALTER TABLE … DROP COLUMN) rather than by a batch copy of the table: on
SQLite a copy of `items` would drop the table `documents.item_id` refers to, and its ON DELETE SET NULL
would clear every document's item.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 17:20:00
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 2000
ITEM_FIELDS = ("title", "published", "meta", "attachments", "unit", "article_date", "body_chars", "image_only")
LINK_FIELDS = ("from_url", "to_url", "text", "kind", "status", "error", "offsite")
TYPES = {"title": sa.Text, "published": sa.Date, "meta": sa.JSON, "attachments": sa.JSON, "unit": sa.Text,
         "article_date": sa.Date, "body_chars": sa.Integer, "image_only": sa.Boolean, "from_url": sa.Text,
         "to_url": sa.Text, "text": sa.Text, "kind": lambda: sa.String(20), "status": sa.Integer,
         "error": sa.Text, "offsite": sa.Boolean}
NOT_NULL = {"title", "meta", "attachments", "image_only", "from_url", "to_url", "kind", "offsite"}


def _hash(content: dict[str, Any]) -> bytes:
    plain = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in content.items()}
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _table(name: str, fields: tuple[str, ...], *extra: str) -> sa.TableClause:
    return sa.table(name, sa.column("id", sa.Integer), *(sa.column(e, sa.Integer) for e in extra),
                    *(sa.column(f, TYPES[f]()) for f in fields))


def _content_table(name: str, fields: tuple[str, ...]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=16), nullable=True),
        *(sa.Column(f, TYPES[f](), nullable=f not in NOT_NULL) for f in fields),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )


def upgrade() -> None:
    _content_table("item_contents", ITEM_FIELDS)
    _content_table("link_contents", LINK_FIELDS)
    for rows, contents, fields in (("items", "item_contents", ITEM_FIELDS), ("links", "link_contents", LINK_FIELDS)):
        _add_content_id(rows, contents)
        _move(rows, contents, fields)
        for f in fields:
            op.drop_column(rows, f)
        op.create_index(op.f(f"ix_{rows}_content_id"), rows, ["content_id"], unique=False)
    op.drop_index(op.f("ix_items_column_id"), table_name="items")


def _add_content_id(rows: str, contents: str) -> None:
    """The nullable `content_id` column referring to `contents` (SQLite: its own ALTER TABLE form)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {rows} ADD COLUMN content_id INTEGER REFERENCES {contents} (id)")
    else:
        op.add_column(rows, sa.Column("content_id", sa.Integer(), sa.ForeignKey(f"{contents}.id"), nullable=True))


def _move(rows_name: str, contents_name: str, fields: tuple[str, ...]) -> None:
    """Each row's content into the content table (once per content) and its id onto the row."""
    conn = op.get_bind()
    rows = _table(rows_name, fields, "content_id")
    contents = sa.table(contents_name, sa.column("id", sa.Integer), sa.column("hash", sa.LargeBinary),
                        *(sa.column(f, TYPES[f]()) for f in fields))
    last = 0
    while True:
        batch = conn.execute(sa.select(rows.c.id, *(rows.c[f] for f in fields)).where(rows.c.id > last)
                             .order_by(rows.c.id).limit(BATCH)).all()
        if not batch:
            return
        by_row = {r[0]: dict(zip(fields, r[1:], strict=True)) for r in batch}
        keys = {row_id: _hash(c) for row_id, c in by_row.items()}
        have = dict(conn.execute(sa.select(contents.c.hash, contents.c.id)
                                 .where(contents.c.hash.in_(set(keys.values())))).all())
        new = {}
        for row_id, key in keys.items():
            if key not in have and key not in new:
                new[key] = {**by_row[row_id], "hash": key}
        if new:
            conn.execute(contents.insert(), list(new.values()))
            have.update(conn.execute(sa.select(contents.c.hash, contents.c.id)
                                     .where(contents.c.hash.in_(list(new)))).all())
        conn.execute(rows.update().where(rows.c.id == sa.bindparam("row_id"))
                     .values(content_id=sa.bindparam("cid")),
                     [{"row_id": row_id, "cid": have[key]} for row_id, key in keys.items()])
        last = batch[-1][0]


def downgrade() -> None:
    op.create_index(op.f("ix_items_column_id"), "items", ["column_id"], unique=False)
    conn = op.get_bind()
    for rows_name, contents_name, fields in (("items", "item_contents", ITEM_FIELDS),
                                             ("links", "link_contents", LINK_FIELDS)):
        for f in fields:
            op.add_column(rows_name, sa.Column(f, TYPES[f](), nullable=True))
        rows = _table(rows_name, fields, "content_id")
        contents = _table(contents_name, fields)
        conn.execute(rows.update().values({
            f: sa.select(contents.c[f]).where(contents.c.id == rows.c.content_id).scalar_subquery()
            for f in fields}))
        if conn.dialect.name == "postgresql":
            for f in fields:
                if f in NOT_NULL:
                    op.alter_column(rows_name, f, nullable=False)
        if conn.dialect.name == "postgresql":
            op.drop_index(op.f(f"ix_{rows_name}_content_id"), table_name=rows_name)
            op.drop_constraint(f"{rows_name}_content_id_fkey", rows_name, type_="foreignkey")
            op.drop_column(rows_name, "content_id")
        else:
            _drop_content_id_on_sqlite(rows_name)
        op.drop_table(contents_name)


def _drop_content_id_on_sqlite(rows_name: str) -> None:
    """SQLite drops a foreign-key column only by copying the table; dropping the old `items` clears
    `documents.item_id` (ON DELETE SET NULL), so those are put back after."""
    conn = op.get_bind()
    docs = sa.table("documents", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer))
    saved = conn.execute(sa.select(docs.c.id, docs.c.item_id).where(docs.c.item_id.is_not(None))).all()
    with op.batch_alter_table(rows_name, recreate="always") as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{rows_name}_content_id"))
        batch_op.drop_column("content_id")
    if rows_name == "items" and saved:
        conn.execute(docs.update().where(docs.c.id == sa.bindparam("doc_id")).values(item_id=sa.bindparam("item")),
                     [{"doc_id": d, "item": i} for d, i in saved])
