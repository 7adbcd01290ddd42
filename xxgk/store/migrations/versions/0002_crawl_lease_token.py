"""crawls.lease_token: fencing token of the distributed attempt that owns a crawl

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawls", schema=None) as batch_op:
        batch_op.drop_column("lease_token")
