"""Compare a stored crawl of the sample world with each portal's `manifest.json` (ground truth).

Used by `test_sample_world_v2.py` and by hand (`python tests/crawler/world_check.py`). Returns a
list of human-readable mismatches; an empty list means the crawl reproduced the ground truth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import select
from sqlalchemy.orm import Session
from storekit import add_run_with_sites

from crawler.extract.html import page_key
from xxgk.store import Column, Crawl, Item, Link, Page, Site, session_factory


def _abs(base: str, url: str | None, ext: dict[str, str]) -> str | None:
    if url is None:
        return None
    for placeholder, real in ext.items():
        if url.startswith(placeholder):
            return real + url[len(placeholder) :]
    return urljoin(base, url)


def compare_portal(s: Session, run_id: int, slug: str, manifest: dict[str, Any], base: str,
                   ext: dict[str, str]) -> list[str]:
    """Mismatches between one portal's crawl and its manifest."""
    out: list[str] = []
    crawl = s.scalars(select(Crawl).join(Site).where(Site.name == slug, Crawl.run_id == run_id)).one()
    if manifest.get("down"):
        if crawl.status != "failed":
            out.append(f"{slug}: down portal crawled as {crawl.status}")
        return out
    if crawl.status != "done":
        return [f"{slug}: status {crawl.status} {crawl.error}"]
    if crawl.cms != manifest["cms"]:
        out.append(f"{slug}: cms {crawl.cms} != {manifest['cms']}")
    if crawl.portal_url != _abs(base, manifest["portal"], ext):
        out.append(f"{slug}: portal {crawl.portal_url}")
    entry = (crawl.facts or {}).get("entry") or {}
    want_entry = manifest.get("entry") or {}
    for key in ("depth", "hidden"):
        if key in want_entry and entry.get(key) != want_entry[key]:
            out.append(f"{slug}: entry {key} {entry.get(key)} != {want_entry[key]}")
    cols = {c.path: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
    want = {c["path"]: c for c in manifest["columns"]}
    if set(cols) != set(want):
        out.append(f"{slug}: columns missing {sorted(set(want) - set(cols))[:6]} extra {sorted(set(cols) - set(want))[:6]}")
    rendered_want: set[str] = set()
    for path in sorted(set(cols) & set(want)):
        col, w = cols[path], want[path]
        where = f"{slug} {path}"
        if col.url != _abs(base, w["url"], ext) and not (w["kind"] == "group" and col.url is None):
            out.append(f"{where}: url {col.url} != {w['url']}")
        if w.get("needs_browser"):
            static = ((w.get("family") or {}).get("static_items") or 0) > 0
            rendered_want |= {_abs(base, u, ext) for u in (w["page_urls"][1:] if static else w["page_urls"])}
        if w.get("restricted") or w.get("robots_disallowed"):
            if col.status != "restricted":
                out.append(f"{where}: status {col.status} (want restricted)")
            continue
        if w.get("offsite"):
            if not col.offsite:
                out.append(f"{where}: not marked off-site")
            continue
        if w["kind"] == "group":
            continue
        got = {(i.title, i.url, i.published.isoformat() if i.published else None)
               for i in s.scalars(select(Item).where(Item.column_id == col.id))}
        exp = {(i["title"], _abs(base, i["url"], ext), i["date"]) for i in w["items"]}
        if got != exp:
            out.append(f"{where}: items missing {sorted(exp - got)[:2]} extra {sorted(got - exp)[:2]}")
        if w["kind"] == "content" and not col.has_content:
            out.append(f"{where}: content column without content")
        if w["kind"] == "list" and col.list_pages != w["pages"]:
            out.append(f"{where}: list_pages {col.list_pages} != {w['pages']}")
    if any(c.get("js_menu") for c in manifest["columns"]):  # the page holding a script-filled menu
        rendered_want.add(_abs(base, manifest["portal"], ext))
    rendered = set(s.scalars(select(Page.url).where(Page.crawl_id == crawl.id, Page.render == "browser")))
    if rendered != rendered_want:
        out.append(f"{slug}: browser pages extra {sorted(rendered - rendered_want)[:3]} "
                   f"missing {sorted(rendered_want - rendered)[:3]}")
    # The manifest scans every served page; a crawler sees the pages it reaches: compare on those.
    crawled = {page_key(u) for u in s.scalars(select(Page.url).where(Page.crawl_id == crawl.id, Page.status == 200))}
    links = manifest.get("links") or {}
    broken = {(_abs(base, b["from"], ext), _abs(base, b["to"], ext))
              for b in links.get("broken", []) if page_key(_abs(base, b["from"], ext)) in crawled}
    broken = {(page_key(a), b) for a, b in broken}
    got_broken = {(page_key(x.from_url), x.to_url) for x in s.scalars(
        select(Link).where(Link.crawl_id == crawl.id, Link.kind == "broken"))}
    if got_broken != broken:
        out.append(f"{slug}: broken links {len(got_broken)} != {len(broken)}; extra {sorted(got_broken - broken)[:2]} "
                   f"missing {sorted(broken - got_broken)[:2]}")
    empty = sum(1 for e in links.get("empty", []) if page_key(_abs(base, e["from"], ext)) in crawled)
    got_empty = len(s.scalars(select(Link.id).where(Link.crawl_id == crawl.id, Link.kind == "empty")).all())
    if got_empty != empty:
        out.append(f"{slug}: empty links {got_empty} != {empty}")
    return out


def compare_world(s: Session, run_id: int, world_dir: Path, urls: dict[str, str],
                  external_urls: dict[str, str]) -> list[str]:
    """Mismatches for every portal of the world."""
    portals = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))["portals"]
    out: list[str] = []
    for p in portals:
        manifest = json.loads((world_dir / p["manifest"]).read_text(encoding="utf-8"))
        out += compare_portal(s, run_id, p["slug"], manifest, urls.get(p["slug"], "http://127.0.0.1:9/"),
                              external_urls)
    return out


def register_world_run(db_url: str, world_dir: Path, urls: dict[str, str], label: str,
                       config: dict[str, Any] | None = None) -> int:
    """A run with one pending crawl per sample portal, named by slug (a portal that is down gets an
    address nothing listens on)."""
    portals = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))["portals"]
    sites = {p["slug"]: urls.get(p["slug"], "http://127.0.0.1:9/") for p in portals}
    with session_factory(db_url).begin() as s:
        return add_run_with_sites(s, sites, label=label, config=config)
