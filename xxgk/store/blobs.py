"""Document bodies kept once per content: write a document's bytes, drop bytes no document names any more.

A re-audit of an unchanged portal fetches the same PDF/DOC/XLS files again; each `documents` row names
its bytes by their sha256 (`body_sha256`) and the bytes sit once in `blobs`, so the second crawl adds
only the small row. Writers insert the blob "if absent" (ON CONFLICT DO NOTHING, on SQLite and
PostgreSQL) in the transaction of the document row; whatever deletes documents calls `drop_orphan_blobs`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xxgk.store.models import Blob, Document

CHUNK = 500  # keys per IN (...) list: well under SQLite's bound-parameter limit


def blob_key(data: bytes) -> str:
    """The name of `data` in `blobs`: its sha256, hex."""
    return hashlib.sha256(data).hexdigest()


def put_blobs(session: Session, bodies: Iterable[bytes]) -> None:
    """Store each of `bodies` unless a blob of the same content is already there (one statement)."""
    rows = [{"sha256": key, "data": data} for key, data in {blob_key(b): b for b in bodies}.items()]
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(Blob).on_conflict_do_nothing(index_elements=["sha256"]), rows)


def document_row(session: Session, row: Mapping[str, Any]) -> dict[str, Any]:
    """A `documents` row whose `body` (bytes or None) is stored as a blob and named by `body_sha256`.

    The blob is written now, in the session's transaction, so the document row that follows refers
    to a blob that exists (the foreign key holds on both backends)."""
    return document_rows(session, [row])[0]


def document_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`document_row` of each of `rows`, their blobs written in one statement."""
    out = [dict(row) for row in rows]
    bodies = [row.pop("body", None) for row in out]
    put_blobs(session, [b for b in bodies if b is not None])
    for row, body in zip(out, bodies, strict=True):
        row["body_sha256"] = None if body is None else blob_key(body)
    return out


def body_keys(session: Session, crawl_ids: Any) -> list[str]:
    """The blob keys the documents of `crawl_ids` (ids or a scalar subquery) refer to."""
    return list(session.scalars(select(Document.body_sha256).distinct()
                                .where(Document.crawl_id.in_(crawl_ids), Document.body_sha256.is_not(None))))


def drop_orphan_blobs(session: Session, keys: Iterable[str]) -> None:
    """Delete those of `keys` that no document refers to any more (a blob another crawl shares stays)."""
    keys = list(keys)
    referenced = exists().where(Document.body_sha256 == Blob.sha256)
    for i in range(0, len(keys), CHUNK):
        session.execute(delete(Blob).where(Blob.sha256.in_(keys[i: i + CHUNK]), ~referenced)
                        .execution_options(synchronize_session=False))


def delete_documents(session: Session, crawl_ids: Any) -> None:
    """Delete the documents of `crawl_ids` (ids or a scalar subquery) and the blobs only they used."""
    keys = body_keys(session, crawl_ids)
    session.execute(delete(Document).where(Document.crawl_id.in_(crawl_ids)))
    drop_orphan_blobs(session, keys)
