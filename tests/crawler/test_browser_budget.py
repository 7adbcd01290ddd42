"""The audit-wide browser page budget, on the latency world with JavaScript portals (no timings).

Four hosts serve the sample world's Empire-CMS portal, whose town columns are linked only from a
menu a script writes, so each of those sites renders its 信息公开 page in Chromium. Two crawl worker
processes with `browser_pages=1`: every browser page's life is logged (`XXGK_BROWSER_PAGE_LOG`), and
never two overlap; every script-linked column's items are still found (the manifest's ground truth);
and no browser process of the audit outlives it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select
from storekit import add_run_with_sites

from crawler.browser import PageBudget, max_open_pages
from xxgk.chromium import chromium_path
from xxgk.samples.latency import LatencyModel, LatencyServer, js_world
from xxgk.samples.v3 import generate_set
from xxgk.settings import CrawlSettings
from xxgk.store import Column, Crawl, Item, Page, Site, default_db_url, session_factory

REPO = Path(__file__).resolve().parents[2]
CRAWL = """
import json, sys
from crawler.runner import run_crawl
run_crawl(sys.argv[1], int(sys.argv[2]), limits=json.loads(sys.argv[3]))
"""
needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="needs Debian chromium (or $XXGK_CHROMIUM)")


def test_max_open_pages_counts_overlaps() -> None:
    lines = ["open 1.0 1", "open 2.0 2", "close 3.0 1", "open 3.5 1", "close 4.0 2", "close 5.0 1"]
    assert max_open_pages(lines) == 2
    assert max_open_pages(["open 1.0 1", "close 2.0 1", "open 2.0 2", "close 3.0 2"]) == 1
    assert max_open_pages(["browser-launch 0.5 1", "open 1.0 1", "close 2.0 1", "browser-close 2.5 1"]) == 1
    assert max_open_pages(["browser-launch 0.5 1", "browser-launch 0.7 1", "browser-close 2.5 1"],
                          "browser-launch", "browser-close") == 2


def test_page_budget_holds_at_most_its_slots_and_frees_them(tmp_path: Path) -> None:
    budget = PageBudget(tmp_path / "slots", 2)
    other = PageBudget(tmp_path / "slots", 2)  # another process's view of the same lock files
    a, b = budget.try_acquire(), other.try_acquire()
    assert a is not None and b is not None
    assert budget.try_acquire() is None and other.try_acquire() is None
    budget.release(a)
    c = other.try_acquire()
    assert c is not None
    other.release(b)
    other.release(c)


def test_a_dead_process_gives_its_slot_back(tmp_path: Path) -> None:
    code = ("import sys, time; from crawler.browser import PageBudget; b = PageBudget(sys.argv[1], 1); "
            "assert b.try_acquire() is not None; print('held', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "slots")], cwd=REPO, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert proc.stdout.readline().strip() == "held"
        budget = PageBudget(tmp_path / "slots", 1)
        assert budget.try_acquire() is None
    finally:
        proc.kill()
        proc.wait()
    assert budget.try_acquire() is not None


def _marked(marker: str) -> list[psutil.Process]:
    """Live processes started with `marker` in their environment (the audit's and its browsers')."""
    out = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("XXGK_BUDGET_TEST") == marker:
                out.append(proc)
        except (psutil.Error, OSError):
            continue
    return out


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("browsers", [2, 1])
def test_one_browser_page_at_a_time_across_two_workers(tmp_path: Path, browsers: int) -> None:
    """`browsers=2`: both workers run a Chromium, and the page budget alone keeps their pages apart;
    `browsers=1`: never two Chromiums in the audit at once either."""
    v3 = generate_set(tmp_path / "v3", "dev").parent
    js_dir = js_world(tmp_path / "js")
    hosts = 4
    model = LatencyModel(scale=0.0, limited_share=0.0, stall_p=0.0)
    marker = uuid.uuid4().hex
    page_log = tmp_path / "pages.log"
    with LatencyServer(v3, hosts, model=model, js_dir=js_dir, js_every=1) as server:
        js_names = [name for i, name in enumerate(server.urls) if server.is_js(i)]
        assert len(js_names) == hosts
        db = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db).begin() as s:
            run_id = add_run_with_sites(s, server.urls, label="budget")
        limits = CrawlSettings(workers=2, sites_at_once=2, browser_pages=1, browser_processes=browsers, browser_idle=0.5, max_seconds=120,
                               fetch_articles=False, check_links=False, max_offsite_checks=0, search=False,
                               log_level="ERROR")
        env = {**os.environ, "PYTHONPATH": str(REPO), "XXGK_BROWSER_PAGE_LOG": str(page_log),
               "XXGK_BUDGET_TEST": marker}
        proc = subprocess.run([sys.executable, "-c", CRAWL, db, str(run_id), limits.model_dump_json()], cwd=REPO,
                              capture_output=True, text=True, timeout=400, env=env)
        assert proc.returncode == 0, proc.stderr[-4000:]
    assert not _marked(marker), "browser or crawl processes outlived the audit"
    lines = page_log.read_text(encoding="utf-8").splitlines()
    opens = [ln for ln in lines if ln.startswith("open")]
    assert len(opens) >= len(js_names)  # every JS site rendered at least its 信息公开 page
    if browsers == 2:
        assert len({ln.split()[2] for ln in opens}) == 2, "both worker processes rendered pages"
    assert max_open_pages(lines, "browser-launch", "browser-close") <= browsers
    assert sum(1 for ln in lines if ln.startswith("close")) == len(opens)
    assert max_open_pages(lines) == 1
    for pid in {ln.split()[2] for ln in opens}:  # one Chromium per worker at a time, each closed again
        mine = [ln for ln in lines if ln.split()[2] == pid]
        launches = sum(1 for ln in mine if ln.startswith("browser-launch"))
        assert launches >= 1
        assert sum(1 for ln in mine if ln.startswith("browser-close")) == launches
        assert max_open_pages(mine, "browser-launch", "browser-close") == 1
    manifest = json.loads((js_dir / "g02" / "manifest.json").read_text(encoding="utf-8"))
    scripted = {c["name"]: {i["title"] for i in c["items"]} for c in manifest["columns"] if c.get("js_menu")}
    assert scripted
    with session_factory(db)() as s:
        for name in js_names:
            crawl = s.scalars(select(Crawl).join(Site, Site.id == Crawl.site_id)
                              .where(Crawl.run_id == run_id, Site.name == name)).one()
            assert crawl.status == "done", (name, crawl.status, crawl.error)
            assert s.scalars(select(Page.id).where(Page.crawl_id == crawl.id, Page.render == "browser")).first()
            for column, titles in scripted.items():
                col = s.scalars(select(Column).where(Column.crawl_id == crawl.id, Column.name == column)).first()
                assert col is not None, f"{name}: script-linked column {column} not found"
                got = set(s.scalars(select(Item.title).where(Item.column_id == col.id)))
                assert got == titles, f"{name} {column}: missing {sorted(titles - got)[:3]}"


def test_rendered_pages_load_no_images_media_or_fonts() -> None:
    from types import SimpleNamespace

    from crawler.browser import skip_resource

    assert all(skip_resource(SimpleNamespace(resource_type=t)) for t in ("image", "media", "font"))
    assert not any(skip_resource(SimpleNamespace(resource_type=t))
                   for t in ("document", "script", "xhr", "fetch", "stylesheet"))
