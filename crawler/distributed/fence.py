"""Fencing of store writes in a distributed crawl: a stalled worker can never overwrite its successor.

A worker that (re)starts a site crawl writes a fresh token to `Crawl.lease_token` (`reset_crawl`) and
hands it to the crawl in the Scrapy setting `XXGK_LEASE_TOKEN`; its crawls write through
`FencedStorePipeline` (in ITEM_PIPELINES in place of the store pipeline). Every transaction that
pipeline commits first calls `hold`, which row-locks the crawl (``SELECT … FOR UPDATE``; on SQLite a no-op
conditional UPDATE takes the database write lock) and checks the token. If another worker has reset
the crawl since, the transaction writes nothing, one line is logged and the spider is closed with
reason `lease_lost`. The lock lasts until the batch commits, so a reset by the new owner either
happens before (the batch is refused) or after (the reset deletes the batch): no stale row survives.

Local crawls carry no token and use the plain `StorePipeline`; `hold` without a token returns at once,
without a query.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from scrapy.exceptions import NotConfigured
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.pipelines import StorePipeline
from xxgk.store import Crawl

log = logging.getLogger(__name__)
SETTING = "XXGK_LEASE_TOKEN"
REASON = "lease_lost"
PIPELINE = "crawler.distributed.fence.FencedStorePipeline"
_LOST: weakref.WeakSet[Any] = weakref.WeakSet()  # crawlers already fenced out (refused without a query)


class Fenced(Exception):
    """This attempt no longer owns its crawl: another worker restarted it."""


def token_of(crawler: Any) -> str | None:
    """The fencing token a crawl was started with (None: a local crawl, not fenced)."""
    if crawler is None:
        return None
    return crawler.settings.get(SETTING) or None


def owns(session: Session, crawl_id: int, token: str) -> bool:
    """Lock the crawl row for this transaction and tell whether `token` still owns it.

    Runs before anything of the batch reaches the database (no autoflush): a refused batch writes nothing,
    and rows the new owner deleted are never updated.
    """
    with session.no_autoflush:
        if session.get_bind().dialect.name == "sqlite":
            # No row locks, and pysqlite runs a bare SELECT outside the transaction: an UPDATE that changes
            # nothing opens the write transaction and holds the write lock until commit.
            res = session.execute(update(Crawl).where(Crawl.id == crawl_id, Crawl.lease_token == token)
                                  .values(lease_token=Crawl.lease_token)
                                  .execution_options(synchronize_session=False))
            return res.rowcount == 1
        current = session.scalar(select(Crawl.lease_token).where(Crawl.id == crawl_id).with_for_update())
        return current == token


def hold(session: Session, crawler: Any, crawl_id: int) -> None:
    """Raise `Fenced` unless this crawl attempt still owns the crawl; call first in every write transaction.

    On the first refusal: log one line and close the spider (reason `lease_lost`).
    """
    token = token_of(crawler)
    if token is None:
        return
    if crawler in _LOST:
        raise Fenced(crawl_id)
    if owns(session, crawl_id, token):
        return
    _LOST.add(crawler)
    log.warning("crawl %s: another worker took this site over while this one stalled past its lease; "
                "refusing this attempt's writes and closing its spider (%s)", crawl_id, REASON)
    _close_spider(crawler)
    raise Fenced(crawl_id)


def _close_spider(crawler: Any) -> None:
    engine = getattr(crawler, "engine", None)
    if engine is None or getattr(engine, "spider", None) is None:
        return
    from scrapy.utils.defer import deferred_from_coro

    d = deferred_from_coro(engine.close_spider_async(reason=REASON))  # a no-op when already closing
    d.addErrback(lambda f: log.debug("closing crawl after lease loss: %s", f.getErrorMessage()))


class FencedStorePipeline(StorePipeline):
    """The store pipeline of a worker's site crawl: each write transaction is refused once another worker
    took the crawl over (`hold`). Without a lease token (not a worker's crawl) it is not configured."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        if token_of(crawler) is None:
            raise NotConfigured(f"{SETTING} is not set: the crawl is not fenced; use the plain StorePipeline")
        return super().from_crawler(crawler)

    def writes_allowed(self, session: Session) -> bool:
        try:
            hold(session, self.crawler, self.spider.crawl_id)
        except Fenced:
            return False
        return True
