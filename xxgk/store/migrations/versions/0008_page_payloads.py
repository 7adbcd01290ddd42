"""pages.payload_warc, pages.payload_ref: where an unchanged page's body is kept

A re-audit of an unchanged page writes a WARC `revisit` record (no body) instead of a second copy of
the body; the page row then names the WARC file and the `response` record that hold the body (found
by its payload hash, `pages.sha256`), so evidence and snapshots still read the real bytes.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload_warc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("payload_ref", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("payload_ref")
        batch_op.drop_column("payload_warc")
