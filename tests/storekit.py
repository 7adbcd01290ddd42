"""Store rows for tests that need a crawl to hang their rows on, without running one.

`new_crawl` adds a run and its finished crawl of a site (the site is reused by URL, as the store
shares sites across runs), so a test can write columns, items, documents or findings under it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.store import Crawl, Run, Site


def new_crawl(session: Session, site_url: str = "http://a.test/", *, name: str | None = None,
              rubric_id: str = "r", rubric_hash: str | None = None) -> Crawl:
    """A new done run with one done crawl of the site at `site_url` (made when the store has none)."""
    site = session.scalar(select(Site).where(Site.url == site_url)) or Site(url=site_url, name=name or site_url)
    run = Run(rubric_id=rubric_id, rubric_hash=rubric_hash, status="done")
    session.add_all([run, site])
    session.flush()
    crawl = Crawl(run_id=run.id, site_id=site.id, status="done")
    session.add(crawl)
    session.flush()
    return crawl
