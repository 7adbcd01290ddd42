"""`xxgk serve`: the read-only web view answers HTML and JSON from the store, escapes crawled strings,
refuses writes, and works in a real browser."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http import HTTPStatus

import pytest

from reports.browser import chromium_path
from xxgk.serve import make_server, resolve
from xxgk.store import Crawl, Finding, Run, Score, Site, session_factory, session_scope

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture()
def store(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 'v.sqlite'}")
    with session_scope(factory) as s:
        good, bad = Site(url="http://127.0.0.1:9/a/", name="甲大学"), Site(url="http://127.0.0.1:9/b/", name=HOSTILE)
        s.add_all([good, bad])
        s.flush()
        runs = []
        for n, totals in enumerate(((70.0, 40.0), (85.0, None))):
            run = Run(rubric_id="r", status="done", config={"as_of": f"2026-0{n + 1}-01"})
            s.add(run)
            s.flush()
            runs.append(run.id)
            for site, total in zip((good, bad), totals, strict=True):
                s.add(Crawl(run_id=run.id, site_id=site.id, status="done", pages=5))
                s.add(Score(run_id=run.id, site_id=site.id, rubric_id="r", section_id="total", section_name="总分",
                            points=total or 0, max_points=100, eligible_points=100, percent=total,
                            veto=None if total is not None else "D1"))
                s.add(Finding(run_id=run.id, site_id=site.id, rubric_id="r", section_id="一", section_name="一",
                              item_id="1", item_name=HOSTILE, check_kind="presence", status="fail",
                              message=HOSTILE, evidence=[{"url": "javascript:alert(1)"}, {"url": "http://127.0.0.1:9/e"}]))
        ids = {"good": good.id, "bad": bad.id}
    return factory, runs, ids


def _json(factory, path):
    status, ctype, body = resolve(factory, path)
    assert status == HTTPStatus.OK and ctype.startswith("application/json")
    return json.loads(body)


def test_json_api_serves_runs_sites_trends_and_findings(store):
    factory, runs, ids = store
    assert [r["id"] for r in _json(factory, "/api/runs")["runs"]] == runs[::-1]  # newest first
    run = _json(factory, f"/api/runs/{runs[1]}")
    assert run["run"]["as_of"] == "2026-02-01"
    assert {s["name"]: s["scores"]["r"]["percent"] for s in run["sites"]} == {"甲大学": 85.0, HOSTILE: None}
    trend = _json(factory, f"/api/sites/{ids['good']}")["trends"]["r"]
    assert [(p["run"], p["percent"]) for p in trend] == [(runs[0], 70.0), (runs[1], 85.0)]  # oldest first
    findings = _json(factory, f"/api/runs/{runs[0]}/sites/{ids['bad']}")["findings"]
    assert findings[0]["name"] == HOSTILE and findings[0]["evidence"] == ["javascript:alert(1)", "http://127.0.0.1:9/e"]


def test_html_escapes_crawled_strings_and_unknown_ids_are_404(store):
    factory, runs, ids = store
    status, _ctype, body = resolve(factory, f"/runs/{runs[0]}/sites/{ids['bad']}")
    html = body.decode("utf-8")
    assert status == HTTPStatus.OK and "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="http://127.0.0.1:9/e"' in html
    assert resolve(factory, "/runs/999")[0] == HTTPStatus.NOT_FOUND
    assert resolve(factory, "/etc/passwd")[0] == HTTPStatus.NOT_FOUND


@pytest.fixture()
def served(store):
    factory, runs, ids = store
    server = make_server(factory, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", runs, ids
    finally:
        server.shutdown()
        server.server_close()


def test_writes_are_refused(served):
    base, runs, _ids = served
    req = urllib.request.Request(f"{base}/runs/{runs[0]}", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 405
    with urllib.request.urlopen(f"{base}/api/runs", timeout=10) as resp:
        assert resp.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")
def test_browse_runs_site_trend_and_findings_in_chromium(served, tmp_path, browser_page):
    base, runs, ids = served
    watched = browser_page(allow=(base + "/",))  # the view's own pages only: nothing from elsewhere
    page = watched.page
    page.goto(base + "/")
    assert page.title() == "运行记录"
    page.click(f'#runs a[href="/runs/{runs[1]}"]')
    page.wait_for_load_state("load")
    assert "评估时点 2026-02-01" in page.inner_text("body")
    page.click(f'#sites a[href="/sites/{ids["good"]}"]')
    page.wait_for_load_state("load")
    assert page.locator("svg.trend polyline").count() == 1
    page.click(f'a[href="/runs/{runs[0]}/sites/{ids["good"]}"]')
    page.wait_for_load_state("load")
    assert page.locator("#findings tbody tr").count() == 1
    page.goto(f"{base}/runs/{runs[0]}/sites/{ids['bad']}")
    assert HOSTILE in page.inner_text("h1")  # shown as text, never run
    page.screenshot(path=str(tmp_path / "findings.png"), full_page=True)
    for link in page.eval_on_selector_all("a[href^='/']", "as => as.map(a => a.getAttribute('href'))"):
        assert resolve_ok(base + link), link
    watched.assert_clean()


def resolve_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status == 200
