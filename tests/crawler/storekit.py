"""Store rows for crawl tests and benchmarks: a run with one pending crawl per site."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xxgk.siteid import site_key
from xxgk.store import Run, site_for
from xxgk.store.lifecycle import add_pending_crawl


def add_run_with_sites(session: Session, sites: dict[str, str], *, label: str | None = None,
                       config: dict[str, Any] | None = None) -> int:
    """A run with one pending crawl per site (name → URL); sites are shared across runs by identity."""
    run = Run(label=label, config=config or {})
    session.add(run)
    session.flush()
    for name, url in sites.items():
        site = site_for(session, site_key(name, url), url, name)
        add_pending_crawl(session, run.id, site.id, url)
    session.flush()
    return run.id
