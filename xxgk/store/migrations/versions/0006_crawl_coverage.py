"""crawls.coverage: how much of a site the crawl saw (links, pages classified, empty columns)

Checks turn their "missing" verdicts into needs_review when a crawl saw too little of its site to
judge; the figures behind that decision are kept with the crawl for reports.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coverage", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        batch_op.drop_column("coverage")
