"""The bodies a site's previous crawl already keeps in WARC files, so a re-audit writes revisit records.

A monthly re-audit of an unchanged portal fetches the same bodies again; writing each one a second
time doubles the evidence for nothing. `prior_payloads` reads, from the store, the payload hash
(`pages.sha256`) of every page of the site's last finished crawl with the WARC file and record that
hold its body (following an earlier revisit to its original), for `crawler.evidence.WarcLog.prior`.
Only files that still exist count, so a deleted WARC is written anew rather than referred to.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from crawler.evidence import Payload
from xxgk.store import CRAWL_DONE, Crawl, Page, session_factory


def prior_payloads(db_url: str, site_id: int, run_id: int) -> dict[str, Payload]:
    """sha256 → where that body is kept, from the site's latest finished crawl of another run."""
    with session_factory(db_url)() as s:
        crawl = s.scalars(
            select(Crawl).where(Crawl.site_id == site_id, Crawl.run_id != run_id, Crawl.status == CRAWL_DONE,
                                Crawl.warc_path.is_not(None))
            .order_by(Crawl.id.desc()).limit(1)
        ).first()
        if crawl is None:
            return {}
        rows = s.execute(
            select(Page.sha256, Page.url, Page.fetched_at, Page.evidence_ref, Page.payload_warc, Page.payload_ref)
            .where(Page.crawl_id == crawl.id, Page.sha256.is_not(None), Page.evidence_ref.is_not(None))
        ).all()
        own = crawl.warc_path
    found: dict[str, Payload] = {}
    exists: dict[str, bool] = {}
    for sha, url, fetched_at, ref, payload_warc, payload_ref in rows:
        path, record = (payload_warc, payload_ref) if payload_ref else (own, ref)
        if not path or sha in found:
            continue
        if path not in exists:
            exists[path] = Path(path).is_file()
        if exists[path]:
            found[sha] = Payload(path, record, url, _warc_date(fetched_at))
    return found


def _warc_date(when: dt.datetime | None) -> str:
    """A WARC-Date (UTC, second precision) for a stored fetch time."""
    when = when or dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
