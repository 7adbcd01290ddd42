"""Crawl the bundled sample world (xxgk.samples) and compare with each portal's manifest.

Six universities cover both templates of each CMS family (vsb/webplus/trs × a/b).
Skipped when the sample generator is not importable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from world_check import register_world_run

from xxgk.store import Column, Crawl, Item, Site, default_db_url, session_factory

samples = pytest.importorskip("xxgk.samples")
server = pytest.importorskip("xxgk.samples.server")


def _abs(base: str, url: str | None) -> str | None:
    return base + url if url and not url.startswith("http") else url


def test_sample_world_matches_manifests(tmp_path: Path, crawl_in_subprocess) -> None:
    world = Path(samples.generate_world(tmp_path / "world", seed=2024, n_universities=6, n_governments=0))
    world_dir = world.parent if world.is_file() else world
    portals = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))["portals"]
    db_url = default_db_url(tmp_path / "store.sqlite")
    factory = session_factory(db_url)
    with server.SampleServer(world_dir) as srv:
        urls = dict(srv.urls)
        run_id = register_world_run(db_url, world_dir, urls, "samples")
        crawl_in_subprocess(db_url, run_id, limits={"fetch_articles": False, "check_links": False}, timeout=300)

    problems: list[str] = []
    with factory() as s:
        for p in portals:
            manifest = json.loads((world_dir / p["manifest"]).read_text(encoding="utf-8"))
            base = urls[p["slug"]].rstrip("/")
            crawl = s.scalars(
                select(Crawl).join(Site).where(Site.name == p["slug"], Crawl.run_id == run_id)
            ).one()
            assert crawl.status == "done", (p["slug"], crawl.error)
            assert crawl.cms == p["cms"]
            assert crawl.portal_url == _abs(base, manifest["portal"])
            cols = {c.path: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
            want_cols = {c["path"]: c for c in manifest["columns"]}
            if set(cols) != set(want_cols):
                problems.append(
                    f"{p['slug']}: missing {sorted(set(want_cols) - set(cols))[:5]} "
                    f"extra {sorted(set(cols) - set(want_cols))[:5]}"
                )
            for path in set(cols) & set(want_cols):
                col, want = cols[path], want_cols[path]
                where = f"{p['slug']} {path}"
                if col.url != _abs(base, want["url"]):
                    problems.append(f"{where}: url {col.url}")
                got = {
                    (i.title, i.url, i.published.isoformat() if i.published else None)
                    for i in s.scalars(select(Item).where(Item.column_id == col.id))
                }
                exp = {(i["title"], _abs(base, i["url"]), i["date"]) for i in want["items"]}
                if got != exp:
                    problems.append(
                        f"{where}: items missing {sorted(exp - got)[:2]} extra {sorted(got - exp)[:2]}"
                    )
                if col.has_content != (want["kind"] == "content"):
                    problems.append(f"{where}: has_content={col.has_content} kind={want['kind']}")
                if want["kind"] == "list":
                    if col.list_pages != want["pages"]:
                        problems.append(f"{where}: list_pages {col.list_pages} != {want['pages']}")
                    # TRS pages state only the page count; the manifest's declared_total is the item count.
                    if p["cms"] != "trs" and col.declared_count != want["declared_total"]:
                        problems.append(f"{where}: declared {col.declared_count} != {want['declared_total']}")
    assert not problems, "\n".join(problems[:40])
