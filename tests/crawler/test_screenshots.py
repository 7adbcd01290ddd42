"""Screenshots of the pages behind failing findings: which pages, the site's scope, the caps, the rows.

A small HTTP server on 127.0.0.1 plays the audited site (one port) and another site (another port:
on loopback every port is its own site). The browser tests need Debian's Chromium.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from crawler.screenshots import plan_crawl, take_screenshots, wanted_urls
from crawler.screenshots_browser import MAX_HEIGHT, png_size
from tests.crawler.storekit import add_run_with_sites
from xxgk.chromium import chromium_path
from xxgk.settings import CrawlSettings
from xxgk.store import Crawl, Finding, Page, Screenshot, session_factory, session_scope

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed")


class _Site(BaseHTTPRequestHandler):
    other = ""  # base URL of the other site, for the off-site redirect

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/away":
            self.send_response(302)
            self.send_header("Location", f"{self.other}/elsewhere")
            self.end_headers()
            return
        if self.path == "/go":  # a redirect within the site
            self.send_response(302)
            self.send_header("Location", "/column?from=go")
            self.end_headers()
            return
        if self.path == "/tall":
            body = "<html><body style='margin:0'><div style='height:20000px;background:#c00'>长页</div></body></html>"
        elif self.path == "/missing":
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write("<html><body><h1>404 页面不存在</h1></body></html>".encode())
            return
        else:
            body = f"<html><head><title>栏目</title></head><body><h1>信息公开 {self.path}</h1></body></html>"
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def sites():
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Site) for _ in range(2)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    own, other = (f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
    _Site.other = other
    yield own, other
    for s in servers:
        s.shutdown()


def _store(tmp_path: Path, site_url: str, findings: list[dict], pages: dict[str, str] | None = None,
           cap: int = 10) -> tuple[str, int]:
    """A scored run of one site: its crawl, fetched pages (url → content type) and findings."""
    db = f"sqlite:///{tmp_path / 'xxgk.sqlite'}"
    config = {"limits": CrawlSettings(screenshots_per_site=cap).model_dump()}
    with session_scope(session_factory(db)) as session:
        run_id = add_run_with_sites(session, {"某县人民政府": site_url + "/"}, config=config)
        crawl = session.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        crawl.status, crawl.warc_path = "done", str(tmp_path / "warc" / f"run-{run_id}" / "site-1.warc.gz")
        for url, ctype in (pages or {}).items():
            session.add(Page(crawl_id=crawl.id, url=url, status=200, content_type=ctype))
        for i, f in enumerate(findings):
            session.add(Finding(run_id=run_id, site_id=crawl.site_id, rubric_id="r", section_id="s",
                                section_name="s", item_id=str(i), item_name=f"item {i}", check_kind="presence",
                                status=f["status"], points=f.get("points", 0.0), max_points=f.get("max", 1.0),
                                evidence=[{"url": u} for u in f["urls"]], details=f.get("details", {})))
    return db, run_id


def test_pages_behind_failing_findings_by_importance_within_the_cap(tmp_path, sites):
    own, other = sites
    db, run_id = _store(tmp_path, own, [
        {"status": "pass", "urls": [f"{own}/passed"]},
        {"status": "fail", "max": 2.0, "urls": [f"{own}/small", f"{own}/shared"]},
        {"status": "partial", "max": 10.0, "points": 4.0, "urls": [f"{own}/big", f"{own}/shared"]},
        {"status": "fail", "max": 1.0, "details": {"veto": True}, "urls": [f"{own}/veto"]},
        {"status": "needs_review", "urls": [f"{own}/unsure"]},
        {"status": "not_checked", "urls": [f"{own}/down"]},
    ])
    with session_scope(session_factory(db)) as session:
        crawl = session.scalars(select(Crawl)).one()
        assert wanted_urls(session, run_id, crawl.site_id) == [
            f"{own}/veto", f"{own}/big", f"{own}/shared", f"{own}/small"]
        planned = plan_crawl(session, crawl, 3, tmp_path)
    assert [p.url for p in planned] == [f"{own}/veto", f"{own}/big", f"{own}/shared"]
    # beside the crawl's WARC file, one stable name per URL
    assert all(p.dest.parent == tmp_path / "warc" / f"run-{run_id}" / "screenshots" / "site-1" for p in planned)
    assert len({p.dest for p in planned}) == 3


def test_off_scope_internal_and_non_html_pages_are_recorded_not_taken(tmp_path, sites):
    own, other = sites
    db, run_id = _store(tmp_path, own, [{"status": "fail", "urls": [
        f"{other}/page", "http://169.254.169.254/latest/meta-data/", f"{own}/report.pdf", "javascript:alert(1)"]}],
        pages={f"{own}/report.pdf": "application/pdf"})
    summary = take_screenshots(db, run_id)
    assert (summary.taken, summary.failed) == (0, 4)
    with session_scope(session_factory(db)) as session:
        reasons = {s.url: s.reason for s in session.scalars(select(Screenshot))}
    assert reasons[f"{other}/page"] == "not in the audited site's scope"
    assert reasons["http://169.254.169.254/latest/meta-data/"].startswith("refused: metadata address")
    assert reasons[f"{own}/report.pdf"] == "not an HTML page (application/pdf)"
    assert reasons["javascript:alert(1)"].startswith("refused: javascript")


def test_zero_cap_takes_nothing(tmp_path, sites):
    own, _other = sites
    db, run_id = _store(tmp_path, own, [{"status": "fail", "urls": [f"{own}/a"]}], cap=0)
    assert take_screenshots(db, run_id).taken == 0
    with session_scope(session_factory(db)) as session:
        assert session.scalars(select(Screenshot)).all() == []


@needs_chromium
def test_screenshots_are_real_pngs_listed_in_the_store(tmp_path, sites):
    own, other = sites
    urls = [f"{own}/column", f"{own}/missing", f"{own}/tall", f"{own}/go", f"{own}/away"]
    db, run_id = _store(tmp_path, own, [{"status": "fail", "urls": urls}])
    summary = take_screenshots(db, run_id)
    assert (summary.taken, summary.failed) == (4, 1)
    with session_scope(session_factory(db)) as session:
        rows = {s.url: s for s in session.scalars(select(Screenshot))}
        assert set(rows) == set(urls)
        for url in urls[:4]:
            shot = rows[url]
            assert shot.status == "ok", shot.reason
            path = Path(shot.path)
            assert path.parent == tmp_path / "warc" / f"run-{run_id}" / "screenshots" / "site-1"
            data = path.read_bytes()
            assert shot.size == len(data) > 1000
            with Image.open(path) as img:  # a real PNG of the page, as large as recorded
                assert img.format == "PNG" and img.size == (shot.width, shot.height) == png_size(data)
        assert rows[f"{own}/column"].width == 1280
        assert rows[f"{own}/tall"].height == MAX_HEIGHT  # a 20,000 px page is cut at the height cap
        with Image.open(rows[f"{own}/tall"].path) as img:
            assert img.convert("RGB").getpixel((640, 4000)) == (204, 0, 0)  # the page's red block
        assert rows[f"{own}/away"].status == "failed"
        assert rows[f"{own}/away"].reason == f"left the site's scope for {other}/elsewhere"
        # a second pass takes nothing again: every URL has its row
        assert take_screenshots(db, run_id).taken == 0


@needs_chromium
def test_a_host_that_does_not_answer_is_tried_once(tmp_path):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    db, run_id = _store(tmp_path, dead, [{"status": "fail", "urls": [f"{dead}/a", f"{dead}/b"]}])
    summary = take_screenshots(db, run_id)
    assert (summary.taken, summary.failed) == (0, 2)
    with session_scope(session_factory(db)) as session:
        reasons = {s.url: s.reason for s in session.scalars(select(Screenshot))}
    assert reasons[f"{dead}/a"].startswith("could not load the page:") and "ECONNREFUSED" in reasons[f"{dead}/a"]
    assert reasons[f"{dead}/b"].startswith("not tried: 127.0.0.1:")
