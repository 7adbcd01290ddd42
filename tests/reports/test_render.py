"""Rendering a stored run: ranking numbers, site pages, CSV exports and escaping of crawled text."""

import csv
import datetime as dt

import pytest

from reports.cells import neutralise
from reports.render import render_run
from reports.templating import safe_link
from xxgk.store import Column, Crawl, Finding, Item, Run, Score, Site, session_factory, session_scope

HOSTILE = '<script>alert("x")</script>“引号”\u202e'


def _finding(run, site, sec, item, status, points, name=None, evidence=None):
    return Finding(run_id=run.id, site_id=site.id, rubric_id="r1", section_id=sec, section_name=f"类别{sec}",
                   item_id=item, item_name=name or f"事项{item}", check_kind="presence", status=status,
                   credit=points / 2, points=points, max_points=2.0, message="m",
                   evidence=evidence or [], matched=[])


@pytest.fixture()
def store(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 's.sqlite'}")
    with session_scope(factory) as s:
        run = Run(rubric_id="r1", mode="self-check")
        s.add(run)
        sites = [Site(url=f"http://127.0.0.1:{9000 + i}/", name=n) for i, n in enumerate(["甲大学", "乙大学", HOSTILE])]
        s.add_all(sites)
        s.flush()
        for site in sites:
            s.add(Crawl(run_id=run.id, site_id=site.id, status="done" if site.name != "乙大学" else "failed",
                        error="connection refused" if site.name == "乙大学" else None))
        s.flush()
        crawl = s.query(Crawl).filter_by(site_id=sites[2].id).one()
        col = Column(crawl_id=crawl.id, name=HOSTILE, path="基本信息/" + HOSTILE, url="javascript:alert(1)",
                     item_count=1, newest_date=dt.date(2026, 1, 2))
        s.add(col)
        s.flush()
        s.add(Item(column_id=col.id, crawl_id=crawl.id, title="=HYPERLINK(\"http://evil\")", url="http://127.0.0.1:9002/a.htm",
                   published=dt.date(2026, 1, 2)))
        # 甲: 4/4 → 100; 乙: failed crawl → not_checked everywhere; hostile: 2/4 → 50
        s.add_all([_finding(run, sites[0], "1", "1", "pass", 2.0), _finding(run, sites[0], "2", "2", "pass", 2.0),
                   _finding(run, sites[1], "1", "1", "not_checked", 0.0), _finding(run, sites[1], "2", "2", "not_checked", 0.0),
                   _finding(run, sites[2], "1", "1", "pass", 2.0, evidence=[{"url": "javascript:alert(1)", "label": HOSTILE}]),
                   _finding(run, sites[2], "2", "2", "fail", 0.0, name=HOSTILE)])
        for site, pts, elig in ((sites[0], 4, 4), (sites[1], 0, 0), (sites[2], 2, 4)):
            pct = None if elig == 0 else pts / elig * 100
            s.add(Score(run_id=run.id, site_id=site.id, rubric_id="r1", section_id="total", section_name="总分",
                        points=pts, max_points=4, eligible_points=elig, percent=pct))
        run_id = run.id
    return factory, run_id


def test_ranking_page_and_exports(store, tmp_path):
    factory, run_id = store
    out = tmp_path / "out"
    with session_scope(factory) as s:
        index = render_run(s, run_id, "r1", out)
    html = index.read_text(encoding="utf-8")
    # ranked by total; the failed crawl is listed last, unscored, never as 0
    assert html.index("甲大学") < html.index("&lt;script&gt;") < html.index("乙大学")
    assert "<script>alert" not in html
    assert "未能评分" in html
    assert "<svg" in html and "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    assert list(rows[0])[:12] == ["run_id", "rubric_id", "site_id", "site_name", "site_url", "section_id",
                                  "section_name", "item_id", "item_name", "check_kind", "status", "credit"]
    with open(out / "items.csv", encoding="utf-8-sig") as fh:
        items = list(csv.DictReader(fh))
    assert items[0]["title"].startswith("'=HYPERLINK")
    with open(out / "scores.csv", encoding="utf-8-sig") as fh:
        ranks = {r["site_name"]: r["rank"] for r in csv.DictReader(fh)}
    assert ranks["甲大学"] == "1" and ranks[HOSTILE] == "2" and ranks["乙大学"] == ""
    assert (out / "columns.csv").exists()


def test_site_page_escapes_and_never_links_javascript(store, tmp_path):
    factory, run_id = store
    out = tmp_path / "out"
    with session_scope(factory) as s:
        render_run(s, run_id, "r1", out)
    pages = sorted((out / "sites").glob("*.html"))
    assert len(pages) == 3
    hostile_page = next(p.read_text(encoding="utf-8") for p in pages if "&lt;script&gt;" in p.read_text(encoding="utf-8"))
    assert "<script>alert" not in hostile_page
    assert 'href="javascript:' not in hostile_page
    assert "整改清单" in hostile_page  # self-check run lists fixes
    failed_page = next(p.read_text(encoding="utf-8") for p in pages if "乙大学" in p.read_text(encoding="utf-8"))
    assert "connection refused" in failed_page and "未能检查" in failed_page


def test_safe_link_and_formula_neutralising():
    assert str(safe_link("javascript:alert(1)", "x")) == "x"
    assert str(safe_link("http://a/?q=<b>", "t")).startswith('<a href="http://a/?q=&lt;b&gt;"')
    assert neutralise("=1+1") == "'=1+1" and neutralise("-3") == "-3" and neutralise("@x") == "'@x"
    assert neutralise("正常") == "正常"


def test_minus_formulas_are_neutralised_but_negative_numbers_kept():
    assert neutralise("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert neutralise("-1+1") == "'-1+1" and neutralise("\n=1") == "'\n=1"
    assert neutralise("-3") == "-3" and neutralise("-2.5") == "-2.5"


def test_control_characters_in_an_evidence_page_do_not_crash_the_report():
    from reports.snapshots import sanitize_html

    html = sanitize_html('<p>a\x01b</p><a href="/x\x0by">link</a><a href="/ok">ok</a>', "http://127.0.0.1:9/")
    assert "\x01" not in html and "\x0b" not in html
    assert 'href="http://127.0.0.1:9/ok"' in html and "link" in html


def test_match_is_described_in_plain_chinese():
    from reports.templating import match_words

    assert match_words({"how": "alias", "score": 100.0}) == "与规定的别称一致"
    assert match_words({"how": "fuzzy", "score": 91.4}) == "名称相近，相似度 91%"
    assert match_words({"how": "exact", "score": 100.0}) == "名称一致"
