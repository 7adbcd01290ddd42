"""Per-host politeness with the browser on, counted by the server (no timings).

A rendered page's document, stylesheet and script are fetched by Chromium, not by Scrapy, so they
used to bypass Scrapy's per-host slot: with `per_host=1` the JS host of the latency world saw two of
its requests in flight at once. `RenderGate` puts them inside the page's slot; the server's own
in-flight count is the ground truth. The gate's rules (scope, blocked resources, one request per
host at a time, redirect chains, after-render aborts) are also checked on their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from storekit import add_run_with_sites

from crawler.browser import RenderGate
from crawler.extract.html import Scope
from xxgk.chromium import chromium_path
from xxgk.samples.latency import LatencyModel, LatencyServer, js_world
from xxgk.samples.v3 import generate_set
from xxgk.settings import CrawlSettings
from xxgk.store import Column, Crawl, Page, Site, default_db_url, session_factory

REPO = Path(__file__).resolve().parents[2]
CRAWL = """
import json, sys
from crawler.runner import run_crawl
run_crawl(sys.argv[1], int(sys.argv[2]), limits=json.loads(sys.argv[3]))
"""
needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="needs Debian chromium (or $XXGK_CHROMIUM)")


def _request(url: str, kind: str = "script", navigation: bool = False, redirected_from: object = None) -> SimpleNamespace:
    return SimpleNamespace(url=url, resource_type=kind, is_navigation_request=lambda: navigation,
                           redirected_from=redirected_from, redirected_to=None)


def test_gate_refuses_off_scope_internal_and_blocked_resources() -> None:
    gate = RenderGate("https://xxgk.x.edu.cn/", Scope("https://xxgk.x.edu.cn/").__contains__)
    assert gate.refusal("https://www.x.edu.cn/a.js", "script") is None  # a sibling host of the site
    # a menu script's library from a public CDN runs (without it the menu, and its columns, are lost);
    # other off-site fetches do not, and internal addresses never
    assert gate.refusal("https://cdn.example.com/jquery.js", "script") is None
    assert gate.refusal("https://cdn.example.com/menu.json", "xhr") == "outside the audited site"
    assert gate.refusal("https://cdn.example.com/", "document") == "outside the audited site"
    assert gate.refusal("http://10.0.0.8/lib.js", "script").startswith("refused")
    assert gate.refusal("http://169.254.169.254/latest/meta-data/", "xhr").startswith("refused")
    assert gate.refusal("https://xxgk.x.edu.cn/logo.png", "image") == "image not loaded"
    gate.close()
    assert gate.refusal("https://xxgk.x.edu.cn/a.js", "script") == "after the render"


def test_gate_sends_one_request_per_host_at_a_time_and_frees_after_redirects() -> None:
    async def scenario() -> list[str]:
        gate = RenderGate("http://127.0.0.1:9/", lambda url: True)
        order: list[str] = []
        doc = _request("http://127.0.0.1:9/", "document", navigation=True)
        css, js = _request("http://127.0.0.1:9/a.css", "stylesheet"), _request("http://127.0.0.1:9/a.js")
        other = _request("http://127.0.0.1:8/b.js")

        async def send(req: SimpleNamespace) -> None:
            assert await gate.enter(req)
            order.append(req.url)

        assert await gate.enter(doc)
        waiting = [asyncio.create_task(send(css)), asyncio.create_task(send(js)), asyncio.create_task(send(other))]
        await asyncio.sleep(0.05)
        assert order == ["http://127.0.0.1:8/b.js"]  # another host is not held up by this one
        hop = _request("http://127.0.0.1:9/index.html", "document", redirected_from=doc)
        doc.redirected_to = hop
        gate.finished(doc)  # a redirect hop: the chain still holds the host
        await asyncio.sleep(0.05)
        assert len(order) == 1
        gate.finished(hop)  # the chain's last hop: the host is free
        await asyncio.sleep(0.05)
        assert len(order) == 2
        gate.finished(css if order[-1].endswith(".css") else js)
        await asyncio.sleep(0.05)
        assert len(order) == 3
        await asyncio.gather(*waiting)
        gate.close()  # frees what is still held, and refuses what comes later
        assert not await gate.enter(_request("http://127.0.0.1:9/late.js"))
        return order

    assert len(asyncio.run(scenario())) == 3


def test_pages_rendered_at_once_share_one_request_in_flight_to_another_host() -> None:
    """Two pages of the site rendered at once each fetch from a sibling `static.` host that no Scrapy
    slot of theirs covers: with the crawler's shared registry the host has one request in flight;
    each page's own host is still its own (its Scrapy slot holds it)."""

    async def scenario() -> tuple[list[str], list[str]]:
        locks: dict[str, asyncio.Lock] = {}
        a = RenderGate("http://127.0.0.1:9/a.html", lambda url: True, host_locks=locks)
        b = RenderGate("http://127.0.0.2:9/b.html", lambda url: True, host_locks=locks)
        a_js, b_js = _request("http://127.0.0.3:9/lib.js"), _request("http://127.0.0.3:9/lib2.js")
        sent: list[str] = []

        async def send(gate: RenderGate, req: SimpleNamespace) -> None:
            assert await gate.enter(req)
            sent.append(req.url)

        assert await a.enter(a_js)
        waiting = asyncio.create_task(send(b, b_js))
        assert await b.enter(_request("http://127.0.0.2:9/b.css", "stylesheet"))  # b's own host: free
        await asyncio.sleep(0.05)
        held = list(sent)
        a.finished(a_js)
        await waiting
        return held, sent

    held, sent = asyncio.run(scenario())
    assert held == [] and sent == ["http://127.0.0.3:9/lib2.js"]


