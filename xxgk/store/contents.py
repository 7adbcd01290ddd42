"""Deleting what crawls collected: one function for prune, run deletion, a crawl's restart and benches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from xxgk.store.blobs import delete_documents
from xxgk.store.models import Column, Page, Screenshot
from xxgk.store.shared_rows import delete_items, delete_links


def delete_crawl_contents(session: Session, crawl_ids: Any) -> None:
    """Delete everything crawls collected (documents and the blobs only they used, links and items and
    the contents only they used, screenshots, columns, pages), children first.

    `crawl_ids` is a list of ids or a scalar subquery; bulk statements, so big crawls are never loaded.
    """
    delete_documents(session, crawl_ids)
    delete_links(session, crawl_ids)
    delete_items(session, crawl_ids)
    session.execute(delete(Screenshot).where(Screenshot.crawl_id.in_(crawl_ids)))
    session.execute(update(Column).where(Column.crawl_id.in_(crawl_ids)).values(parent_id=None))
    session.execute(delete(Column).where(Column.crawl_id.in_(crawl_ids)))
    session.execute(delete(Page).where(Page.crawl_id.in_(crawl_ids)))
