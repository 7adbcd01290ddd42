"""site identity: sites.key (who the site is) and crawls.start_url (what each run audited)

A site was identified by its URL, so a portal moving from http to https or to another port lost its
history. Sites now carry a key (the site list's id, else name within the registrable domain, set by
the audit), their URL is no longer unique, and every crawl records the URL it started from. Existing
sites get their key on their next audit (found by URL once); existing crawls take their site's URL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# names the unnamed UNIQUE(url) of 0001 so that SQLite's batch mode can drop it
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint("sites_url_key", "sites", type_="unique")
        op.add_column("sites", sa.Column("key", sa.Text(), nullable=True))
        op.create_unique_constraint("sites_key_key", "sites", ["key"])
        op.create_index("ix_sites_url", "sites", ["url"])
    else:
        with op.batch_alter_table("sites", naming_convention=NAMING) as batch:
            batch.drop_constraint("uq_sites_url", type_="unique")
            batch.add_column(sa.Column("key", sa.Text(), nullable=True))
            batch.create_unique_constraint("uq_sites_key", ["key"])
            batch.create_index("ix_sites_url", ["url"])
    op.add_column("crawls", sa.Column("start_url", sa.Text(), nullable=True))
    op.execute("UPDATE crawls SET start_url = (SELECT url FROM sites WHERE sites.id = crawls.site_id)")


def downgrade() -> None:
    op.drop_column("crawls", "start_url")
    with op.batch_alter_table("sites") as batch:
        batch.drop_index("ix_sites_url")
        batch.drop_column("key")
        batch.create_unique_constraint("uq_sites_url", ["url"])
