"""Sites by identity: the store side of xxgk/siteid.py's keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.store.models import Site


def site_for(session: Session, key: str, url: str, name: str) -> Site:
    """The site known by `key`, now at `url` (added when new).

    A site stored before keys were kept has none: it is found once by its URL and takes the key, so an
    old store's history carries on. The URL is updated to the one audited now; every crawl keeps its own.
    """
    site = session.scalar(select(Site).where(Site.key == key))
    if site is None:
        site = session.scalar(select(Site).where(Site.key.is_(None), Site.url == url).limit(1))
        if site is None:
            site = Site(url=url, name=name)
            session.add(site)
        site.key = key
    site.url, site.name = url, name
    session.flush()
    return site
