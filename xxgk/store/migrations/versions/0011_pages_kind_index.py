"""pages (crawl_id, kind, status) index: coverage counts a crawl's fetched pages by kind from it

Scoring measures each crawl's coverage from its pages' kinds and statuses; it read every page row of
a batch of crawls (their URLs most of the bytes) to count them. With this index the counts come from
the index alone, and the unclassified pages are found by it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 03:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pages_crawl_id_kind_status", "pages", ["crawl_id", "kind", "status"])


def downgrade() -> None:
    op.drop_index("ix_pages_crawl_id_kind_status", table_name="pages")
