"""Store rows for tests that need a crawl to hang their rows on, without running one.

`new_crawl` adds a run and its finished crawl of a site (the site is reused by URL, as the store
shares sites across runs), so a test can write columns, items, documents or findings under it.
`charter_run` adds a run of university sites ready to score, each with a 学校章程 column.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.store import Column, Crawl, Item, Run, Site


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


def charter_run(session: Session, n_sites: int, rubric_id: str = "moe-university-checklist-2014") -> int:
    """A run of `n_sites` crawled universities, each with a 学校章程 column (one item, two on odd sites);
    returns the run's id."""
    run = Run(rubric_id=rubric_id)
    session.add(run)
    session.flush()
    for k in range(n_sites):
        site = Site(url=f"http://s{k}.test/", name=f"大学{k}", kind="university", key=f"s{k}")
        session.add(site)
        session.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id, status="done", portal_url=f"http://s{k}.test/xxgk/")
        session.add(crawl)
        session.flush()
        col = Column(crawl_id=crawl.id, name="学校章程", path="学校章程", url=f"http://s{k}.test/zc.htm",
                     item_count=1 + k % 2)
        session.add(col)
        session.flush()
        session.add(Item(column_id=col.id, crawl_id=crawl.id, title="章程", url=f"http://s{k}.test/zc/1.htm"))
    session.flush()
    return run.id
