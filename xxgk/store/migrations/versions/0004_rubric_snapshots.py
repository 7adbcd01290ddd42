"""rubric_snapshots: the rubric as each run was scored with it (pass mark, method, sections)

Reports read these values instead of the rubric file, which may have changed since scoring. Runs
scored before this revision have no row; reports fall back to the file and say so.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rubric_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "rubric_id", name="uq_rubric_snapshots_run_id_rubric_id"),
    )
    with op.batch_alter_table("rubric_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rubric_snapshots_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rubric_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubric_snapshots_run_id"))
    op.drop_table("rubric_snapshots")
