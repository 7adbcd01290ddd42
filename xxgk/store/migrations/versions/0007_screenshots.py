"""screenshots: browser screenshots of the pages behind failing and partial findings

Taken after scoring, within a per-site cap; a failed attempt keeps its reason. The PNG files sit
beside the crawl's WARC file; this table lists them for the reports.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screenshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["crawl_id"], ["crawls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("crawl_id", "url", name="uq_screenshots_crawl_id_url"),
    )
    with op.batch_alter_table("screenshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screenshots_crawl_id"), ["crawl_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screenshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screenshots_crawl_id"))
    op.drop_table("screenshots")
