"""Screenshots as evidence: the pages behind a run's failing and partial findings, after scoring.

Which pages: the evidence URLs of the run's `fail` and `partial` findings, single-veto items first,
then by points lost, each URL once per site, at most `screenshots_per_site` attempts per site
(counting earlier ones, so re-running never takes more). Only URLs in the audited site's scope
(its own hosts, as the crawl's scope) and pages the crawl did not see as something other than HTML
are tried. The PNGs go beside the crawl's WARC file (`<store>/warc/run-N/screenshots/site-M/`) and
every attempt is a `Screenshot` row: `ok` with path, size and dimensions, or `failed` with the reason.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.extract.html import Scope
from crawler.scope import request_refusal, site_class
from crawler.screenshots_browser import Shot, ShotResult, take_batch
from xxgk.config import store_dir_for
from xxgk.settings import CrawlSettings
from xxgk.store import FAIL, PARTIAL, Crawl, Finding, Page, Run, Screenshot, session_factory, session_scope

log = logging.getLogger(__name__)

SHOT_STATUSES = (FAIL, PARTIAL)


@dataclass
class Planned:
    """A page to capture for one crawl, or a reason it is not tried (recorded as a failed row)."""

    crawl_id: int
    url: str
    dest: Path
    skip: str | None = None


@dataclass
class ScreenshotSummary:
    """How many screenshots a pass took and how many failed (with their reasons in the store)."""

    taken: int = 0
    failed: int = 0


def screenshot_dir(crawl: Crawl, store_dir: Path) -> Path:
    """The folder of a crawl's PNGs: beside its WARC file (`…/run-N/screenshots/site-M`)."""
    warc = Path(crawl.warc_path) if crawl.warc_path and crawl.warc_path.endswith(".warc.gz") else None
    base = warc.parent if warc is not None else Path(store_dir) / "warc" / f"run-{crawl.run_id}"
    return base / "screenshots" / f"site-{crawl.site_id}"


def file_name(url: str) -> str:
    """A PNG name from the URL (stable, safe on every file system)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24] + ".png"


def _priority(f: Finding) -> tuple[bool, float, int]:
    veto = isinstance(f.details, dict) and f.details.get("veto") is True
    return (not veto, -((f.max_points or 0.0) - (f.points or 0.0)), f.id)


def wanted_urls(session: Session, run_id: int, site_id: int, rubric_id: str | None = None) -> list[str]:
    """A site's evidence URLs of failing and partial findings, most important first, each once."""
    q = select(Finding).where(Finding.run_id == run_id, Finding.site_id == site_id,
                              Finding.status.in_(SHOT_STATUSES))
    if rubric_id:
        q = q.where(Finding.rubric_id == rubric_id)
    seen: dict[str, None] = {}
    for f in sorted(session.scalars(q), key=_priority):
        for ev in f.evidence or []:
            url = ev.get("url") if isinstance(ev, dict) else None
            if isinstance(url, str) and url and url not in seen:
                seen[url] = None
    return list(seen)


def scope_of(crawl: Crawl) -> tuple[Callable[[str], bool], str | None]:
    """The crawl's scope test (its start and portal hosts) and the site's own address class."""
    urls = [u for u in (crawl.start_url, crawl.portal_url, crawl.site.url if crawl.site else None) if u]
    scope = Scope(*urls)
    return (lambda url: url in scope), site_class(urls[0] if urls else "")


def plan_crawl(session: Session, crawl: Crawl, cap: int, store_dir: Path,
               rubric_id: str | None = None) -> list[Planned]:
    """What to capture for one crawl within the cap (earlier attempts count), and what to skip with why."""
    done = set(session.scalars(select(Screenshot.url).where(Screenshot.crawl_id == crawl.id)))
    room = cap - session.scalar(select(func.count()).select_from(Screenshot).where(Screenshot.crawl_id == crawl.id))
    if room <= 0:
        return []
    in_scope, allowed = scope_of(crawl)
    folder = screenshot_dir(crawl, store_dir)
    types = dict(session.execute(select(Page.url, Page.content_type).where(Page.crawl_id == crawl.id)).all())
    out: list[Planned] = []
    for url in wanted_urls(session, crawl.run_id, crawl.site_id, rubric_id):
        if len(out) >= room:
            break
        if url in done:
            continue
        skip = request_refusal(url, allowed)
        if skip is None and not in_scope(url):
            skip = "not in the audited site's scope"
        ctype = (types.get(url) or "").lower()
        if skip is None and ctype and "html" not in ctype:
            skip = f"not an HTML page ({ctype.split(';')[0].strip()})"
        out.append(Planned(crawl.id, url, folder / file_name(url), skip))
    return out


def take_screenshots(db_url: str, run_id: int, settings: CrawlSettings | None = None, *,
                     rubric_id: str | None = None, store_dir: Path | None = None) -> ScreenshotSummary:
    """Capture the pages behind a scored run's failing and partial findings and list them in the store.

    Never raises for a page: each failure is a row with its reason. `settings` default to the run's.
    """
    factory = session_factory(db_url)
    store_dir = Path(store_dir) if store_dir is not None else store_dir_for(db_url)
    with session_scope(factory) as session:
        run = session.get(Run, run_id)
        if run is None:
            return ScreenshotSummary()
        settings = settings or CrawlSettings.of_run(run.config, run_id=run_id)
        cap = settings.screenshots_per_site
        if cap <= 0:
            return ScreenshotSummary()
        crawls = list(session.scalars(select(Crawl).where(Crawl.run_id == run_id).order_by(Crawl.id)))
        plans = {c.id: plan_crawl(session, c, cap, store_dir, rubric_id) for c in crawls}
        scopes = {c.id: scope_of(c) for c in crawls}
    batch = [[Shot(p.url, p.dest, scopes[cid][0], scopes[cid][1]) for p in planned if p.skip is None]
             for cid, planned in plans.items()]
    batch = [site for site in batch if site]
    results: dict[str, ShotResult] = {}
    if batch:
        shots = [shot for site in batch for shot in site]
        taken = take_batch(batch, timeout=settings.timeout, user_agent=settings.user_agent)
        results = {str(shot.dest): r for shot, r in zip(shots, taken, strict=True)}
    summary = ScreenshotSummary()
    with session_scope(factory) as session:
        for cid, planned in plans.items():
            for p in planned:
                r = results.get(str(p.dest)) if p.skip is None else None
                if p.skip is not None or r is None:
                    row = Screenshot(crawl_id=cid, url=p.url, status="failed", reason=p.skip or "not taken")
                else:
                    row = Screenshot(crawl_id=cid, url=p.url, status=r.status, reason=r.reason,
                                     path=str(r.path) if r.path else None, width=r.width, height=r.height,
                                     size=r.size, sha256=r.sha256)
                summary.taken += row.status == "ok"
                summary.failed += row.status != "ok"
                session.add(row)
    log.info("run %s: %d screenshots taken, %d failed", run_id, summary.taken, summary.failed)
    return summary
