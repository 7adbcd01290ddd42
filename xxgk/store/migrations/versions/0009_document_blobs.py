"""blobs: a document's bytes kept once per content, named by their sha256 from documents.body_sha256

Every re-audit of an unchanged portal fetched the same attachment files again and stored their bytes
again in `documents.body`; the bytes now sit once in `blobs` and each document row names them. The
existing bodies are moved (sha256 computed here, the same on SQLite and PostgreSQL), in batches.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 14:30:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 200  # documents read per round trip: bodies are up to the crawler's file-size limit each

documents = sa.table("documents", sa.column("id", sa.Integer), sa.column("body", sa.LargeBinary),
                     sa.column("body_sha256", sa.String))
blobs = sa.table("blobs", sa.column("sha256", sa.String), sa.column("data", sa.LargeBinary))


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_sha256", sa.String(length=64), nullable=True))
    _move_bodies()
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_body_sha256"), ["body_sha256"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_documents_body_sha256_blobs"), "blobs", ["body_sha256"],
                                    ["sha256"])
        batch_op.drop_column("body")


def _move_bodies() -> None:
    """Each stored body into `blobs` (once per content) and its key onto its document row."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.select(documents.c.id, documents.c.body)
                            .where(documents.c.id > last, documents.c.body.is_not(None))
                            .order_by(documents.c.id).limit(BATCH)).all()
        if not rows:
            return
        keys = {doc_id: hashlib.sha256(body).hexdigest() for doc_id, body in rows}
        have = set(conn.scalars(sa.select(blobs.c.sha256).where(blobs.c.sha256.in_(set(keys.values())))))
        new = {keys[doc_id]: bytes(body) for doc_id, body in rows if keys[doc_id] not in have}
        if new:
            conn.execute(blobs.insert(), [{"sha256": k, "data": v} for k, v in new.items()])
        conn.execute(documents.update().where(documents.c.id == sa.bindparam("doc_id"))
                     .values(body_sha256=sa.bindparam("key")),
                     [{"doc_id": doc_id, "key": key} for doc_id, key in keys.items()])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    conn.execute(documents.update().values(
        body=sa.select(blobs.c.data).where(blobs.c.sha256 == documents.c.body_sha256).scalar_subquery()))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_body_sha256_blobs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_documents_body_sha256"))
        batch_op.drop_column("body_sha256")
    op.drop_table("blobs")