@pytest.mark.browser
@needs_chromium
def test_a_rendered_js_portal_never_has_two_requests_in_flight_with_per_host_1(tmp_path: Path) -> None:
    v3 = generate_set(tmp_path / "v3", "dev").parent
    js_dir = js_world(tmp_path / "js")
    # every request takes ~0.3 s, so the document, stylesheet and script of a page would overlap
    model = LatencyModel(median=0.3, sigma=0.0, floor=0.3, stall_p=0.0, limited_share=0.0)
    with LatencyServer(v3, 1, model=model, js_dir=js_dir, js_every=1) as server:
        (name, url), = server.urls.items()
        assert server.is_js(0)
        db = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db).begin() as s:
            run_id = add_run_with_sites(s, {name: url}, label="politeness")
        limits = CrawlSettings(workers=1, sites_at_once=1, loopback_polite=True, per_host=1, delay=0.0,
                               max_seconds=45, fetch_articles=False, check_links=False, max_offsite_checks=0,
                               search=False, log_level="ERROR")
        proc = subprocess.run([sys.executable, "-c", CRAWL, db, str(run_id), limits.model_dump_json()], cwd=REPO,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        assert proc.returncode == 0, proc.stderr[-4000:]
        (address, log), = server.logs.items()
    with session_factory(db)() as s:
        crawl = s.scalars(select(Crawl).join(Site, Site.id == Crawl.site_id).where(Crawl.run_id == run_id)).one()
        rendered = s.scalars(select(Page.id).where(Page.crawl_id == crawl.id, Page.render == "browser")).all()
        names = set(s.scalars(select(Column.name).where(Column.crawl_id == crawl.id)))
    assert rendered, "the JS portal was rendered in the browser"
    manifest = json.loads((js_dir / "g02" / "manifest.json").read_text(encoding="utf-8"))
    scripted = {c["name"] for c in manifest["columns"] if c.get("js_menu")}
    assert scripted <= names, f"script-linked columns missing: {sorted(scripted - names)[:3]}"
    assert len(log.times) > len(rendered)  # the server saw the crawl's and the pages' requests
    assert log.peak_in_flight == 1, f"{address} saw {log.peak_in_flight} requests in flight at once"
