"""columns.key and unique keys for idempotent writes of request-level distributed crawls

A re-delivered request (its worker died after writing) must create no duplicate rows: columns are
found by (crawl_id, key), documents are unique per (crawl_id, url) as the local pipeline already
keeps them. Older stores' columns keep key NULL (NULLs never collide).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("columns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.Text(), nullable=True))
        batch_op.create_unique_constraint("uq_columns_crawl_id_key", ["crawl_id", "key"])
    # the local pipeline never wrote two documents of one URL per crawl; drop any strays to be safe
    op.execute("DELETE FROM documents WHERE id NOT IN (SELECT MIN(id) FROM documents GROUP BY crawl_id, url)")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_documents_crawl_id_url", ["crawl_id", "url"])


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_documents_crawl_id_url", type_="unique")
    with op.batch_alter_table("columns", schema=None) as batch_op:
        batch_op.drop_constraint("uq_columns_crawl_id_key", type_="unique")
        batch_op.drop_column("key")
