"""Store rows for crawl tests and benchmarks: a run with one pending crawl per site."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.store import Run, Site
from xxgk.store.lifecycle import add_pending_crawl


def add_run_with_sites(session: Session, sites: dict[str, str], *, label: str | None = None,
                       config: dict[str, Any] | None = None) -> int:
    """A run with one pending crawl per site (name → URL); sites are shared across runs by URL."""
    run = Run(label=label, config=config or {})
    session.add(run)
    session.flush()
    for name, url in sites.items():
        site = session.scalar(select(Site).where(Site.url == url))
        if site is None:
            site = Site(url=url, name=name)
            session.add(site)
            session.flush()
        add_pending_crawl(session, run.id, site.id)
    session.flush()
    return run.id
