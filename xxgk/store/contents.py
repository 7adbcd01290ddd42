"""Deleting what crawls collected: one function for prune, run deletion, a crawl's restart and benches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from xxgk.store.blobs import delete_documents
from xxgk.store.models import Column, Item, Link, Page, Screenshot


def delete_crawl_contents(session: Session, crawl_ids: Any) -> None:
    """Delete everything crawls collected (documents and the blobs only they used, links, pages, items,
    columns), children first.

    `crawl_ids` is a list of ids or a scalar subquery; bulk statements, so big crawls are never loaded.
    """
    delete_documents(session, crawl_ids)
    for table in (Link, Item, Screenshot):
        session.execute(delete(table).where(table.crawl_id.in_(crawl_ids)))
    session.execute(update(Column).where(Column.crawl_id.in_(crawl_ids)).values(parent_id=None))
    session.execute(delete(Column).where(Column.crawl_id.in_(crawl_ids)))
    session.execute(delete(Page).where(Page.crawl_id.in_(crawl_ids)))
