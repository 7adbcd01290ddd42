"""`xxgk audit` takes screenshots of the pages behind failing findings and links them from the site page.

One sample university portal of poor quality (injected defects, so failing findings) audited in a subprocess
(Scrapy's reactor runs once per process); the PNG files, the store's rows and the site page's links
are checked against each other.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from xxgk.chromium import chromium_path
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer
from xxgk.store import Crawl, Finding, Run, Screenshot, session_factory

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed")]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("shotworld")
    world = json.loads(generate_world(root, seed=2024, n_universities=4, n_governments=0).read_text(encoding="utf-8"))
    poor = next(p for p in world["portals"] if p["quality"] == "poor")
    work = tmp_path_factory.mktemp("shotaudit")
    db = work / "xxgk.sqlite"
    with SampleServer(root) as server:
        listed = work / "all.csv"
        server.write_sites_csv(listed)
        with open(listed, encoding="utf-8-sig") as fh:
            rows = [r for r in csv.DictReader(fh) if r["url"] == server.urls[poor["slug"]]]
        sites = work / "sites.csv"
        with open(sites, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(work / "out"),
                              "--db", str(db), "--quiet"], capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    session = session_factory(f"sqlite:///{db}")()
    yield work, session
    session.close()


def test_pngs_of_failing_evidence_beside_the_warc(audited):
    work, session = audited
    run = session.scalars(select(Run)).one()
    failing = session.scalars(select(Finding).where(Finding.status.in_(("fail", "partial")))).all()
    assert failing, "the sample portal has injected defects"
    evidence = {e["url"] for f in failing for e in f.evidence or [] if isinstance(e, dict) and e.get("url")}
    shots = session.scalars(select(Screenshot)).all()
    ok = [s for s in shots if s.status == "ok"]
    assert ok and len(shots) <= 10  # the default cap per site
    assert {s.url for s in shots} <= evidence
    for shot in ok:
        path = Path(shot.path)
        site_id = session.get(Crawl, shot.crawl_id).site_id
        assert path.parent == work / "warc" / f"run-{run.id}" / "screenshots" / f"site-{site_id}"
        data = path.read_bytes()
        assert shot.size == len(data) > 0
        assert hashlib.sha256(data).hexdigest() == shot.sha256
        with Image.open(path) as img:
            assert img.format == "PNG" and img.size == (shot.width, shot.height)
            assert img.width == 1280 and img.height >= 300
            low, high = img.convert("L").getextrema()
            assert high - low > 50  # a page with text on it, not a blank image
    for shot in shots:
        assert shot.status == "ok" or shot.reason


def test_site_page_links_every_screenshot(audited):
    work, session = audited
    ok = session.scalars(select(Screenshot).where(Screenshot.status == "ok")).all()
    site_pages = list((work / "out" / "sites").glob("site-*.html"))
    assert len(site_pages) == 1
    html = site_pages[0].read_text(encoding="utf-8")
    links = set(re.findall(r'href="(\.\./screenshots/[^"]+\.png)" class="screenshot"', html))
    assert len(links) == len(ok)
    copied = {hashlib.sha256((site_pages[0].parent / link).resolve().read_bytes()).hexdigest() for link in links}
    assert copied == {s.sha256 for s in ok}


def test_no_screenshots_flag_is_stored_as_the_setting(tmp_path):
    with socket.socket() as sock:  # a site that is down: the audit ends at once
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sites = tmp_path / "sites.csv"
    sites.write_text(f"name,url\n某大学,{url}\n", encoding="utf-8")
    db = tmp_path / "xxgk.sqlite"
    res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(tmp_path / "out"),
                          "--db", str(db), "--quiet", "--no-screenshots"], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    session = session_factory(f"sqlite:///{db}")()
    try:
        assert session.scalars(select(Run)).one().config["limits"]["screenshots_per_site"] == 0
        assert session.scalars(select(Screenshot)).all() == []
    finally:
        session.close()
